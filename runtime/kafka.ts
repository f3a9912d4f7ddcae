/**
 * The one module that knows kafkajs (with its parts in ./kafka/). Everything else talks to Kafka
 * through the small interfaces below (produce acknowledged batches, consume partition batches and
 * commit explicitly, admin), so a later switch of client library touches these files only.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { kafkajs } from './kafka/kafkajs.js';
import { ConfigError, setting } from './config.js';
import type { Logger } from './logger.js';
import { openAdmin } from './kafka/admin.js';
import { openConsumer } from './kafka/consumer.js';
import { openProducer } from './kafka/producer.js';
import { namespaceOf, toLogCreator } from './kafka/shared.js';
import type { KafkaClient } from './kafka/types.js';

const { Kafka, logLevel } = kafkajs;

export const kafkaSettings = {
  brokers: setting.hostPorts('KAFKA_BROKERS', { default: ['127.0.0.1:9092'], description: 'Kafka bootstrap servers' }),
  clientId: setting.string('KAFKA_CLIENT_ID', {
    default: 'multicase-ongoing',
    description: 'client id prefix shown in broker logs and quotas',
  }),
  ssl: setting.bool('KAFKA_SSL', { default: false, description: 'connect to the brokers with TLS' }),
  saslMechanism: setting.oneOf('KAFKA_SASL_MECHANISM', ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const, {
    default: 'none',
    description: 'SASL mechanism for the brokers',
  }),
  saslUsername: setting.optional.string('KAFKA_SASL_USERNAME', {
    description: 'SASL user name (when KAFKA_SASL_MECHANISM is not none)',
  }),
  saslPassword: setting.optional.string('KAFKA_SASL_PASSWORD', { secret: true, description: 'SASL password' }),
  saslPlainWithoutTls: setting.bool('KAFKA_SASL_PLAIN_WITHOUT_TLS', {
    default: false,
    description:
      'allow KAFKA_SASL_MECHANISM=plain with KAFKA_SSL=false, which sends the password in clear text (only on a network you trust)',
  }),
  sslCaFile: setting.optional.string('KAFKA_SSL_CA_FILE', {
    description:
      "PEM file of the CA certificate(s) to trust for the brokers instead of the system's (needs KAFKA_SSL=true); unset: the system's",
  }),
  sslCertFile: setting.optional.string('KAFKA_SSL_CERT_FILE', {
    description: 'PEM file of the client certificate for mutual TLS, with KAFKA_SSL_KEY_FILE (needs KAFKA_SSL=true)',
  }),
  sslKeyFile: setting.optional.string('KAFKA_SSL_KEY_FILE', {
    description: 'PEM file of the private key of KAFKA_SSL_CERT_FILE',
  }),
  sslKeyPassword: setting.optional.string('KAFKA_SSL_KEY_PASSWORD', {
    secret: true,
    description: 'passphrase of an encrypted KAFKA_SSL_KEY_FILE',
  }),
  sessionTimeoutMs: setting.int('KAFKA_SESSION_TIMEOUT_MS', {
    default: 30_000,
    min: 6_000,
    description: 'consumer session timeout: how long a crashed member holds its partitions before the group moves them',
  }),
  topicReplicationFactor: setting.optional.int('KAFKA_TOPIC_REPLICATION_FACTOR', {
    min: 1,
    max: 32,
    description:
      "replicas of every topic the pipeline creates (ops setup, leases): 3 on a production cluster, 1 on a single broker; unset: the brokers' default.replication.factor. An existing topic keeps its replicas (raising them is a partition reassignment)",
  }),
  topicMinInsyncReplicas: setting.optional.int('KAFKA_TOPIC_MIN_INSYNC_REPLICAS', {
    min: 1,
    max: 32,
    description:
      "min.insync.replicas of every topic the pipeline creates or sets up: how many replicas must have a record before the brokers acknowledge it (the producer waits for all in-sync ones); 2 with 3 replicas; unset: the brokers' default. ops setup brings existing topics in line",
  }),
  namespace: setting.optional.string('KAFKA_NAMESPACE', {
    description:
      'prefix for every topic and consumer group (e.g. "staging."), so several pipelines can share one cluster; unset: none',
  }),
};

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  saslMechanism?: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  saslUsername?: string;
  saslPassword?: string;
  /** Allow SASL PLAIN without TLS (the password then travels in clear text). */
  saslPlainWithoutTls?: boolean;
  /** PEM files and the key's passphrase; absent: none. */
  sslCaFile?: string;
  sslCertFile?: string;
  sslKeyFile?: string;
  sslKeyPassword?: string;
  /** Prefix of every topic and group name on the cluster; the rest of the code never sees it. */
  namespace?: string;
  sessionTimeoutMs?: number;
  /** Replicas and min.insync.replicas of the topics the admin creates; absent: the brokers' defaults. */
  topicReplicationFactor?: number | undefined;
  topicMinInsyncReplicas?: number | undefined;
}

export type * from './kafka/types.js';

