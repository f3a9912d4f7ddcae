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
import type { Logger } from './logger.js';
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
  const admin = await rt.kafka.admin();
  const ends = await admin.endOffsets(topic.name).finally(() => admin.disconnect());
  const table = new CompactedTopicTable(rt, topic, ends, opts.compact ?? false);
  await table.follow();
  await table.loaded(opts.loadTimeoutMs ?? 60_000);
  return table;
}

class CompactedTopicTable<V> implements Table<V> {
  readonly name: string;
  private readonly log: Logger;
  /** Compact: key → the value's bytes, off the heap. Otherwise `state`: key → value. */
  private readonly compact: CompactMap | undefined;
  private readonly state = new Map<string, V>();
  /** Keys whose stored bytes could not be decoded, logged once each. */
  private readonly unreadable = new Set<string>();
  private readonly listeners = new Set<Listener<V>>();
  /** Partitions still to catch up with: partition → last offset that existed at start. */
  private readonly pending: Map<number, bigint>;
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  /** Throw-away: commits nothing that outlives the table, deleted on close. */
  private readonly groupId: string;
  private consumer: PipelineConsumer | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly topic: TopicSpec<V>,
    ends: ReadonlyArray<{ partition: number; offset: string }>,
    compact: boolean,
  ) {
    this.name = topic.name;
    this.log = rt.log.child({ table: topic.name });
    this.pending = new Map(ends.filter((e) => BigInt(e.offset) > 0n).map((e) => [e.partition, BigInt(e.offset) - 1n]));
    // Sized for every record there is (an upper bound of the entries of a compacted topic).
    this.compact = compact ? new CompactMap(ends.reduce((n, e) => n + Number(e.offset), 0)) : undefined;
    this.ready = new Promise<void>((r) => (this.markReady = r));
    this.checkReady();
    this.groupId = `table.${topic.name}.${randomUUID()}`;
  }

  get(key: string): V | undefined {
    return this.compact ? this.read(key, this.compact.get(key)) : this.state.get(key);
  }

  *entries(): IterableIterator<[string, V]> {
    if (!this.compact) return yield* this.state.entries();
    for (const [k, bytes] of this.compact.entries()) {
      const v = this.read(k, bytes);
      if (v !== undefined) yield [k, v] as [string, V];
    }
  }

  get size(): number {
    return this.compact?.size ?? this.state.size;
  }

  waitFor(key: string, predicate: (v: V | undefined) => boolean, timeoutMs: number): Promise<V | undefined> {
    const now = this.get(key);
    if (predicate(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${key} in ${this.topic.name}`));
      }, timeoutMs);
      const off = this.onChange((k, v) => {
        if (k === key && predicate(v)) {
          clearTimeout(t);
          off();
          resolve(v);
        }
      });
    });
  }

  onChange(listener: Listener<V>): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): Promise<void> {
    return (this.closed ??= (async () => {
      await this.consumer?.stop();
      await this.consumer?.disconnect();
      // The group held no offsets; leave nothing behind on the cluster.
      const admin = await this.rt.kafka.admin().catch(() => undefined);
      await admin
        ?.deleteGroups([this.groupId])
        .catch((err: unknown) =>
          this.log.debug('table group not deleted', { groupId: this.groupId, error: errorMessage(err) }),
        );
      await admin?.disconnect().catch(() => undefined);
    })());
  }

  /** Reads the topic from the beginning and keeps following it, until closed with the runtime. */
  async follow(): Promise<void> {
    const consumer = await this.rt.kafka.consumer({
      groupId: this.groupId,
      topics: [this.topic.name],
      fromBeginning: true,
      autoCommit: false,
      sessionTimeoutMs: 10_000,
      // Small fetches load as fast as large ones but grow the heap far less (README, Performance).
      maxBytesPerPartition: 512 * 1024,
    });
    this.consumer = consumer;
    consumer
      .run((batch) => this.apply(batch))
      .catch((err: unknown) => this.log.error('table consumer failed', { error: err }));
    this.rt.onClose(() => this.close());
  }

  /** Resolves once every partition reached the end it had when the table opened. */
  async loaded(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`table ${this.topic.name} did not load within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    this.log.info('table loaded', { entries: this.size });
  }

  private async apply(batch: PartitionBatch): Promise<void> {
    for (const r of batch.records) {
      if (r.key === null) continue;
      if (this.compact && (r.value === null || this.rt.serde.schemaKnown(r.value))) {
        this.keepBytes(r.key, r.value);
        continue;
      }
      if ((await this.keepDecoded(r.key, r.value, r.offset)) === 'interrupted') return;
    }
    this.caughtUpTo(batch);
    metrics.tableSize.set({ table: this.topic.name }, this.size);
    if (batch.records.length > 0) await batch.commit((BigInt(batch.records.at(-1)!.offset) + 1n).toString());
  }

  /** A compact table keeps a value of a known schema as its bytes, decoded when read. */
  private keepBytes(key: string, bytes: Buffer | null): void {
    if (bytes === null) this.compact!.delete(key);
    else this.compact!.set(key, bytes);
    this.unreadable.delete(key);
    if (this.listeners.size > 0) this.notify(key, this.get(key));
  }

  /** A value decoded first (the first record of a schema, or any in a table kept as values). */
  private async keepDecoded(key: string, bytes: Buffer | null, offset: string): Promise<'interrupted' | void> {
    let value: V | undefined;
    try {
      value =
        bytes === null ? undefined : (this.rt.serde.decodeKnown(this.topic, bytes) ?? (await this.decodeSlowly(bytes)));
    } catch (err) {
      if (err instanceof Interrupted) return 'interrupted';
      // Bytes that are no value of their schema can never be read; the table goes on without them.
      this.log.error('skipping undecodable state record', { key, offset, error: errorMessage(err) });
      metrics.deadLettered.inc({ stage: `table:${this.topic.name}`, topic: this.topic.name, reason: errorClass(err) });
      return;
    }
    if (this.compact) {
      if (value === undefined) this.compact.delete(key);
      else this.compact.set(key, bytes!);
    } else if (value === undefined) this.state.delete(key);
    else this.state.set(key, value);
    if (this.listeners.size > 0) this.notify(key, value);
  }

  /** A registry that cannot be reached is waited out: skipping would lose the entry for good. */
  private async decodeSlowly(bytes: Buffer): Promise<V> {
    const { rt, topic } = this;
    return (
      await withRetry(`table:${topic.name}`, () => rt.serde.decode(topic, bytes), rt.retry, this.log, {
        signal: rt.signal,
      })
    ).value;
  }

  /**
   * Caught up once the batch reaches the end seen at start; compaction may have removed the
   * records just below it, so the batch's own high watermark counts too.
   */
  private caughtUpTo(batch: PartitionBatch): void {
    const last = this.pending.get(batch.partition);
    const lastRead = BigInt(batch.records.at(-1)?.offset ?? -1);
    if (last !== undefined && (lastRead >= last || BigInt(batch.highWatermark) - 1n <= lastRead)) {
      this.pending.delete(batch.partition);
      this.checkReady();
    }
  }

  private checkReady(): void {
    if (this.pending.size === 0) this.markReady();
  }

  private notify(key: string, value: V | undefined): void {
    for (const l of this.listeners) l(key, value);
  }

  /** The value of stored bytes; bytes that cannot be decoded read as absent (logged once per key). */
  private read(key: string, bytes: Buffer | undefined): V | undefined {
    if (bytes === undefined) return undefined;
    const value = this.rt.serde.decodeKnown(this.topic, bytes);
    if (value === undefined && !this.unreadable.has(key)) {
      this.unreadable.add(key);
      this.log.error('state record cannot be decoded; treated as absent', { key });
    }
    return value;
  }
}
