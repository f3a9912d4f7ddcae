/**
 * prom-client metrics shared by every role, and one small HTTP endpoint per process serving
 * /metrics (Prometheus text), /livez (200 whenever the process answers: its event loop runs) and
 * /readyz (200 when every registered check passes, else 503 with the reasons; /healthz is the same).
 *
 * Liveness is not readiness: a stage paused on an outage of Ongoing or the database retries by
 * itself and loses nothing, so it makes the process unready (503 on /readyz), never restarted.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { setting } from './config.js';

export const metricsSettings = {
  port: setting.int('METRICS_PORT', {
    default: 9464,
    min: 0,
    max: 65535,
    description:
      'port of the /metrics, /livez (the process answers) and /readyz (every stage and source healthy; /healthz is the same) endpoint; 0 picks a free one',
  }),
};

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const metrics = {
  recordsIn: new Counter({
    name: 'pipeline_records_consumed_total',
    help: 'records read by a stage',
    labelNames: ['stage', 'topic'],
    registers: [registry],
  }),
  recordsOut: new Counter({
    name: 'pipeline_records_produced_total',
    help: 'records written by a stage, and the acknowledgements a source emits once its events are in Kafka (stage "source:<name>")',
    labelNames: ['stage', 'topic'],
    registers: [registry],
  }),
  deadLettered: new Counter({
    name: 'pipeline_records_dead_lettered_total',
    help: 'records sent to a dead-letter topic',
    labelNames: ['stage', 'topic', 'reason'],
    registers: [registry],
  }),
  retries: new Counter({
    name: 'pipeline_retries_total',
    help: 'transient failures that were retried',
    labelNames: ['stage', 'error_class'],
    registers: [registry],
  }),
  handleSeconds: new Histogram({
    name: 'pipeline_record_seconds',
    help: 'time to handle one record that takes the full path (a target system written, a lookup, a retry), retries included; records a processor maps in memory are counted by pipeline_records_consumed_total, not timed one by one',
    labelNames: ['stage'],
    buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  }),
  endToEndSeconds: new Histogram({
    name: 'pipeline_end_to_end_seconds',
    help: 'from a change read in the source to its effect in the target',
    labelNames: ['stage'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [registry],
  }),
  sourceEvents: new Counter({
    name: 'pipeline_source_events_total',
    help: 'change events emitted by a source',
    labelNames: ['source'],
    registers: [registry],
  }),
  sourcePolls: new Counter({
    name: 'pipeline_source_polls_total',
    help: 'polls of a source system',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  }),
  targetRejections: new Counter({
    name: 'pipeline_target_rejections_total',
    help: 'writes the target system refused (e.g. work already started in the warehouse)',
    labelNames: ['stage', 'reason'],
    registers: [registry],
  }),
  tableSize: new Gauge({
    name: 'pipeline_table_entries',
    help: 'entries in a compacted-topic table',
    labelNames: ['table'],
    registers: [registry],
  }),
  paused: new Gauge({
    name: 'pipeline_stage_paused',
    help: '1 while a stage or source waits out a fault of infrastructure or configuration (the reason is on /healthz)',
    labelNames: ['stage'],
    registers: [registry],
  }),
  parked: new Gauge({
    name: 'pipeline_parked_records',
    help: 'records a stage holds back until what they need arrives (an id mapping, a shipping-method mapping)',
    labelNames: ['stage'],
    registers: [registry],
  }),
  heldOverdue: new Gauge({
    name: 'pipeline_held_records_overdue',
    help: 'records a stage holds back that reached their topic longer than HELD_RECORD_ALERT_AFTER_MS ago (a person has to set something up, e.g. map a freight method)',
    labelNames: ['stage'],
    registers: [registry],
  }),
  leaseHeld: new Gauge({
    name: 'pipeline_lease_held',
    help: '1 while this process holds the lease (e.g. the Ongoing write lease of a goods owner)',
    labelNames: ['lease'],
    registers: [registry],
  }),
  faults: new Counter({
    name: 'pipeline_faults_total',
    help: 'pauses begun because of a fault of infrastructure or configuration, by its class',
    labelNames: ['stage', 'error_class'],
    registers: [registry],
  }),
  consumerLag: new Gauge({
    name: 'pipeline_consumer_lag_records',
    help: "records of a partition the stage has still to read (the partition's high watermark minus the next offset to read), as of the stage's last batch",
    labelNames: ['stage', 'topic', 'partition'],
    registers: [registry],
  }),
  sourceLastSuccess: new Gauge({
    name: 'pipeline_source_last_success_timestamp_seconds',
    help: 'when a source last polled its system successfully (set at start too), in seconds since the epoch',
    labelNames: ['source'],
    registers: [registry],
  }),
};

/** Records a stage (or a source's acknowledgements) wrote, counted per topic. */
export function countProduced(stage: string, messages: readonly { topic: string }[]): void {
  const out = new Map<string, number>();
  for (const m of messages) out.set(m.topic, (out.get(m.topic) ?? 0) + 1);
  for (const [topic, n] of out) metrics.recordsOut.inc({ stage, topic }, n);
}

