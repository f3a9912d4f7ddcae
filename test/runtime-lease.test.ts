/** The Kafka-kept lease: one holder at a time, handed on when the holder leaves (real broker). */
import { afterAll, describe, expect, it } from 'vitest';
import { openLease, type Lease } from '../runtime/lease.js';
import type { Runtime } from '../runtime/runtime.js';
import { testRuntime, uniqueName } from './support/kafka.js';

const runtimes: Runtime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.close();
});

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a lease', () => {
  it('is held by exactly one of two processes, and passes to the other when the holder leaves', async () => {
    const name = uniqueName('lease-test');
    const a = testRuntime('lease-a', { KAFKA_SESSION_TIMEOUT_MS: '6000' });
    const b = testRuntime('lease-b', { KAFKA_SESSION_TIMEOUT_MS: '6000' });
    runtimes.push(a, b);
    const leaseA = await openLease(a, name, { sessionTimeoutMs: 6_000 });
    const leaseB = await openLease(b, name, { sessionTimeoutMs: 6_000 });
    const leases: Lease[] = [leaseA, leaseB];
    await until('a holder', () => leases.some((l) => l.held()));
    // Never both, over a few seconds of watching.
    for (let i = 0; i < 20; i++) {
      expect(leases.filter((l) => l.held()).length).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 100));
    }
    const holder = leases.find((l) => l.held())!;
    const other = leases.find((l) => l !== holder)!;
    const changes: boolean[] = [];
    other.onChange((held) => changes.push(held));
    await holder.close();
    expect(holder.held()).toBe(false);
    await until('the hand-over', () => other.held(), 20_000);
    expect(changes).toEqual([true]);
  }, 60_000);
});
