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
import type { KafkaClient } from './kafka/types.js';

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

export type * from './kafka/types.js';

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
