/**
 * A table over a compacted topic, like a Kafka Streams GlobalKTable: every instance reads every
 * partition from the beginning into memory, is `ready` once it has reached the end offsets seen at
 * start, then keeps following the topic. A tombstone (null value) deletes the key. This is the
 * state store for the id map, the shipping-method map and the source offsets.
 *
 * A large table (the id map: millions of entries) is opened `compact`: it keeps each value as its
 * Avro bytes off the heap (compact-map.ts) and decodes it on `get`, so loading decodes nothing and
 * the garbage collector has no object per entry to walk. Records are decoded without a promise
 * once their schema is known. The table's consumer group is throw-away: it commits nothing and is
 * deleted when the table closes.
 */
import { randomUUID } from 'node:crypto';
import type { TopicSpec } from '../schemas/topic.js';
import { CompactMap } from './compact-map.js';
import { errorClass, errorMessage } from './errors.js';
import { Interrupted, withRetry } from './retry.js';
import type { PartitionBatch, PipelineConsumer } from './kafka.js';
import { metrics } from './metrics.js';
import type { Runtime } from './runtime.js';

type Listener<V> = (key: string, value: V | undefined) => void;

export interface TableOptions {
  loadTimeoutMs?: number;
  /** Values kept as bytes off the heap, decoded when read: for tables of millions of entries. */
  compact?: boolean;
}

export interface Table<V> {
  readonly name: string;
  get(key: string): V | undefined;
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
  /** Resolves with the value once `predicate` holds for the key (now or after an update). */
  waitFor(key: string, predicate: (v: V | undefined) => boolean, timeoutMs: number): Promise<V | undefined>;
  onChange(listener: Listener<V>): () => void;
  close(): Promise<void>;
}

export async function openTable<V>(rt: Runtime, topic: TopicSpec<V>, opts: TableOptions = {}): Promise<Table<V>> {
  const log = rt.log.child({ table: topic.name });
  // Compact: key → the value's bytes, off the heap. Otherwise: key → value.
  let compact: CompactMap | undefined;
  const state = new Map<string, V>();
  const unreadable = new Set<string>();
  const get = (key: string): V | undefined => (compact ? read(key, compact.get(key)) : state.get(key));
  const read = (key: string, bytes: Buffer | undefined): V | undefined => {
    if (bytes === undefined) return undefined;
    const value = rt.serde.decodeKnown(topic, bytes);
    if (value === undefined && !unreadable.has(key)) {
      unreadable.add(key);
      log.error('state record cannot be decoded; treated as absent', { key });
    }
    return value;
  };
  const listeners = new Set<Listener<V>>();
  const admin = await rt.kafka.admin();
  const ends = await admin.endOffsets(topic.name).finally(() => admin.disconnect());
  // Partitions still to catch up with: partition -> last offset that existed at start.
  const pending = new Map(ends.filter((e) => BigInt(e.offset) > 0n).map((e) => [e.partition, BigInt(e.offset) - 1n]));
  // Sized for every record there is (an upper bound of the entries of a compacted topic).
  if (opts.compact) compact = new CompactMap(ends.reduce((n, e) => n + Number(e.offset), 0));

  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const checkReady = () => pending.size === 0 && markReady();
  checkReady();

  const groupId = `table.${topic.name}.${randomUUID()}`;
  const consumer: PipelineConsumer = await rt.kafka.consumer({
    groupId,
    topics: [topic.name],
    fromBeginning: true,
    autoCommit: false,
    sessionTimeoutMs: 10_000,
    // Small fetches load as fast as large ones but grow the heap far less (README, Performance).
    maxBytesPerPartition: 512 * 1024,
  });
  // A registry that cannot be reached is waited out: skipping would lose the entry for good.
  const decodeSlowly = async (bytes: Buffer): Promise<V> =>
    (await withRetry(`table:${topic.name}`, () => rt.serde.decode(topic, bytes), rt.retry, log, { signal: rt.signal }))
      .value;

  async function apply(batch: PartitionBatch) {
    for (const r of batch.records) {
      if (compact && r.key !== null && (r.value === null || rt.serde.schemaKnown(r.value))) {
        // Kept as bytes, decoded when read; the first record of a schema takes the full path below.
        if (r.value === null) compact.delete(r.key);
        else compact.set(r.key, r.value);
        unreadable.delete(r.key);
        if (listeners.size > 0) for (const l of listeners) l(r.key, get(r.key));
        continue;
      }
      if (r.key !== null) {
        let value: V | undefined;
        try {
          value =
            r.value === null ? undefined : (rt.serde.decodeKnown(topic, r.value) ?? (await decodeSlowly(r.value)));
        } catch (err) {
          if (err instanceof Interrupted) return;
          // Bytes that are no value of their schema can never be read; the table goes on without them.
          log.error('skipping undecodable state record', { key: r.key, offset: r.offset, error: errorMessage(err) });
          metrics.deadLettered.inc({ stage: `table:${topic.name}`, topic: topic.name, reason: errorClass(err) });
          continue;
        }
        if (compact) {
          if (value === undefined) compact.delete(r.key);
          else compact.set(r.key, r.value!);
        } else if (value === undefined) state.delete(r.key);
        else state.set(r.key, value);
        if (listeners.size > 0) for (const l of listeners) l(r.key, value);
      }
    }
    // Caught up once the batch reaches the end seen at start; compaction may have removed the
    // records just below it, so the batch's own high watermark counts too.
    const last = pending.get(batch.partition);
    const lastRead = BigInt(batch.records.at(-1)?.offset ?? -1);
    if (last !== undefined && (lastRead >= last || BigInt(batch.highWatermark) - 1n <= lastRead)) {
      pending.delete(batch.partition);
      checkReady();
    }
    metrics.tableSize.set({ table: topic.name }, compact?.size ?? state.size);
    if (batch.records.length > 0) await batch.commit((BigInt(batch.records.at(-1)!.offset) + 1n).toString());
  }

  consumer.run(apply).catch((err: unknown) => log.error('table consumer failed', { error: err }));

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await consumer.stop();
      await consumer.disconnect();
      // The group held no offsets; leave nothing behind on the cluster.
      const admin = await rt.kafka.admin().catch(() => undefined);
      await admin
        ?.deleteGroups([groupId])
        .catch((err: unknown) => log.debug('table group not deleted', { groupId, error: errorMessage(err) }));
      await admin?.disconnect().catch(() => undefined);
    })());
  rt.onClose(close);

  const timeout = opts.loadTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ready,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`table ${topic.name} did not load within ${timeout} ms`)), timeout);
    }),
  ]).finally(() => clearTimeout(timer));
  log.info('table loaded', { entries: compact?.size ?? state.size });

  const onChange = (listener: Listener<V>) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    name: topic.name,
    get,
    *entries() {
      if (!compact) return yield* state.entries();
      for (const [k, bytes] of compact.entries()) {
        const v = read(k, bytes);
        if (v !== undefined) yield [k, v] as [string, V];
      }
    },
    get size() {
      return compact?.size ?? state.size;
    },
    waitFor(key, predicate, timeoutMs) {
      const now = get(key);
      if (predicate(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${key} in ${topic.name}`));
        }, timeoutMs);
        const off = onChange((k, v) => {
          if (k === key && predicate(v)) {
            clearTimeout(t);
            off();
            resolve(v);
          }
        });
      });
    },
    onChange,
    close,
  };
}
