/**
 * `ops status`: how far behind every stage is (committed offset vs end offset per partition), where
 * every source stands in its system, whether an open transaction holds the Multicase sources back
 * (their change-capture horizon, measured on MULTICASE_DATABASE_URL), how many dead letters
 * each `dlq.*` topic holds, and the open integration exceptions (what the warehouse did that
 * Multicase's model could not reconcile, booked anyway, for a person to resolve).
 */
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import { openExceptions } from '../../connectors/multicase/adapter/exceptions.js';
import { formatOpenExceptions, type ExceptionReport } from './exceptions.js';
import { horizonLag, type HorizonLag } from '../../connectors/multicase/change-tracking.js';
import {
  connectMulticase,
  multicaseConnection,
  multicaseDbSettings,
  type MulticaseConnection,
} from '../../connectors/multicase/database.js';
import { describeBlocker, horizonSettings } from '../../connectors/multicase/horizon.js';
import { topics } from '../../schemas/catalog.js';
import type { HeldRecord, SourceOffset } from '../../schemas/types.generated.js';
import { ConfigError, loadConfig } from '../../runtime/config.js';
import { errorMessage } from '../../runtime/errors.js';
import type { PipelineAdmin } from '../../runtime/kafka.js';
import { redactUrl } from '../../runtime/redact.js';
import type { Runtime } from '../../runtime/runtime.js';
import { flows } from '../flows.js';
import { OpsError } from './errors.js';
import { isoTime, plural, textTable } from './format.js';
import { readTableOnce } from './read-table.js';
import { stageGroups } from './stages.js';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will read; null when the group has committed nothing there. */
  committed: number | null;
  end: number;
  /** Records still to read (a group without a commit starts at the beginning). */
  lag: number;
}

export interface GroupLag {
  group: string;
  topic: string;
  partitions: PartitionLag[];
  lag: number;
}

export interface DeadLetterCount {
  topic: string;
  records: number;
}

/** The Multicase sources' change-capture horizon, or why it could not be measured. */
export type CaptureHorizon =
  | { sources: string[]; measured: true; lag: HorizonLag; warnMs: number }
  | { sources: string[]; measured: false; problem: string };

/** A record a stage holds until a person sets something up (state.held-records), still ahead of its group's commit. */
export type HeldEntry = Pick<HeldRecord, 'stage' | 'topic' | 'partition' | 'offset' | 'key' | 'reason' | 'since'>;

export interface StatusReport {
  groups: GroupLag[];
  held: HeldEntry[];
  totalLag: number;
  sources: SourceOffset[];
  horizon: CaptureHorizon;
  deadLetters: DeadLetterCount[];
  /** The open integration exceptions in the Multicase database. */
  exceptions?: ExceptionReport;
}

/** Fails with a hint when the topology has not been set up in this namespace. */
export async function requireTopics(admin: PipelineAdmin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0)
    throw new OpsError(
      `topic ${missing.join(', ')} does not exist; run \`npm run ops -- setup\` first (or check KAFKA_NAMESPACE)`,
    );
}

