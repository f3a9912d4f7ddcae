/**
 * What the console shows, gathered in one pass: the flow table with live figures on every hop
 * (records, consumer lag, end-to-end p99), and what needs a person: held records, dead letters,
 * unhealthy stages, open integration exceptions, stock drift. Cheap reads only (admin offsets,
 * tables kept open, metrics, one count of open exceptions); dead letters are read again only when
 * their topic grew.
 */
import { topics } from '../../schemas/catalog.js';
import type { HeldRecord } from '../../schemas/types.generated.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { openTable, type Table } from '../../runtime/table.js';
import { flows, flowStages, sinkStagesOf, type Flow } from '../flows.js';
import { listDeadLetters, retryRefusal, type DeadLetter } from '../ops/dlq.js';
import type { ExceptionReport } from '../ops/exceptions.js';
import type { StockReport } from '../ops/reconcile-diff.js';
import { groupLag, stillHeld, type GroupLag, type HeldEntry } from '../ops/status.js';
import type { MetricSet } from './metrics-text.js';
import type { Telemetry, TelemetrySource, Unhealthy } from './telemetry.js';

export interface HopView {
  /** `report`: an Ongoing source's acknowledgement command, emitted once its events are in Kafka. */
  readonly kind: 'source' | 'mapping' | 'sink' | 'report' | 'state';
  /** The source's or stage's name (its consumer group). */
  readonly stage: string;
  readonly from: string;
  readonly to: string;
  /** The file and what it does, for a tooltip. */
  readonly detail: string;
  /** Events emitted (source) or records read (stage), summed over the processes read; undefined: no figure. */
  readonly count: number | undefined;
  readonly lag: number | undefined;
  /** Seconds from the change in the source system to its effect, 99th percentile since the processes started. */
  readonly p99: number | undefined;
}

export interface FlowView {
  readonly number: number;
  readonly name: string;
  readonly direction: Flow['direction'];
  readonly hops: HopView[];
}

export interface HeldItem extends HeldEntry {
  /** The Multicase freight method the record waits for, when its reason names one. */
  readonly freightMethodId: number | undefined;
}

export interface LetterItem extends Omit<DeadLetter, 'record'> {
  readonly dlqTopic: string;
  readonly flows: number[];
  /** The field the message names ("…: field lines[0].quantity …"), when it names one. */
  readonly field: string | undefined;
  /** JSON letters are source rows that never became events: fixed in the source system, not retried. */
  readonly retriable: boolean;
  readonly retriedAt: number | undefined;
}

export interface DeadLetterGroup {
  readonly topic: string;
  readonly total: number;
  readonly letters: LetterItem[];
}

export interface DriftItem {
  readonly article: string;
  readonly drift: number;
  readonly ongoing?: number;
  readonly multicase?: number;
  readonly inFlight?: number;
  /** What open integration exceptions explain (not drift), and which ones. */
  readonly explained?: number;
  readonly exceptions?: number[];
}

export interface Snapshot {
  readonly takenAt: number;
  readonly flows: FlowView[];
  readonly telemetry: Pick<Telemetry, 'from' | 'problems' | 'available'>;
  readonly held: HeldItem[];
  readonly deadLetters: DeadLetterGroup[];
  readonly unhealthy: Unhealthy[];
  readonly drift: { readonly items: DriftItem[]; readonly checkedAt: number | undefined; readonly source: string };
  /** The integration exceptions open in Multicase. */
  readonly exceptions: ExceptionReport;
  /** What could not be read (Kafka, a table), for the page. */
  readonly problems: string[];
}

const SYSTEM = {
  'source-multicase': 'Multicase DB',
  'source-ongoing': 'Ongoing WMS',
  'sink-multicase': 'Multicase DB',
  'sink-ongoing': 'Ongoing WMS',
} as const;

/** Which flows a topic belongs to (a topic may serve two: flow 7 reuses flows 2 and 3). */
export function flowsOfTopic(topic: string): number[] {
  return flows
    .filter((f) =>
      [
        ...f.sources.map((s) => s.output.name),
        ...f.mappings.flatMap((m) => [m.spec.input.name]),
        ...sinkStagesOf(f).map((s) => s.input.name),
      ].includes(topic),
    )
    .map((f) => f.number);
}

/** The topic the flow's source of that name writes (where reporting back starts from). */
const sourceOutput = (flow: Flow, source: string): string =>
  flow.sources.find((s) => s.name === source)?.output.name ?? source;

