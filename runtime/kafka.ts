/**
 * The one module that knows kafkajs (with its parts in ./kafka/). Everything else talks to Kafka
 * through the small interfaces below (produce acknowledged batches, consume partition batches and
 * commit explicitly, admin), so a later switch of client library touches these files only.
 */
import { Kafka, logLevel } from 'kafkajs';
import { setting } from './config.js';
import type { Logger } from './logger.js';
import { openAdmin } from './kafka/admin.js';
import { openConsumer } from './kafka/consumer.js';
import { openProducer } from './kafka/producer.js';
import { namespaceOf, toLogCreator } from './kafka/shared.js';

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

export function connectKafka(cfg: KafkaConfig, log: Logger): KafkaClient {
  const ns = namespaceOf(cfg.namespace);
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
    producer: () => openProducer(kafka, ns),
    consumer: (opts) => openConsumer(kafka, ns, opts, cfg.sessionTimeoutMs, log),
    admin: () => openAdmin(kafka, ns),
  };
}
