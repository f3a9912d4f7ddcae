/** The bookkeeping of parked records, without Kafka. */
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../runtime/kafka.js';
import { Parking } from '../runtime/parking.js';

const rec = (offset: number, key: string): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key,
  value: null,
  headers: {},
  timestamp: 0,
});

describe('Parking', () => {
  it('queues later records of a parked key behind it and lets other keys go', () => {
    const p = new Parking();
    expect(p.verdict(rec(0, 'A'))).toBe('try');
    expect(p.park(rec(0, 'A'), 1_000)).toBe(1_000);
    expect(p.verdict(rec(1, 'B'))).toBe('try');
    expect(p.verdict(rec(2, 'A'))).toBe('queued');
    expect(p.size).toBe(2);
    p.markDone('1');
    // Committed no further than the parked record; fetched on past everything delivered.
    expect(p.commitPoint(3n)).toBe('0');
    expect(p.lastSeen).toBe(2n);
  });

  it('recognises records delivered again: done ones are skipped, parked ones stay parked', () => {
    const p = new Parking();
    p.verdict(rec(0, 'A'));
    p.park(rec(0, 'A'), 1_000);
    p.verdict(rec(1, 'B'));
    p.markDone('1');
    expect(p.verdict(rec(0, 'A'))).toBe('queued');
    expect(p.verdict(rec(1, 'B'))).toBe('done');
    expect(p.verdict(rec(2, 'C'))).toBe('try');
  });

  it('keeps the first failure time of a head for its grace period, and starts a new one for the next head', () => {
    const p = new Parking();
    p.verdict(rec(0, 'A'));
    p.park(rec(0, 'A'), 1_000);
    p.verdict(rec(1, 'A'));
    expect(p.park(rec(0, 'A'), 5_000)).toBe(1_000);
    expect(p.release(rec(0, 'A'))).toEqual(rec(1, 'A'));
    expect(p.park(rec(1, 'A'), 9_000)).toBe(9_000);
    expect(p.release(rec(1, 'A'))).toBeUndefined();
    expect(p.size).toBe(0);
    expect(p.commitPoint(2n)).toBe('2');
  });

  it('offers a head for another try only after the retry interval', () => {
    const p = new Parking();
    p.verdict(rec(0, 'A'));
    p.park(rec(0, 'A'), 1_000);
    expect(p.dueHeads(1_200, 500)).toEqual([]);
    expect(p.dueHeads(1_500, 500)).toEqual([rec(0, 'A')]);
    expect(() => p.park(rec(3, 'A'), 1_600)).toThrow(/out of order/);
  });
});
