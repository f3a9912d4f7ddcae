/**
 * The one module that knows kafkajs. Everything else talks to Kafka through the small interfaces
 * below (produce acknowledged batches, consume partition batches and commit explicitly, admin),
 * so a later switch of client library touches this file only.
 */
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { setting } from './config.js';
import { TransientError } from './errors.js';
import type { Logger } from './logger.js';

export const kafkaSettings = {
  brokers: setting.hostPorts('KAFKA_BROKERS', { default: ['127.0.0.1:9092'], description: 'Kafka bootstrap servers' }),
  clientId: setting.string('KAFKA_CLIENT_ID', { default: 'multicase-ongoing', description: 'client id prefix shown in broker logs and quotas' }),
  ssl: setting.bool('KAFKA_SSL', { default: false, description: 'connect to the brokers with TLS' }),
  saslMechanism: setting.oneOf('KAFKA_SASL_MECHANISM', ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, { default: 'none', description: 'SASL mechanism for the brokers' }),
  saslUsername: setting.string('KAFKA_SASL_USERNAME', { default: '-', description: 'SASL user name (when KAFKA_SASL_MECHANISM is not none)' }),
  saslPassword: setting.string('KAFKA_SASL_PASSWORD', { default: '-', secret: true, description: 'SASL password' }),
  sessionTimeoutMs: setting.int('KAFKA_SESSION_TIMEOUT_MS', {
    default: 30_000,
    min: 6_000,
    description: 'consumer session timeout: how long a crashed member holds its partitions before the group moves them',
  }),
  namespace: setting.string('KAFKA_NAMESPACE', {
    default: '-',
    description: 'prefix for every topic and consumer group (e.g. "staging."), so several pipelines can share one cluster; "-" for none',
  }),
};

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  saslMechanism?: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  saslUsername?: string;
  saslPassword?: string;
  /** Prefix of every topic and group name on the cluster; the rest of the code never sees it. */
  namespace?: string;
  sessionTimeoutMs?: number;
}

export type Headers = Record<string, string>;

export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers?: Headers;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Headers;
  timestamp: number;
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  highWatermark: string;
  /** Call during long work so the group does not think this member died. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: finish or abandon the current record, then return. */
  isRunning(): boolean;
  /** Commit `nextOffset` (the offset of the next record to read) for this partition. */
  commit(nextOffset: string): Promise<void>;
}

export interface PipelineProducer {
  /** Resolves once every message is acknowledged by all in-sync replicas. */
  send(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface PipelineConsumer {
  /** Resolves when the consumer has joined its group (and got its partitions). */
  readonly joined: Promise<void>;
  /** Runs until stop(); batches of one partition are handed over in order. */
  run(handler: (batch: PartitionBatch) => Promise<void>, opts?: { partitionsConcurrently?: number }): Promise<void>;
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Read-only consumers (tables) never commit; their group is throw-away. */
  autoCommit?: false;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  compacted: boolean;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface PipelineAdmin {
  ensureTopics(topics: TopicDescription[]): Promise<string[]>;
  listTopics(): Promise<string[]>;
  deleteTopics(topics: string[]): Promise<void>;
  /** High-water marks (the offset the next record will get) of every partition. */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  offsetsAtTime(topic: string, timestampMs: number): Promise<PartitionOffset[]>;
  groupOffsets(groupId: string, topic: string): Promise<PartitionOffset[]>;
  setGroupOffsets(groupId: string, topic: string, offsets: PartitionOffset[]): Promise<void>;
  listGroups(): Promise<string[]>;
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  producer(): Promise<PipelineProducer>;
  consumer(opts: ConsumerOptions): Promise<PipelineConsumer>;
  admin(): Promise<PipelineAdmin>;
}

/** kafkajs advisories that do not apply here: we do not use its transactions (exactly-once comes from idempotent sinks). */
const IGNORED = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

function toLogCreator(log: Logger) {
  return () => ({ level, log: entry }: { level: number; log: { message: string } & Record<string, unknown> }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = entry;
    if (IGNORED.has(message)) return;
    if (level <= logLevel.ERROR) log.error(`kafka: ${message}`, rest);
    else if (level === logLevel.WARN) log.warn(`kafka: ${message}`, rest);
    else log.debug(`kafka: ${message}`, rest);
  };
}

function headersOf(h: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** kafkajs marks its own errors retriable or not; keep that, in our classes, at this edge. */
function classify(err: unknown, what: string): Error {
  const e = err as { retriable?: boolean; message?: string };
  if (e && e.retriable === true) return new TransientError(`${what}: ${e.message ?? String(err)}`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

export function connectKafka(cfg: KafkaConfig, log: Logger): KafkaClient {
  const ns = cfg.namespace && cfg.namespace !== '-' ? cfg.namespace : '';
  const out = (name: string) => ns + name;
  const back = (name: string) => (ns && name.startsWith(ns) ? name.slice(ns.length) : name);
  const sasl =
    cfg.saslMechanism && cfg.saslMechanism !== 'none'
      ? ({ mechanism: cfg.saslMechanism, username: cfg.saslUsername ?? '', password: cfg.saslPassword ?? '' } as const)
      : undefined;
  const kafka = new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    ssl: cfg.ssl ?? false,
    ...(sasl ? { sasl: sasl as never } : {}),
    logLevel: logLevel.WARN,
    logCreator: toLogCreator(log.child({ component: 'kafkajs' })),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    connectionTimeout: 5_000,
  });

  return {
    async producer() {
      const p: Producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // murmur2 on the key, as the Java client does: tools and other clients agree on the partition of a key.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect();
      return {
        async send(messages) {
          if (messages.length === 0) return;
          const byTopic = new Map<string, OutgoingMessage[]>();
          for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
          try {
            await p.sendBatch({
              acks: -1,
              topicMessages: [...byTopic].map(([topic, ms]) => ({
                topic: out(topic),
                messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} })),
              })),
            });
          } catch (err) {
            throw classify(err, 'producing to Kafka failed');
          }
        },
        disconnect: () => p.disconnect(),
      };
    },

    async consumer(opts) {
      const sessionTimeout = opts.sessionTimeoutMs ?? cfg.sessionTimeoutMs ?? 30_000;
      const create = () =>
        kafka.consumer({
          groupId: out(opts.groupId),
          sessionTimeout,
          heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 6)),
          allowAutoTopicCreation: false,
          maxWaitTimeInMs: 250,
          retry: { retries: 10 },
        });
      let onJoin!: () => void;
      const joined = new Promise<void>((r) => (onJoin = r));
      let current: Consumer = create();
      let stopped = false;
      const start = async (c: Consumer) => {
        c.on(c.events.GROUP_JOIN, () => onJoin());
        await c.connect();
        await c.subscribe({ topics: opts.topics.map(out), fromBeginning: opts.fromBeginning ?? true });
      };
      await start(current);

