/**
 * What runs only under a lease (runtime/lease.ts): each source (`lease.source.<name>`), the
 * Ongoing sink of a goods owner (`lease.ongoing-writes.<id>`) and the scheduled stock check
 * (`lease.reconcile`). Every copy of a role opens the same
 * leases; the holder runs the work, the others stand by and start it the moment the lease becomes
 * theirs: at once when the holder stops, within the session timeout (KAFKA_SESSION_TIMEOUT_MS)
 * when it dies.
 */
import { errorMessage } from '../runtime/errors.js';
import type { TopicDescription } from '../runtime/kafka.js';
import { leaseTopic, openLease, type Lease } from '../runtime/lease.js';
import { registerHealthCheck } from '../runtime/metrics.js';
import { withRetry } from '../runtime/retry.js';
import type { Runtime } from '../runtime/runtime.js';
import { flows } from './flows.js';

/** The name of every lease the pipeline takes; `ops setup` creates their topics. */
export const leaseNames = {
  source: (source: string) => `source.${source}`,
  ongoingWrites: (goodsOwnerId: number) => `ongoing-writes.${goodsOwnerId}`,
  reconcile: 'reconcile',
  consumerLag: 'consumer-lag',
} as const;

/** The topics of every lease a deployment for this goods owner takes, so that no role needs to create one. */
export function leaseTopics(goodsOwnerId: number): TopicDescription[] {
  const sources = flows.flatMap((f) => f.sources).map((s) => leaseNames.source(s.name));
  return [...sources, leaseNames.ongoingWrites(goodsOwnerId), leaseNames.reconcile, leaseNames.consumerLag].map(
    leaseTopic,
  );
}

export interface Stoppable {
  stop(): Promise<void>;
}

export interface LeasedWork<T extends Stoppable> {
  /** Starts the work; what it returns is stopped when the lease is lost. */
  start(): Promise<T[]>;
  /** After a start (e.g. wait until consumers joined their groups). */
  onStarted?(running: T[]): Promise<void>;
  /** After a stop. */
  onStopped?(stopped: T[]): void;
}

/**
 * Runs the work while the lease is held and stops it when it is lost. Resolves once the lease's
 * group has decided: with the work running in the holder, with none in a standby.
 */
export function runWhileHeld<T extends Stoppable>(rt: Runtime, lease: Lease, work: LeasedWork<T>): Promise<void> {
  let running: T[] = [];
  let transitions = Promise.resolve();
  // The holder must run the work: a start that failed for good makes /healthz say so (the process
  // is restarted and the lease passes on), never a holder that quietly runs nothing.
  let failed: string | undefined;
  registerHealthCheck(`lease:${lease.name}`, () =>
    failed === undefined ? true : `holds lease ${lease.name} but could not start its work: ${failed}`,
  );
  const change = (held: boolean) => {
    transitions = transitions
      .then(async () => {
        if (held && running.length === 0 && lease.held()) {
          // A fault of infrastructure at start (Kafka, the source system away) is waited out and
          // reported as a pause, as everywhere else.
          running = (
            await withRetry(`lease:${lease.name}`, () => work.start(), rt.retry, rt.log, { signal: rt.signal })
          ).value;
          failed = undefined;
          await work.onStarted?.(running);
        } else if (!held && running.length > 0) {
          const stopping = running;
          running = [];
          await Promise.all(stopping.map((s) => s.stop()));
          work.onStopped?.(stopping);
        }
      })
      .catch((err: unknown) => {
        if (rt.signal.aborted) return;
        if (held) failed = errorMessage(err);
        rt.log.error('could not switch the leased work', { lease: lease.name, error: err });
      });
  };
  lease.onChange(change);
  if (lease.held()) change(true);
  return lease.ready.then(() => transitions);
}

/** Opens the lease and runs the work under it; returns the lease and when its group has decided. */
export async function leased<T extends Stoppable>(
  rt: Runtime,
  name: string,
  sessionTimeoutMs: number,
  work: LeasedWork<T>,
): Promise<{ lease: Lease; decided: Promise<void> }> {
  const lease = await openLease(rt, name, { sessionTimeoutMs });
  return { lease, decided: runWhileHeld(rt, lease, work) };
}
