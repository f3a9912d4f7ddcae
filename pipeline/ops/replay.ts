/**
 * `ops replay`: moves a consumer group's committed offsets on one topic to the earliest record, to
 * the first record at or after a time, or to an offset, so the stage re-reads from there. Safe
 * because every command is idempotent (deterministic ids, upserts, recorded event ids). Kafka only
 * lets a group's offsets be set while it has no members, so the role running it must be stopped.
 */
import type { PartitionOffset } from '../../runtime/kafka.js';
import type { Runtime } from '../../runtime/runtime.js';
import { OpsError, UsageError } from './errors.js';
import { isoTime, textTable } from './format.js';
import type { ProgressReporter } from './progress.js';
import { pipelineStages, roleOfGroup } from './stages.js';

export type ReplayTarget =
  { kind: 'earliest' } | { kind: 'time'; timestampMs: number } | { kind: 'offset'; offset: bigint };

export interface ReplayRequest {
  group: string;
  topic: string;
  target: ReplayTarget;
  /** Only this partition (default: all). */
  partition?: number;
  /** Compute and show the new offsets without setting them. */
  dryRun?: boolean;
}

export interface PartitionMove {
  partition: number;
  /** Committed before; null when the group had committed nothing. */
  from: string | null;
  to: string;
}

export interface ReplayResult {
  group: string;
  topic: string;
  target: ReplayTarget;
  moves: PartitionMove[];
  applied: boolean;
}

/** The group still has members; Kafka refuses to move its offsets. */
export class GroupActiveError extends OpsError {}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
const byPartition = (offsets: PartitionOffset[]) => new Map(offsets.map((o) => [o.partition, BigInt(o.offset)]));

export async function replay(rt: Runtime, req: ReplayRequest): Promise<ReplayResult> {
  const admin = await rt.kafka.admin();
  try {
    const topicsOnCluster = await admin.listTopics();
    if (!topicsOnCluster.includes(req.topic)) {
      const candidates = topicsOnCluster.filter((t) => !t.startsWith('__')).sort();
      throw new UsageError(
        `replay: unknown topic "${req.topic}"; topics are: ${candidates.join(', ') || '(none; run setup)'}`,
      );
    }
    const stage = pipelineStages.find((s) => s.group === req.group);
    if (stage && stage.topic !== req.topic)
      throw new UsageError(`replay: group "${req.group}" reads ${stage.topic}, not ${req.topic}`);
    if (!stage && !(await admin.listGroups()).includes(req.group)) {
      throw new UsageError(
        `replay: unknown group "${req.group}"; pipeline groups are: ${pipelineStages.map((s) => s.group).join(', ')}`,
      );
    }

    const [ends, earliest, committed] = await Promise.all([
      admin.endOffsets(req.topic),
      // The first record at or after time 0 is the earliest one still on the broker.
      admin.offsetsAtTime(req.topic, 0),
      admin.groupOffsets(req.group, req.topic),
    ]);
    if (req.partition !== undefined && !ends.some((e) => e.partition === req.partition)) {
      throw new UsageError(
        `replay: --partition ${req.partition} does not exist; ${req.topic} has partitions ${ends.map((e) => e.partition).join(', ')}`,
      );
    }
    const low = byPartition(earliest);
    const old = byPartition(committed);
    const atTime =
      req.target.kind === 'time'
        ? byPartition(await admin.offsetsAtTime(req.topic, req.target.timestampMs))
        : undefined;

    const moves: PartitionMove[] = ends
      .filter((e) => req.partition === undefined || e.partition === req.partition)
      .sort((a, b) => a.partition - b.partition)
      .map((e) => {
        const hi = BigInt(e.offset);
        const lo = low.get(e.partition) ?? 0n;
        const wanted =
          req.target.kind === 'earliest'
            ? lo
            : req.target.kind === 'offset'
              ? req.target.offset
              : (atTime?.get(e.partition) ?? hi);
        const before = old.get(e.partition);
        return {
          partition: e.partition,
          from: before === undefined || before < 0n ? null : before.toString(),
          to: clamp(wanted, lo, hi).toString(),
        };
      });

    if (!req.dryRun) {
      try {
        await admin.setGroupOffsets(
          req.group,
          req.topic,
          moves.map((m) => ({ partition: m.partition, offset: m.to })),
        );
      } catch (err) {
        // kafkajs refuses (without an error code) when the group is not Empty or Dead.
        const state = /no running instances, current state: (\w+)/.exec((err as Error).message ?? '');
        if (state) {
          const role = roleOfGroup(req.group);
          throw new GroupActiveError(
            `group ${req.group} has active members (state ${state[1]}): stop the pipeline role that runs group ${req.group} first${role ? ` (${role})` : ''}, then replay and start it again`,
          );
        }
        throw err;
      }
    }
    return { group: req.group, topic: req.topic, target: req.target, moves, applied: !req.dryRun };
  } finally {
    await admin.disconnect();
  }
}

function describeTarget(t: ReplayTarget): string {
  if (t.kind === 'earliest') return 'the earliest offset';
  if (t.kind === 'time') return `the first record at or after ${isoTime(t.timestampMs)}`;
  return `offset ${t.offset} (limited to each partition's earliest..end)`;
}

export function formatReplay(r: ReplayResult): string {
  return [
    `${r.applied ? 'Moved' : 'Dry run, would move'} group ${r.group} on ${r.topic} to ${describeTarget(r.target)}:`,
    textTable(
      ['partition', 'old', '', 'new'],
      r.moves.map((m) => [m.partition, m.from ?? 'none', '→', m.to]),
    ),
    r.applied ? `Start the stage again; it re-reads from the new offsets.` : 'Nothing was changed (--dry-run).',
  ].join('\n');
}

/**
 * `replay --follow`: after the move, how far the group has read again, from its committed offsets
 * against the end offsets when the replay was made (records written since are not counted), until
 * it has caught up with them. The role must be started again meanwhile for anything to happen.
 */
export async function followReplay(
  rt: Runtime,
  r: ReplayResult,
  progress: ProgressReporter,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<{ done: number; total: number; caughtUp: boolean }> {
  const admin = await rt.kafka.admin();
  try {
    const ends = byPartition(await admin.endOffsets(r.topic));
    const target = r.moves.map((m) => ({
      partition: m.partition,
      from: BigInt(m.to),
      to: ends.get(m.partition) ?? BigInt(m.to),
    }));
    const total = target.reduce((s, t) => s + Number(t.to > t.from ? t.to - t.from : 0n), 0);
    const deadline = Date.now() + (opts.timeoutMs ?? 24 * 3_600_000);
    for (;;) {
      const committed = byPartition(await admin.groupOffsets(r.group, r.topic));
      const done = replayedSoFar(target, committed);
      progress.update(done, total);
      if (done >= total || Date.now() > deadline) return { done, total, caughtUp: done >= total };
      await new Promise((res) => setTimeout(res, opts.pollMs ?? 1_000));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Records read again so far: per partition, the committed offset's way from the replay's start to its end (clamped). */
export function replayedSoFar(
  target: { partition: number; from: bigint; to: bigint }[],
  committed: Map<number, bigint>,
): number {
  return target.reduce((s, t) => {
    return s + Number(clamp(committed.get(t.partition) ?? t.from, t.from, t.to) - t.from);
  }, 0);
}