/** `metricsAvailable`: a counter with no series yet counts 0 (prom-client shows a label set once used); without metrics, no figure. */
export function flowViews(
  metrics: MetricSet,
  metricsAvailable: boolean,
  lags: ReadonlyMap<string, GroupLag>,
  heldCount: number,
): FlowView[] {
  const lagOf = (group: string) => lags.get(group)?.lag;
  const counted = (name: string, where: Record<string, string>) =>
    metricsAvailable ? (metrics.sum(name, where) ?? 0) : undefined;
  const consumed = (stage: string) => counted('pipeline_records_consumed_total', { stage });
  return flows.map((f) => {
    const hops: HopView[] = [
      ...f.sources.map((s) => ({
        kind: 'source' as const,
        stage: s.name,
        from: SYSTEM[s.role],
        to: s.output.name,
        detail: `${s.name}: ${s.where}`,
        count: counted('pipeline_source_events_total', { source: s.name }),
        lag: undefined,
        p99: undefined,
      })),
      ...f.mappings.map((m) => ({
        kind: 'mapping' as const,
        stage: m.spec.name,
        from: m.spec.input.name,
        to: m.spec.output.name,
        detail: `${m.spec.name}: ${m.where}`,
        count: consumed(m.spec.name),
        lag: lagOf(m.spec.name),
        p99: undefined,
      })),
      ...(f.reportsBack
        ? [
            {
              kind: 'report' as const,
              stage: f.reportsBack.source,
              from: sourceOutput(f, f.reportsBack.source),
              to: f.reportsBack.topic.name,
              detail: `${f.reportsBack.source} acknowledges in Ongoing what it read, once its events are in Kafka (${f.reportsBack.call})`,
              count: counted('pipeline_records_produced_total', {
                stage: `source:${f.reportsBack.source}`,
                topic: f.reportsBack.topic.name,
              }),
              lag: undefined,
              p99: undefined,
            },
          ]
        : []),
      ...sinkStagesOf(f).map((s) => ({
        kind: 'sink' as const,
        stage: s.name,
        from: s.input.name,
        to: `${SYSTEM[s.role]}: ${s.effect}`,
        detail: `${s.name}: ${s.where} (${s.effect})`,
        count: consumed(s.name),
        lag: lagOf(s.name),
        p99: metrics.quantile('pipeline_end_to_end_seconds', 0.99, { stage: s.name }),
      })),
    ];
    if (f.builtInto) {
      hops.push({
        kind: 'state',
        stage: f.builtInto.reads.name,
        from: f.builtInto.reads.name,
        to: `flow ${f.builtInto.flow}: ${f.builtInto.where}`,
        detail: `read by flow ${f.builtInto.flow}'s mapping; edited in the shipping-method map below or with ${f.builtInto.editedWith}`,
        count: heldCount,
        lag: undefined,
        p99: undefined,
      });
    }
    return { number: f.number, name: f.name, direction: f.direction, hops };
  });
}

const FREIGHT_METHOD = /freight method (\d+)/;
const FIELD = /: field (\S+)/;

export function heldItems(entries: HeldEntry[]): HeldItem[] {
  return entries.map((e) => {
    const m = FREIGHT_METHOD.exec(e.reason);
    return { ...e, freightMethodId: m ? Number(m[1]) : undefined };
  });
}

export interface SnapshotDeps {
  readonly rt: Runtime;
  readonly telemetry: TelemetrySource;
  /** The last stock check run from the console, if any. */
  lastReconcile(): StockReport | undefined;
  /** Letters retried from this console: `${dlqTopic}@${offset}` → when. */
  readonly retried: ReadonlyMap<string, number>;
  /** The open integration exceptions in Multicase (the most recent in full). */
  openExceptions(): Promise<Omit<Extract<ExceptionReport, { measured: true }>, 'measured'>>;
}

export interface Snapshots {
  get(): Promise<Snapshot>;
  /** Forget the cached snapshot (after an action). */
  invalidate(): void;
  close(): Promise<void>;
}

const LETTERS_SHOWN = 50;

