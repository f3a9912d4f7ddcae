/**
 * Records that wait for data not there yet (an id mapping racing its record) are parked by key,
 * so they do not hold up the other keys of their partition; later records of a parked key wait
 * behind it, so order per key holds. One `Parking` per partition a stage reads.
 *
 * Parked records are kept here and tried again by the stage; the consumer fetches on past them.
 * The committed offset never passes the lowest parked record, so a crash or a rebalance reads
 * from there again, and what was done after it is done again harmlessly (deterministic ids,
 * idempotent sinks). A record delivered again in this process is recognised: done means at or
 * below `highestDone` and not parked.
 */
import type { ConsumedRecord } from './kafka.js';

export type Verdict = 'try' | 'queued' | 'done';

interface Waiting {
  record: ConsumedRecord;
  /** When it first failed as the head of its key; the grace period counts from here. */
  since?: number;
  /** When it was last tried. */
  triedAt?: number;
}

const keyOf = (r: ConsumedRecord) => r.key ?? '';

export class Parking {
  private readonly byKey = new Map<string, Waiting[]>();
  private highestDone = -1n;
  /** The highest offset delivered so far: what the stage asks for again to get a round of retries. */
  lastSeen = -1n;
  /** When a batch of this partition was last handled, and whether one is being handled now. */
  lastRoundAt = 0;
  busy = false;

  get size(): number {
    let n = 0;
    for (const q of this.byKey.values()) n += q.length;
    return n;
  }

  /** What to do with a record delivered (again): handle it, leave it waiting behind its key, or skip it. */
  verdict(record: ConsumedRecord): Verdict {
    const o = BigInt(record.offset);
    if (o > this.lastSeen) this.lastSeen = o;
    const queue = this.byKey.get(keyOf(record));
    if (queue?.some((w) => w.record.offset === record.offset)) return 'queued';
    if (o <= this.highestDone) return 'done';
    if (queue) {
      queue.push({ record });
      return 'queued';
    }
    return 'try';
  }

  /** The record, the head of its key (or the first of it), could not be handled yet; returns when it first failed. */
  park(record: ConsumedRecord, now = Date.now()): number {
    const key = keyOf(record);
    let queue = this.byKey.get(key);
    if (!queue) this.byKey.set(key, (queue = [{ record }]));
    const head = queue[0]!;
    if (head.record.offset !== record.offset)
      throw new Error(`parking offset ${record.offset} of key ${key} out of order (head is ${head.record.offset})`);
    head.triedAt = now;
    return (head.since ??= now);
  }

  /** The heads of their keys not tried for `everyMs`: to try again now. */
  dueHeads(now: number, everyMs: number): ConsumedRecord[] {
    return [...this.byKey.values()]
      .map((q) => q[0]!)
      .filter((w) => (w.triedAt ?? 0) + everyMs <= now)
      .map((w) => w.record);
  }

  /** The head of the record's key was handled (done or dead-lettered); returns the next one of the key, which may go now. */
  release(record: ConsumedRecord): ConsumedRecord | undefined {
    const key = keyOf(record);
    const queue = this.byKey.get(key);
    if (!queue || queue[0]?.record.offset !== record.offset) return undefined;
    queue.shift();
    if (queue.length === 0) this.byKey.delete(key);
    return queue[0]?.record;
  }

  /** A record handled in this process (its outputs sent or on their way: a send that fails fails the batch, and the stage forgets this parking). */
  markDone(offset: string): void {
    const o = BigInt(offset);
    if (o > this.highestDone) this.highestDone = o;
  }

  /** How many parked records arrived in their topic before `cutoffMs` (waiting since then, across restarts). */
  arrivedBefore(cutoffMs: number): number {
    let n = 0;
    for (const q of this.byKey.values()) for (const w of q) if (w.record.timestamp < cutoffMs) n++;
    return n;
  }

  /** The offset to commit: the lowest parked one, or `next` when nothing is parked before it. */
  commitPoint(next: bigint): string {
    let lowest = next;
    for (const q of this.byKey.values()) {
      for (const w of q) if (BigInt(w.record.offset) < lowest) lowest = BigInt(w.record.offset);
    }
    return lowest.toString();
  }
}
