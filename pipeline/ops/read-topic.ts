/**
 * Reads a topic from the beginning up to the end offsets it had when the read started, with a
 * throw-away group that never commits; for looking at dead letters without disturbing anything.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, PartitionOffset } from '../../runtime/kafka.js';
import type { Runtime } from '../../runtime/runtime.js';

export interface ReadOptions {
  /** Skip records below this offset (in every partition). */
  fromOffset?: bigint;
  /** Stop after this many records. */
  limit?: number;
  /** Give up after this long; `complete` is then false. */
  timeoutMs?: number;
}

export interface ReadResult {
  /** In partition, then offset order. */
  records: ConsumedRecord[];
  /** End offsets when the read started. */
  ends: PartitionOffset[];
  /** False when the time ran out before the end offsets were reached. */
  complete: boolean;
}

export async function readTopic(rt: Runtime, topic: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const from = opts.fromOffset ?? 0n;
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const admin = await rt.kafka.admin();
  const ends = await admin.endOffsets(topic).finally(() => admin.disconnect());
  // Partition -> last offset to read.
  const pending = new Map(ends.filter((e) => BigInt(e.offset) > from).map((e) => [e.partition, BigInt(e.offset) - 1n]));
  const records: ConsumedRecord[] = [];
  if (pending.size === 0 || limit <= 0) return { records, ends, complete: true };

  const consumer = await rt.kafka.consumer({
    groupId: `ops.reader.${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    autoCommit: false,
    sessionTimeoutMs: 10_000,
  });
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const check = () => (pending.size === 0 || records.length >= limit) && finish();

  void consumer
    .run(async (batch) => {
      const last = pending.get(batch.partition);
      if (last === undefined) return;
      for (const r of batch.records) {
        const offset = BigInt(r.offset);
        if (offset > last) break;
        if (offset >= from && records.length < limit) records.push(r);
      }
      const lastSeen = BigInt(batch.records.at(-1)?.offset ?? -1);
      // Retention or compaction may have removed the records just below the end offset.
      if (lastSeen >= last || BigInt(batch.highWatermark) - 1n <= lastSeen) pending.delete(batch.partition);
      if (batch.records.length > 0) await batch.commit((lastSeen + 1n).toString());
      check();
    })
    .catch((err: unknown) => rt.log.error('reading failed', { topic, error: err }));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    finished.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), opts.timeoutMs ?? 20_000))),
  ]);
  clearTimeout(timer);
  await consumer.stop();
  await consumer.disconnect();
  records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
  return { records, ends, complete: !timedOut };
}
