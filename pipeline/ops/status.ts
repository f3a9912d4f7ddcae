/**
 * `ops status`: how far behind every stage is (committed offset vs end offset per partition), where
 * every source stands in its system, and how many dead letters each `dlq.*` topic holds.
 */
import { topics } from '../../schemas/catalog.js';
import type { SourceOffset } from '../../schemas/types.generated.js';
import type { PipelineAdmin } from '../../runtime/kafka.js';
import type { Runtime } from '../../runtime/runtime.js';
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

export interface StatusReport {
  groups: GroupLag[];
  totalLag: number;
  sources: SourceOffset[];
  deadLetters: DeadLetterCount[];
}

/** Fails with a hint when the topology has not been set up in this namespace. */
export async function requireTopics(admin: PipelineAdmin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) throw new OpsError(`topic ${missing.join(', ')} does not exist; run \`npm run ops -- setup\` first (or check KAFKA_NAMESPACE)`);
}

async function groupLag(admin: PipelineAdmin, group: string, topic: string): Promise<GroupLag> {
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

export async function collectStatus(rt: Runtime): Promise<StatusReport> {
  const admin = await rt.kafka.admin();
  try {
    await requireTopics(admin, [topics.sourceOffsets.name]);
    const stages = await stageGroups(admin);
    const existing = new Set(await admin.listTopics());
    const groups = await Promise.all(stages.filter((s) => existing.has(s.topic)).map((s) => groupLag(admin, s.group, s.topic)));
    const dlqTopics = [...existing].filter((t) => t.startsWith('dlq.')).sort();
    const deadLetters = await Promise.all(
      dlqTopics.map(async (topic) => ({ topic, records: (await admin.endOffsets(topic)).reduce((s, p) => s + Number(p.offset), 0) })),
    );
    const sources = [...(await readTableOnce(rt, topics.sourceOffsets)).values()].sort((a, b) => a.source.localeCompare(b.source));
    return { groups, totalLag: groups.reduce((s, g) => s + g.lag, 0), sources, deadLetters };
  } finally {
    await admin.disconnect();
  }
}

export function formatStatus(r: StatusReport): string {
  const lagRows = r.groups.flatMap((g) => g.partitions.map((p) => [g.group, g.topic, p.partition, p.committed, p.end, p.lag]));
  const withLetters = r.deadLetters.filter((d) => d.records > 0);
  const emptyDlqs = r.deadLetters.length - withLetters.length;
  return [
    'Consumer groups (committed = next offset the group reads; - = nothing committed, starts at the beginning)',
    textTable(['group', 'topic', 'partition', 'committed', 'end', 'lag'], lagRows),
    '',
    textTable(['group', 'lag'], r.groups.map((g) => [g.group, g.lag])),
    `total lag: ${r.totalLag}`,
    '',
    'Source positions (state.source-offsets)',
    r.sources.length === 0 ? 'no source has stored a position yet' : textTable(['source', 'updated', 'position'], r.sources.map((s) => [s.source, isoTime(s.updatedAt), s.position])),
    '',
    'Dead letters',
    withLetters.length === 0 ? 'none' : textTable(['topic', 'records'], withLetters.map((d) => [d.topic, d.records])),
    ...(withLetters.length > 0 && emptyDlqs > 0 ? [`(${plural(emptyDlqs, 'other dlq topic')} empty)`] : []),
  ].join('\n');
}
