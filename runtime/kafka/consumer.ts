/**
 * The consumer behind PipelineConsumer: kafkajs' eachBatch adapted to PartitionBatch with explicit
 * commits, and a fresh consumer after a crash kafkajs does not restart from by itself.
 */
import type { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { ConsumedRecord, ConsumerOptions, PartitionBatch, PipelineConsumer } from './types.js';
import { headersOf, type Namespace } from './shared.js';
import { stickyAssigner } from './sticky-assigner.js';

type BatchHandler = (batch: PartitionBatch) => Promise<void>;

/** The consumer in use (replaced after a crash), whether stop() was called, and what it holds. */
interface ConsumerState {
  current: Consumer;
  stopped: boolean;
  /** Partitions held per topic on the cluster; undefined from a rebalance's start until it is done. */
  assignment: Record<string, number[]> | undefined;
  /** When the group last confirmed this member: joined, or a heartbeat answered. */
  confirmedAt: number;
  /** What the last join assigned (kept through a rebalance, for the sticky assignor). */
  lastJoined: { held: Record<string, number[]>; at: number };
}

/** How to make, start and run one kafkajs consumer of the group. */
interface Lifecycle {
  create(): Consumer;
  start(c: Consumer): Promise<void>;
  runWith(c: Consumer): Promise<void>;
}

export async function openConsumer(
  kafka: Kafka,
  ns: Namespace,
  opts: ConsumerOptions,
  defaultSessionTimeoutMs: number | undefined,
  log: Logger,
): Promise<PipelineConsumer> {
  const sessionTimeout = opts.sessionTimeoutMs ?? defaultSessionTimeoutMs ?? 30_000;
  const create = () =>
    kafka.consumer({
      groupId: ns.out(opts.groupId),
      sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 6)),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      ...(opts.maxBytesPerPartition
        ? {
            maxBytesPerPartition: opts.maxBytesPerPartition,
            maxBytes: Math.max(10 * 2 ** 20, opts.maxBytesPerPartition),
          }
        : {}),
      retry: { retries: 10 },
      ...(opts.sticky ? { partitionAssigners: [stickyAssigner(() => state.lastJoined)] } : {}),
    });
  let onJoin!: () => void;
  const joined = new Promise<void>((r) => (onJoin = r));
  const state: ConsumerState = {
    current: create(),
    stopped: false,
    assignment: undefined,
    confirmedAt: 0,
    lastJoined: { held: {}, at: 0 },
  };
  const start = async (c: Consumer) => {
    c.on(c.events.GROUP_JOIN, (e) => {
      state.assignment = e.payload.memberAssignment;
      state.lastJoined = { held: e.payload.memberAssignment, at: Date.now() };
      state.confirmedAt = Date.now();
      onJoin();
    });
    c.on(c.events.HEARTBEAT, () => {
      state.confirmedAt = Date.now();
    });
    c.on(c.events.REBALANCING, () => {
      state.assignment = undefined;
    });
    c.on(c.events.CRASH, () => {
      state.assignment = undefined;
    });
    await c.connect();
    await c.subscribe({ topics: opts.topics.map(ns.out), fromBeginning: opts.fromBeginning ?? true });
  };
  await start(state.current);

  return {
    joined,
    async run(handler, runOpts) {
      const runWith = (c: Consumer) => c.run(runConfig(c, ns, opts, handler, runOpts?.partitionsConcurrently ?? 1));
      restartAfterCrash(state, state.current, { create, start, runWith }, opts.groupId, log);
      await runWith(state.current);
    },
    lastConfirmedAt: () => state.confirmedAt,
    assigned: (topic) => state.assignment?.[ns.out(topic)] ?? (state.assignment ? [] : undefined),
    seek(topic, partition, offset) {
      if (!state.assignment?.[ns.out(topic)]?.includes(partition)) return;
      try {
        state.current.seek({ topic: ns.out(topic), partition, offset });
      } catch (err) {
        log.debug('seek refused', { group: opts.groupId, topic, partition, error: (err as Error).message });
      }
    },
    stop: () => {
      state.stopped = true;
      return state.current.stop();
    },
    disconnect: () => state.current.disconnect(),
  };
}

function runConfig(
  c: Consumer,
  ns: Namespace,
  opts: ConsumerOptions,
  handler: BatchHandler,
  partitionsConcurrently: number,
): ConsumerRunConfig {
  return {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: partitionsConcurrently,
    eachBatch: async (payload) => {
      await handler(toPartitionBatch(c, ns, opts, payload));
    },
  };
}

function toPartitionBatch(
  c: Consumer,
  ns: Namespace,
  opts: ConsumerOptions,
  { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
): PartitionBatch {
  const topic = ns.back(batch.topic);
  const records: ConsumedRecord[] = batch.messages.map((m) => ({
    topic,
    partition: batch.partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: headersOf(m.headers),
    timestamp: Number(m.timestamp),
  }));
  return {
    topic,
    partition: batch.partition,
    records,
    highWatermark: batch.highWatermark,
    heartbeat,
    isRunning: () => isRunning() && !isStale(),
    async commit(nextOffset, fetchFrom = nextOffset) {
      resolveOffset((BigInt(fetchFrom) - 1n).toString());
      if (opts.autoCommit === false) return;
      await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset }]);
    },
  };
}

// kafkajs restarts a consumer after a retriable crash only. After any other crash (e.g.
// "coordinator is not aware of this member" once a session expired, or "failed to find group
// coordinator" while the brokers shut down) start a fresh one, and keep trying while the brokers
// stay away: a stage must not die quietly while its process lives on. Uncommitted records come again.
function restartAfterCrash(state: ConsumerState, c: Consumer, life: Lifecycle, groupId: string, log: Logger): void {
  c.on(c.events.CRASH, (e) => {
    if (e.payload.restart || state.stopped) return;
    log.warn('consumer crashed; starting a new one', { group: groupId, error: e.payload.error?.message });
    const attempt = (n: number) =>
      setTimeout(
        () => {
          if (state.stopped) return;
          const next = life.create();
          state.current = next;
          life.start(next).then(
            () => {
              restartAfterCrash(state, next, life, groupId, log);
              life
                .runWith(next)
                .catch((err: unknown) => log.error('restarted consumer stopped', { group: groupId, error: err }));
            },
            (err: unknown) => {
              log.warn('could not restart the consumer yet; trying again', {
                group: groupId,
                attempt: n,
                error: (err as Error)?.message,
              });
              next.disconnect().catch(() => undefined);
              attempt(n + 1);
            },
          );
        },
        Math.min(1_000 * 2 ** Math.min(n - 1, 4), 15_000),
      );
    attempt(1);
  });
}