export interface KafkaSecurity {
  /** kafkajs' `ssl`: false, true (the system's CAs), or TLS options with the files' contents. */
  ssl: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

/**
 * The TLS and SASL options for kafkajs, or one ConfigError naming every variable that is wrong:
 * TLS files without KAFKA_SSL, a certificate without its key (or the reverse), a file that cannot
 * be read or is not PEM, a SASL mechanism without user name or password, SASL PLAIN without TLS
 * (the password in clear text) unless KAFKA_SASL_PLAIN_WITHOUT_TLS allows it. Reads the PEM files
 * through `readFile`, so that tests need no files.
 */
export function kafkaSecurity(cfg: KafkaConfig, readFile: (path: string) => Buffer = readFileSync): KafkaSecurity {
  const problems: string[] = [];
  const ssl = cfg.ssl ?? false;
  const caFile = cfg.sslCaFile;
  const certFile = cfg.sslCertFile;
  const keyFile = cfg.sslKeyFile;
  const keyPassword = cfg.sslKeyPassword;

  const files = [
    ['KAFKA_SSL_CA_FILE', caFile],
    ['KAFKA_SSL_CERT_FILE', certFile],
    ['KAFKA_SSL_KEY_FILE', keyFile],
  ] as const;
  if (!ssl) {
    for (const [name, file] of files)
      if (file)
        problems.push(
          `${name} is set but KAFKA_SSL is false: set KAFKA_SSL=true to connect with TLS, or leave ${name} unset to not use the file`,
        );
  }
  if (certFile && !keyFile)
    problems.push(
      'KAFKA_SSL_CERT_FILE is set but KAFKA_SSL_KEY_FILE is not: mutual TLS needs both the client certificate and its key',
    );
  if (keyFile && !certFile)
    problems.push(
      'KAFKA_SSL_KEY_FILE is set but KAFKA_SSL_CERT_FILE is not: mutual TLS needs both the client certificate and its key',
    );
  if (keyPassword && !keyFile)
    problems.push(
      'KAFKA_SSL_KEY_PASSWORD is set but KAFKA_SSL_KEY_FILE is not: the passphrase is for an encrypted key file',
    );

  const pem = (name: string, path: string): Buffer | undefined => {
    let content: Buffer;
    try {
      content = readFile(path);
    } catch (e) {
      problems.push(`${name}=${JSON.stringify(path)} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (!content.toString('latin1').includes('-----BEGIN '))
      problems.push(`${name}=${JSON.stringify(path)} is not a PEM file (no "-----BEGIN" line)`);
    return content;
  };
  const ca = caFile && pem('KAFKA_SSL_CA_FILE', caFile);
  const cert = certFile && pem('KAFKA_SSL_CERT_FILE', certFile);
  const key = keyFile && pem('KAFKA_SSL_KEY_FILE', keyFile);

  const mechanism = cfg.saslMechanism ?? 'none';
  const username = cfg.saslUsername;
  const password = cfg.saslPassword;
  if (mechanism !== 'none') {
    const missing = [username ? undefined : 'KAFKA_SASL_USERNAME', password ? undefined : 'KAFKA_SASL_PASSWORD'].filter(
      (n) => n !== undefined,
    );
    if (missing.length > 0)
      problems.push(
        `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
      );
  }
  if (mechanism === 'plain' && !ssl && !cfg.saslPlainWithoutTls) {
    problems.push(
      'KAFKA_SASL_MECHANISM=plain with KAFKA_SSL=false would send the SASL password in clear text: set KAFKA_SSL=true, or KAFKA_SASL_PLAIN_WITHOUT_TLS=true on a network you trust',
    );
  }
  const rf = cfg.topicReplicationFactor;
  const minIsr = cfg.topicMinInsyncReplicas;
  if (rf !== undefined && minIsr !== undefined && minIsr > rf)
    problems.push(
      `KAFKA_TOPIC_MIN_INSYNC_REPLICAS=${minIsr} is more than KAFKA_TOPIC_REPLICATION_FACTOR=${rf}: the brokers would refuse every record`,
    );
  if (problems.length > 0) throw new ConfigError(problems);

  const tls: ConnectionOptions = {
    ...(ca ? { ca: [ca] } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(keyPassword ? { passphrase: keyPassword } : {}),
  };
  return {
    ssl: ssl && Object.keys(tls).length > 0 ? tls : ssl,
    ...(mechanism !== 'none' && username && password ? { sasl: { mechanism, username, password } } : {}),
  };
}

export function connectKafka(cfg: KafkaConfig, log: Logger): KafkaClient {
  const ns = namespaceOf(cfg.namespace);
  const { ssl, sasl } = kafkaSecurity(cfg);
  if (sasl?.mechanism === 'plain' && !ssl)
    log.warn('KAFKA_SASL_PLAIN_WITHOUT_TLS=true: the SASL password travels to the brokers in clear text');
  const kafka = new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    ssl,
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel.WARN,
    logCreator: toLogCreator(log.child({ component: 'kafkajs' })),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
    connectionTimeout: 5_000,
  });
  return {
    producer: () => openProducer(kafka, ns),
    consumer: (opts) => openConsumer(kafka, ns, opts, cfg.sessionTimeoutMs, log),
    admin: () =>
      openAdmin(kafka, ns, {
        replicationFactor: cfg.topicReplicationFactor,
        minInsyncReplicas: cfg.topicMinInsyncReplicas,
      }),
  };
}