      return {
        joined,
        async run(handler, runOpts) {
          const runWith = (c: Consumer) =>
            c.run({
              autoCommit: false,
              eachBatchAutoResolve: false,
              partitionsConsumedConcurrently: runOpts?.partitionsConcurrently ?? 1,
              eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
                const topic = back(batch.topic);
                const records: ConsumedRecord[] = batch.messages.map((m) => ({
                  topic,
                  partition: batch.partition,
                  offset: m.offset,
                  key: m.key ? m.key.toString('utf8') : null,
                  value: m.value,
                  headers: headersOf(m.headers),
                  timestamp: Number(m.timestamp),
                }));
                await handler({
                  topic,
                  partition: batch.partition,
                  records,
                  highWatermark: batch.highWatermark,
                  heartbeat,
                  isRunning: () => isRunning() && !isStale(),
                  async commit(nextOffset) {
                    resolveOffset((BigInt(nextOffset) - 1n).toString());
                    if (opts.autoCommit === false) return;
                    await c.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset }]);
                  },
                });
              },
            });
          // kafkajs restarts a consumer after a retriable crash only. After any other crash (e.g.
          // "coordinator is not aware of this member" once a session expired) start a fresh one:
          // a stage must not die quietly while its process lives on. Uncommitted records come again.
          const watch = (c: Consumer) =>
            c.on(c.events.CRASH, (e) => {
              if (e.payload.restart || stopped) return;
              log.warn('consumer crashed; starting a new one', { group: opts.groupId, error: e.payload.error?.message });
              setTimeout(() => {
                if (stopped) return;
                const next = create();
                current = next;
                watch(next);
                start(next).then(() => runWith(next)).catch((err: unknown) => log.error('could not restart the consumer', { group: opts.groupId, error: err }));
              }, 1_000);
            });
          watch(current);
          await runWith(current);
        },
        stop: () => {
          stopped = true;
          return current.stop();
        },
        disconnect: () => current.disconnect(),
      };
    },

    async admin() {
      const a: Admin = kafka.admin();
      await a.connect();
      async function waitForLeaders(names: string[], timeoutMs = 30_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          try {
            const { topics } = await a.fetchTopicMetadata({ topics: names });
            if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
          } catch (err) {
            if (Date.now() > deadline) throw classify(err, `waiting for the leaders of ${names.length} new topics`);
          }
          if (Date.now() > deadline) throw new TransientError(`new topics have no leaders after ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return {
        async ensureTopics(topics) {
          const existing = new Set(await a.listTopics());
          const missing = topics.filter((t) => !existing.has(out(t.name)));
          if (missing.length > 0) {
            await a.createTopics({
              // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
              // answers while the new topics' metadata propagates; wait below instead.
              waitForLeaders: false,
              topics: missing.map((t) => ({
                topic: out(t.name),
                numPartitions: t.partitions,
                configEntries: t.compacted
                  ? [
                      { name: 'cleanup.policy', value: 'compact' },
                      { name: 'min.cleanable.dirty.ratio', value: '0.1' },
                      { name: 'segment.ms', value: '600000' },
                    ]
                  : [],
              })),
            });
          }
          if (missing.length > 0) await waitForLeaders(missing.map((t) => out(t.name)));
          return missing.map((t) => t.name);
        },
        listTopics: async () => (await a.listTopics()).filter((t) => t.startsWith(ns)).map(back),
        deleteTopics: (topics) => a.deleteTopics({ topics: topics.map(out) }),
        async endOffsets(topic) {
          const r = await a.fetchTopicOffsets(out(topic));
          return r.map((p) => ({ partition: p.partition, offset: p.high }));
        },
        async offsetsAtTime(topic, ts) {
          const r = await a.fetchTopicOffsetsByTimestamp(out(topic), ts);
          return r.map((p) => ({ partition: p.partition, offset: p.offset }));
        },
        async groupOffsets(groupId, topic) {
          const r = await a.fetchOffsets({ groupId: out(groupId), topics: [out(topic)] });
          return (r[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
        },
        async setGroupOffsets(groupId, topic, offsets) {
          await a.setOffsets({ groupId: out(groupId), topic: out(topic), partitions: offsets });
        },
        async listGroups() {
          const r = await a.listGroups();
          return r.groups.map((g) => g.groupId).filter((g) => g.startsWith(ns)).map(back);
        },
        disconnect: () => a.disconnect(),
      };
    },
  };
}
