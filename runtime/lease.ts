/**
 * A lease that at most one process of a deployment holds at a time, kept by Kafka's group
 * membership: the member of group `lease.<name>` that is assigned the only partition of the
 * one-partition topic `lease.<name>` holds it. When the holder stops, the group hands the lease
 * on at once; when it dies, after the session timeout.
 *
 * A member that joins later waits: the group's sticky assignor leaves the partition with its
 * holder (runtime/kafka/sticky-assigner.ts), and the holder keeps the lease through such a
 * rebalance instead of stopping and restarting what it guards.
 *
 * Fencing: the lease counts as held only while the group confirms the member (a heartbeat
 * answered, or a join, within half the session timeout). A holder cut off from
 * Kafka therefore gives the lease up well before the group can hand it to another member, and
 * whoever acts under the lease (Ongoing writes) checks it before each action.
 */
import type { TopicDescription } from './kafka.js';
import { metrics } from './metrics.js';
import type { Runtime } from './runtime.js';

/** The one-partition topic of a lease (nothing is written to it: the membership of its group is the lease). */
export const leaseTopic = (name: string): TopicDescription => ({
  name: `lease.${name}`,
  partitions: 1,
  compacted: false,
  retentionMs: 3_600_000,
});

export interface Lease {
  readonly name: string;
  /** Resolves once this member has joined the lease's group, so `held()` answers for good. */
  readonly ready: Promise<void>;
  held(): boolean;
  /** Called with the new state whenever it changes. */
  onChange(listener: (held: boolean) => void): () => void;
  close(): Promise<void>;
}

const CHECK_EVERY_MS = 250;

export async function openLease(rt: Runtime, name: string, opts: { sessionTimeoutMs: number }): Promise<Lease> {
  const description = leaseTopic(name);
  const topic = description.name;
  const log = rt.log.child({ lease: name });
  const admin = await rt.kafka.admin();
  try {
    // Created here only where setup has not (a local run); its configuration is setup's to align,
    // so a process without the right to describe or alter topic configurations can open it.
    await admin.ensureTopics([description], { alignExisting: false });
  } finally {
    await admin.disconnect();
  }
  const consumer = await rt.kafka.consumer({
    groupId: topic,
    topics: [topic],
    autoCommit: false,
    fromBeginning: false,
    sessionTimeoutMs: opts.sessionTimeoutMs,
    sticky: true,
  });
  // Nothing is ever written to the topic: the membership is the lease.
  consumer.run(async () => {}).catch((err: unknown) => log.error('lease consumer failed', { error: err }));

  const listeners = new Set<(held: boolean) => void>();
  // During a rebalance (assignment unknown) the last answer stands: the sticky assignor gives the
  // partition back to its holder, and a holder that does not rejoin soon stops being confirmed.
  let assigned = false;
  const isHeld = () => {
    const now = consumer.assigned(topic);
    if (now !== undefined) assigned = now.includes(0);
    return assigned && Date.now() - consumer.lastConfirmedAt() < opts.sessionTimeoutMs / 2;
  };
  let held = false;
  // A standby says so too: a lease that no copy holds shows as a sum of 0, not as no series at all.
  metrics.leaseHeld.set({ lease: name }, 0);
  const check = () => {
    const now = isHeld();
    if (now === held) return;
    held = now;
    metrics.leaseHeld.set({ lease: name }, held ? 1 : 0);
    log.info(held ? 'lease acquired' : 'lease given up');
    for (const l of listeners) l(held);
  };
  const timer = setInterval(check, CHECK_EVERY_MS);
  timer.unref();
  const ready = consumer.joined.then(check);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      clearInterval(timer);
      if (held) {
        held = false;
        metrics.leaseHeld.set({ lease: name }, 0);
        for (const l of listeners) l(false);
      }
      await consumer.stop();
      await consumer.disconnect();
    })());
  rt.onClose(close);
  return {
    name,
    ready,
    // Checked afresh: a holder that lost Kafka must stop at once, not at the next tick.
    held: () => held && isHeld(),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close,
  };
}