/** Snapshots taken at most every `maxAgeMs`; concurrent requests share one. */
export function snapshots(deps: SnapshotDeps, maxAgeMs = 2_000): Snapshots {
  let held: Promise<Table<HeldRecord>> | undefined;
  let cached: { at: number; value: Promise<Snapshot> } | undefined;
  const letterCache = new Map<string, { end: number; group: DeadLetterGroup }>();

  async function deadLetters(ends: Map<string, number>, problems: string[]): Promise<DeadLetterGroup[]> {
    const out: DeadLetterGroup[] = [];
    for (const [topic, end] of [...ends].sort()) {
      if (end === 0) continue;
      let c = letterCache.get(topic);
      if (!c || c.end !== end) {
        try {
          const [page] = await listDeadLetters(deps.rt, {
            topic,
            fromOffset: BigInt(Math.max(0, end - LETTERS_SHOWN)),
            limit: LETTERS_SHOWN,
            timeoutMs: 10_000,
          });
          const letters = (page?.letters ?? []).map(({ record: _record, ...l }) => ({
            ...l,
            dlqTopic: topic,
            flows: flowsOfTopic(l.originalTopic ?? ''),
            field: FIELD.exec(l.message ?? '')?.[1],
            retriable: retryRefusal(l) === undefined,
            retriedAt: undefined,
          }));
          c = { end, group: { topic, total: end, letters: letters.reverse() } };
          letterCache.set(topic, c);
        } catch (err) {
          problems.push(`dead letters of ${topic}: ${errorMessage(err)}`);
          continue;
        }
      }
      out.push({
        ...c.group,
        letters: c.group.letters.map((l) => ({ ...l, retriedAt: deps.retried.get(`${topic}@${l.offset}`) })),
      });
    }
    return out;
  }

  async function take(): Promise<Snapshot> {
    const problems: string[] = [];
    const telemetry = await deps.telemetry();
    const lags = new Map<string, GroupLag>();
    const dlqEnds = new Map<string, number>();
    let existing = new Set<string>();
    try {
      const admin = await deps.rt.kafka.admin();
      try {
        existing = new Set(await admin.listTopics());
        const stages = flowStages().filter((s) => existing.has(s.topic));
        for (const g of await Promise.all(stages.map((s) => groupLag(admin, s.group, s.topic)))) lags.set(g.group, g);
        for (const t of [...existing].filter((t) => t.startsWith('dlq.')))
          dlqEnds.set(
            t,
            (await admin.endOffsets(t)).reduce((s, p) => s + Number(p.offset), 0),
          );
      } finally {
        await admin.disconnect();
      }
    } catch (err) {
      problems.push(`Kafka: ${errorMessage(err)}`);
    }
    let heldNow: HeldItem[] = [];
    try {
      if (!existing.has(topics.heldRecords.name))
        throw new Error('the topic does not exist; run `npm run ops -- setup` first (or check KAFKA_NAMESPACE)');
      const table = await (held ??= openTable(deps.rt, topics.heldRecords, { loadTimeoutMs: 20_000 }));
      heldNow = heldItems(
        stillHeld(
          [...table.entries()].map(([, v]) => v),
          [...lags.values()],
        ),
      );
    } catch (err) {
      held = undefined;
      problems.push(`held records (${topics.heldRecords.name}): ${errorMessage(err)}`);
    }
    const report = deps.lastReconcile();
    const gauge = telemetry.metrics.labelValues('pipeline_stock_drift_items', 'article', (v) => v !== 0);
    const drift = report
      ? {
          items: report.articles
            .filter((a) => a.drift !== 0 || a.explained !== 0)
            .map((a) => ({
              article: a.article,
              drift: a.drift,
              ongoing: a.ongoing,
              multicase: a.multicase,
              inFlight: a.inFlight,
              explained: a.explained,
              exceptions: a.exceptions,
            })),
          checkedAt: report.checkedAt,
          source: 'the stock check run from this console',
        }
      : {
          items: [...gauge].map(([article, d]) => ({ article, drift: d })),
          checkedAt: undefined,
          source: 'pipeline_stock_drift_items (the scheduled stock check, RECONCILE_INTERVAL_MS)',
        };
    const exceptions: ExceptionReport = await deps.openExceptions().then(
      (r) => ({ measured: true, ...r }),
      (err: unknown) => ({ measured: false, problem: `the Multicase database: ${errorMessage(err)}` }),
    );
    return {
      takenAt: Date.now(),
      flows: flowViews(telemetry.metrics, telemetry.available, lags, heldNow.length),
      telemetry: { from: telemetry.from, problems: telemetry.problems, available: telemetry.available },
      held: heldNow,
      deadLetters: await deadLetters(dlqEnds, problems),
      unhealthy: telemetry.unhealthy,
      drift,
      exceptions,
      problems,
    };
  }

  return {
    get() {
      if (!cached || Date.now() - cached.at > maxAgeMs) {
        const value = take();
        cached = { at: Date.now(), value };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
    async close() {
      const t = await held?.catch(() => undefined);
      await t?.close();
    },
  };
}