/** The lag of one partition as a stage sees it after a batch: what is left to read up to the high watermark. */
export function observeConsumerLag(
  stage: string,
  topic: string,
  partition: number,
  highWatermark: string,
  nextOffset: bigint,
): void {
  const lag = BigInt(highWatermark) - nextOffset;
  metrics.consumerLag.set({ stage, topic, partition: String(partition) }, lag > 0n ? Number(lag) : 0);
}

/** From a change read in its source system to its effect in the target, observed by the stage that applied it. */
export function observeEndToEnd(stage: string, tracedFromMs: number): void {
  metrics.endToEndSeconds.observe({ stage }, (Date.now() - tracedFromMs) / 1000);
}

/** A health check answers true when healthy, else the reason it is not. */
type Check = () => true | string | Promise<true | string>;
const checks = new Map<string, Check>();

export function registerHealthCheck(name: string, check: Check): void {
  checks.set(name, check);
}

export function unregisterHealthCheck(name: string): void {
  checks.delete(name);
}

export interface Health {
  ok: boolean;
  /** Each check: "ok", or why it is not. */
  checks: Record<string, string>;
}

export async function health(): Promise<Health> {
  const out: Record<string, string> = {};
  for (const [name, check] of checks) {
    try {
      const r = await check();
      out[name] = r === true ? 'ok' : r;
    } catch (err) {
      out[name] = `check failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { ok: Object.values(out).every((v) => v === 'ok'), checks: out };
}

const pauses = new Map<string, { since: number; reason: string }>();

/**
 * A stage or source that cannot go on until a fault outside the record is fixed (a broker, the
 * registry or a target down, credentials refused, a table missing) is paused: it keeps its
 * position, retries with backoff, and says why here, in /healthz (503) and `pipeline_stage_paused`.
 */
export function markPaused(stage: string, errorClass: string, reason: string): void {
  if (!pauses.has(stage)) {
    pauses.set(stage, { since: Date.now(), reason });
    metrics.faults.inc({ stage, error_class: errorClass });
    metrics.paused.set({ stage }, 1);
    registerHealthCheck(`paused:${stage}`, () => {
      const p = pauses.get(stage);
      return p ? `paused since ${new Date(p.since).toISOString()}: ${p.reason}` : true;
    });
  } else {
    pauses.get(stage)!.reason = reason;
  }
}

export function clearPaused(stage: string): void {
  if (!pauses.delete(stage)) return;
  metrics.paused.set({ stage }, 0);
  unregisterHealthCheck(`paused:${stage}`);
}

/** What is paused now, and why (for logs and tests). */
export function pausedStages(): Array<{ stage: string; since: number; reason: string }> {
  return [...pauses].map(([stage, p]) => ({ stage, ...p }));
}

export function startMetricsServer(port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(await registry.metrics());
      } else if (req.url === '/livez') {
        // Answered without running any check: only a process whose event loop is stuck fails it.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ alive: true, uptimeSeconds: Math.round(process.uptime()) }));
      } else if (req.url === '/readyz' || req.url === '/healthz') {
        const h = await health();
        res.writeHead(h.ok ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(h));
      } else {
        res.writeHead(404).end();
      }
    })().catch(() => res.writeHead(500).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}
