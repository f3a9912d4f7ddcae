/**
 * `ops resnapshot --source <name>`: asks a running source to send everything it holds again, in
 * the style of Debezium's incremental snapshot signal. The request is a record on the compacted
 * `state.source-signals` topic; the source (whichever copy holds its lease) picks it up before its
 * next poll and re-emits every row in chunks between its change reads, with its progress in its
 * position (`state.source-offsets`), which this command follows. Change capture never stops.
 *
 * Its commands carry the resnapshot mark, so the Ongoing sink writes them even when it wrote the
 * same payload before: this is how an operator refills Ongoing after restoring it.
 *
 * The Ongoing sources read by reporting back (what Ongoing has not had acknowledged); a resnapshot
 * does not apply to them: what is unacknowledged is read anyway, what is acknowledged is booked.
 */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { topics } from '../../schemas/catalog.js';
import type { SourceSignal } from '../../schemas/types.generated.js';
import type { Runtime } from '../../runtime/runtime.js';
import { openTable } from '../../runtime/table.js';
import type { ResnapshotProgress, TablePosition } from '../../connectors/multicase/table-source.js';
import { flows, type SourceStep } from '../flows.js';
import { integerOption, parseOptions, required } from './args.js';
import type { OpsIo } from './cli.js';
import { OpsError, UsageError } from './errors.js';
import { formatDuration } from './progress.js';
import type { ProgressReporter } from './progress.js';

const sources = (): SourceStep[] => flows.flatMap((f) => f.sources);

/** The source step of that name, if a resnapshot applies to it; else a usage error that says why. */
export function resnapshotSource(name: string): SourceStep {
  const step = sources().find((s) => s.name === name);
  const multicase = sources()
    .filter((s) => s.role === 'source-multicase')
    .map((s) => s.name);
  if (!step)
    throw new UsageError(
      `resnapshot: unknown source "${name}"; sources are: ${sources()
        .map((s) => s.name)
        .join(', ')}`,
    );
  if (step.role !== 'source-multicase') {
    throw new UsageError(
      `resnapshot: not applicable to ${name}: it reads Ongoing by reporting back, so whatever Ongoing has not had acknowledged is read again anyway, ` +
        `and what was acknowledged is booked in Multicase already. To resync a restored Ongoing, resnapshot the Multicase sources: ${multicase.join(', ')}`,
    );
  }
  return step;
}

export async function requestResnapshot(rt: Runtime, source: string): Promise<SourceSignal> {
  resnapshotSource(source);
  let requestedBy: string | null = null;
  try {
    requestedBy = `${userInfo().username}@${hostname()}`;
  } catch {
    requestedBy = null;
  }
  const signal: SourceSignal = {
    source,
    signalId: `resnapshot-${new Date().toISOString()}-${randomUUID().slice(0, 8)}`,
    kind: 'resnapshot',
    requestedAt: Date.now(),
    requestedBy,
  };
  const producer = await rt.producer();
  await producer.send([
    { topic: topics.sourceSignals.name, key: source, value: await rt.serde.encode(topics.sourceSignals, signal) },
  ]);
  return signal;
}

export interface FollowOptions {
  /** How long to wait for a running source to pick the signal up. */
  pickupTimeoutMs?: number;
  /** Longest the whole resnapshot may take before the command stops following (it goes on). */
  timeoutMs?: number;
  progress?: ProgressReporter;
}

export type FollowResult =
  | { state: 'finished'; progress: ResnapshotProgress }
  | { state: 'not-picked-up' | 'still-running'; progress: ResnapshotProgress | null };

/** Follows the source's position until the resnapshot of `signalId` has finished. */
export async function followResnapshot(
  rt: Runtime,
  source: string,
  signalId: string,
  opts: FollowOptions = {},
): Promise<FollowResult> {
  const positions = await openTable(rt, topics.sourceOffsets);
  try {
    const progressOf = (): ResnapshotProgress | null => {
      const stored = positions.get(source);
      const r = stored ? (JSON.parse(stored.position) as TablePosition).resnapshot : undefined;
      return r?.signal === signalId ? r : null;
    };
    const startedAt = Date.now();
    const deadline = startedAt + (opts.timeoutMs ?? 3_600_000);
    for (;;) {
      const p = progressOf();
      if (p) opts.progress?.update(p.sent, p.total ?? undefined);
      if (p?.finishedAt) return { state: 'finished', progress: p };
      if (!p && Date.now() - startedAt > (opts.pickupTimeoutMs ?? 60_000))
        return { state: 'not-picked-up', progress: null };
      if (Date.now() > deadline) return { state: 'still-running', progress: p };
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await positions.close();
  }
}

export function formatResnapshot(source: string, signal: SourceSignal, result: FollowResult | undefined): string {
  const asked = `Asked ${source} to send every row again (signal ${signal.signalId}).`;
  if (!result)
    return `${asked}\nThe source picks it up before its next poll; follow it with \`npm run ops -- status\` or run this command without --no-wait.`;
  if (result.state === 'not-picked-up') {
    throw new OpsError(
      `${asked}\nNo running source picked it up in time: is a process with the source-multicase role running? The signal stays on state.source-signals; the source carries it out when it runs.`,
    );
  }
  const p = result.progress!;
  if (result.state === 'still-running')
    return `${asked}\nStill running: ${p.sent} of ${p.total ?? '?'} rows sent; it goes on in the source.`;
  return `${asked}\nDone: ${p.sent} rows sent again in ${formatDuration(p.finishedAt! - p.startedAt)}, between the source's change reads.`;
}

/** The command: `resnapshot --source NAME [--no-wait] [--pickup-timeout-ms N]`. */
export async function resnapshotCommand(args: string[], io: Pick<OpsIo, 'runtime' | 'progress'>): Promise<string> {
  const o = parseOptions('resnapshot', args, { source: 'string', 'no-wait': 'boolean', 'pickup-timeout-ms': 'string' });
  const source = required('resnapshot', 'source', o.source);
  resnapshotSource(source);
  const pickup =
    o['pickup-timeout-ms'] === undefined
      ? undefined
      : Number(integerOption('resnapshot', 'pickup-timeout-ms', o['pickup-timeout-ms'], 1));
  const signal = await requestResnapshot(io.runtime(), source);
  if (o['no-wait']) return formatResnapshot(source, signal, undefined);
  const progress = io.progress?.(`resnapshot ${source}`);
  const result = await followResnapshot(io.runtime(), source, signal.signalId, {
    ...(pickup ? { pickupTimeoutMs: pickup } : {}),
    ...(progress ? { progress } : {}),
  });
  progress?.finish();
  return formatResnapshot(source, signal, result);
}