export async function groupLag(admin: PipelineAdmin, group: string, topic: string): Promise<GroupLag> {
  const [ends, committed] = await Promise.all([admin.endOffsets(topic), admin.groupOffsets(group, topic)]);
  const byPartition = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  const partitions = ends
    .map((e) => {
      const end = Number(e.offset);
      const c = byPartition.get(e.partition);
      const at = c === undefined || c < 0 ? null : c;
      return { partition: e.partition, committed: at, end, lag: Math.max(0, end - (at ?? 0)) };
    })
    .sort((a, b) => a.partition - b.partition);
  return { group, topic, partitions, lag: partitions.reduce((s, p) => s + p.lag, 0) };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Runs `query` on MULTICASE_DATABASE_URL (its default when unset, as the pipeline would). Never
 * throws: a database that is not configured or cannot be reached becomes a `problem`, so the rest
 * of the status still shows.
 */
export async function onMulticaseDatabase<T>(
  env: NodeJS.ProcessEnv,
  query: (db: MulticaseDb, cfg: { horizonLagWarnMs: number }) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
  let cfg: { url: string; horizonLagWarnMs: number };
  let connection: MulticaseConnection;
  try {
    const loaded = loadConfig({ ...multicaseDbSettings, ...horizonSettings }, env);
    connection = multicaseConnection(loaded);
    cfg = loaded;
  } catch (err) {
    if (err instanceof ConfigError)
      return { ok: false, problem: `not configured: ${oneLine(err.problems.join('; '))}` };
    throw err;
  }
  const where = `${redactUrl(cfg.url)}${env.MULTICASE_DATABASE_URL ? '' : ' (the default; MULTICASE_DATABASE_URL is not set)'}`;
  // Fails fast and quietly: one connection, short timeouts.
  const db = connectMulticase(connection, { poolMax: 1, quick: true, applicationName: 'multicase-pipeline-ops' });
  try {
    return { ok: true, value: await query(db, cfg) };
  } catch (err) {
    return { ok: false, problem: `could not query the Multicase database at ${where}: ${oneLine(errorMessage(err))}` };
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

/** Measures the Multicase sources' horizon on MULTICASE_DATABASE_URL. Never throws. */
export async function collectHorizon(env: NodeJS.ProcessEnv = process.env): Promise<CaptureHorizon> {
  const sources = flows
    .flatMap((f) => f.sources)
    .filter((s) => s.role === 'source-multicase')
    .map((s) => s.name);
  const r = await onMulticaseDatabase(env, async (db, cfg) => ({
    lag: await horizonLag(db),
    warnMs: cfg.horizonLagWarnMs,
  }));
  return r.ok ? { sources, measured: true, ...r.value } : { sources, measured: false, problem: r.problem };
}

/** The open integration exceptions, the most recent `limit` in full. Never throws. */
export async function collectExceptions(env: NodeJS.ProcessEnv = process.env, limit = 20): Promise<ExceptionReport> {
  const r = await onMulticaseDatabase(env, (db) => openExceptions(db, { limit }));
  return r.ok ? { measured: true, ...r.value } : { measured: false, problem: r.problem };
}

export async function collectStatus(rt: Runtime, env: NodeJS.ProcessEnv = process.env): Promise<StatusReport> {
  // Runs beside the Kafka queries; it never rejects, so it cannot be left unhandled if they fail.
  const horizon = collectHorizon(env);
  const exceptions = collectExceptions(env);
  const admin = await rt.kafka.admin();
  try {
    await requireTopics(admin, [topics.sourceOffsets.name]);
    const stages = await stageGroups(admin);
    const existing = new Set(await admin.listTopics());
    const groups = await Promise.all(
      stages.filter((s) => existing.has(s.topic)).map((s) => groupLag(admin, s.group, s.topic)),
    );
    const dlqTopics = [...existing].filter((t) => t.startsWith('dlq.')).sort();
    const deadLetters = await Promise.all(
      dlqTopics.map(async (topic) => ({
        topic,
        records: (await admin.endOffsets(topic)).reduce((s, p) => s + Number(p.offset), 0),
      })),
    );
    const sources = [...(await readTableOnce(rt, topics.sourceOffsets)).values()].sort((a, b) =>
      a.source.localeCompare(b.source),
    );
    const held = existing.has(topics.heldRecords.name)
      ? stillHeld([...(await readTableOnce(rt, topics.heldRecords)).values()], groups)
      : [];
    return {
      groups,
      held,
      totalLag: groups.reduce((s, g) => s + g.lag, 0),
      sources,
      horizon: await horizon,
      deadLetters,
      exceptions: await exceptions,
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * The held entries still ahead of their group's committed offset. A stage never commits past a
 * held record, so an entry below the commit is history (it went on, its tombstone not written:
 * a process that restarted and found its mapping at once).
 */
export function stillHeld(entries: HeldRecord[], groups: GroupLag[]): HeldEntry[] {
  const committed = new Map(
    groups.flatMap((g) => g.partitions.map((p) => [`${g.group}|${g.topic}|${p.partition}`, p.committed ?? 0] as const)),
  );
  return entries
    .filter((e) => e.offset >= (committed.get(`${e.stage}|${e.topic}|${e.partition}`) ?? 0))
    .sort((a, b) => a.since - b.since);
}

export function formatHorizon(h: CaptureHorizon): string[] {
  const title = `Multicase change capture (${h.sources.join(', ')}: changes wait while an older transaction is open anywhere on the server)`;
  if (!h.measured) return [title, `horizon lag: unknown; ${h.problem}`];
  const { seconds, blocker } = h.lag;
  if (!blocker) return [title, 'horizon lag: 0 s, no open transaction holds it back'];
  const warn = `MULTICASE_HORIZON_LAG_WARN_MS (${h.warnMs / 1000} s)`;
  const lag =
    seconds === null
      ? `unknown (the blocking backend's start is hidden from this database user)`
      : seconds * 1000 > h.warnMs
        ? `${Math.round(seconds)} s, more than ${warn}: the sources report unhealthy`
        : `${Math.round(seconds)} s (warns above ${warn})`;
  return [title, `horizon lag: ${lag}`, `held back by: ${describeBlocker(blocker)}`];
}

export function formatStatus(r: StatusReport): string {
  const lagRows = r.groups.flatMap((g) =>
    g.partitions.map((p) => [g.group, g.topic, p.partition, p.committed, p.end, p.lag]),
  );
  const withLetters = r.deadLetters.filter((d) => d.records > 0);
  const emptyDlqs = r.deadLetters.length - withLetters.length;
  return [
    'Consumer groups (committed = next offset the group reads; - = nothing committed, starts at the beginning)',
    textTable(['group', 'topic', 'partition', 'committed', 'end', 'lag'], lagRows),
    '',
    textTable(
      ['group', 'lag'],
      r.groups.map((g) => [g.group, g.lag]),
    ),
    `total lag: ${r.totalLag}`,
    '',
    'Source positions (state.source-offsets)',
    r.sources.length === 0
      ? 'no source has stored a position yet'
      : textTable(
          ['source', 'updated', 'position'],
          r.sources.map((s) => [s.source, isoTime(s.updatedAt), s.position]),
        ),
    '',
    ...formatHorizon(r.horizon),
    '',
    'Held (waiting for setup: they go on by themselves once it is done)',
    r.held.length === 0
      ? 'none'
      : textTable(
          ['stage', 'key', 'since', 'reason'],
          r.held.map((h) => [h.stage, h.key, isoTime(h.since), h.reason]),
        ),
    '',
    'Dead letters',
    withLetters.length === 0
      ? 'none'
      : textTable(
          ['topic', 'records'],
          withLetters.map((d) => [d.topic, d.records]),
        ),
    ...(withLetters.length > 0 && emptyDlqs > 0 ? [`(${plural(emptyDlqs, 'other dlq topic')} empty)`] : []),
    ...(r.exceptions ? ['', ...formatOpenExceptions(r.exceptions)] : []),
  ].join('\n');
}
