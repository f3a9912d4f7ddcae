/**
 * What every process of the pipeline shares: validated configuration, logger, Kafka client,
 * registry serde, one idempotent producer, retry policy, metrics endpoint and an orderly shutdown
 * on SIGINT/SIGTERM (stop consuming, finish or abandon in-flight work without committing it,
 * flush, disconnect).
 */
import { loadConfig } from './config.js';
import { connectKafka, kafkaSettings, type KafkaClient, type PipelineProducer } from './kafka.js';
import { createLogger, logSettings, type Logger } from './logger.js';
import { metricsSettings, startMetricsServer } from './metrics.js';
import { retrySettings, type RetryPolicy } from './retry.js';
import { announceBuild, buildSettings } from './build-info.js';
import { holdSettings } from './holds.js';
import { createSerde, registrySettings, type Serde } from './serde.js';

export const runtimeSettings = {
  ...kafkaSettings,
  ...registrySettings,
  ...retrySettings,
  ...metricsSettings,
  ...logSettings,
  ...buildSettings,
  ...holdSettings,
};

export interface Runtime {
  readonly name: string;
  readonly log: Logger;
  readonly kafka: KafkaClient;
  readonly serde: Serde;
  readonly retry: RetryPolicy;
  /** HELD_RECORD_ALERT_AFTER_MS: a held record older than this counts in pipeline_held_records_overdue. */
  readonly heldRecordAlertAfterMs: number;
  /** Aborted when shutdown starts; long waits (retries, polls) end early on it. */
  readonly signal: AbortSignal;
  producer(): Promise<PipelineProducer>;
  /** Runs on close, last registered first. */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  /** Serve /metrics and /healthz (default true for processes, off in tests). */
  serveMetrics?: boolean;
  log?: Logger;
}

export function createRuntime(name: string, opts: RuntimeOptions = {}): Runtime {
  const env = opts.env ?? process.env;
  const cfg = loadConfig(runtimeSettings, env);
  const log = opts.log ?? createLogger({ process: name });
  const kafka = connectKafka(cfg, log);
  const serde = createSerde({ ...cfg, log });
  const abort = new AbortController();
  const closers: Array<() => Promise<void>> = [];
  let producer: Promise<PipelineProducer> | undefined;
  let closing: Promise<void> | undefined;

  announceBuild(env);
  if (opts.serveMetrics) {
    void startMetricsServer(cfg.port).then(
      ({ server, port }) => {
        log.info('metrics and health endpoint up', { url: `http://127.0.0.1:${port}/metrics` });
        closers.push(() => new Promise((r) => server.close(() => r())));
      },
      (err: unknown) => log.error('could not serve metrics', { port: cfg.port, error: err }),
    );
  }

  return {
    name,
    log,
    kafka,
    serde,
    retry: { minDelayMs: cfg.minDelayMs, maxDelayMs: cfg.maxDelayMs, pauseAfterMs: cfg.pauseAfterMs },
    heldRecordAlertAfterMs: cfg.heldRecordAlertAfterMs,
    signal: abort.signal,
    producer() {
      producer ??= kafka.producer().then(
        (p) => {
          closers.unshift(() => p.disconnect());
          return p;
        },
        (err: unknown) => {
          // Not kept: the next caller (a retry) connects afresh.
          producer = undefined;
          throw err;
        },
      );
      return producer;
    },
    onClose(fn) {
      closers.push(fn);
    },
    close() {
      closing ??= (async () => {
        abort.abort();
        for (const fn of [...closers].reverse()) {
          try {
            await fn();
          } catch (err) {
            log.warn('error while closing', { error: err });
          }
        }
      })();
      return closing;
    },
  };
}

/** SIGINT/SIGTERM close the runtime once; a second signal exits at once. */
export function closeOnSignals(rt: Runtime, exit: (code: number) => void = (c) => process.exit(c)): void {
  let count = 0;
  const onSignal = (sig: string) => {
    count++;
    if (count > 1) return exit(130);
    rt.log.info('shutting down', { signal: sig });
    rt.close().then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}
