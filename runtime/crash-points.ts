/**
 * Fault injection for the crash tests: `PIPELINE_CRASH_POINTS=stage.before-commit:3` kills this
 * process (SIGKILL, no clean-up, like a power cut) the third time it reaches that point;
 * `stage.after-handle@sink.ongoing.article:1` only counts that stage or source, and
 * `stage.after-handle@sink.ongoing.article#CR-B1` only the batches that hold that record key. The
 * points sit exactly between the steps whose order the delivery promises depend on. Unset in
 * production, where each call is one size check.
 */
interface Planned {
  left: number;
  /** Counts only when the batch holds a record with this key. */
  key: string | undefined;
}

const plan = new Map<string, Planned>(
  (process.env.PIPELINE_CRASH_POINTS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [point, n] = p.split(':');
      const [name, key] = point!.split('#');
      return [name!, { left: Number(n ?? 1), key }] as const;
    }),
);

export type CrashPoint = 'stage.after-handle' | 'stage.before-commit' | 'source.before-offset' | 'source.before-ack';

/** `keys` names the records at hand, for points planned with `#key`. */
export function crashPoint(point: CrashPoint, scope: string, keys?: () => Iterable<string | null>): void {
  if (plan.size === 0) return;
  for (const name of [point, `${point}@${scope}`]) {
    const planned = plan.get(name);
    if (planned === undefined) continue;
    if (planned.key !== undefined && !(keys && [...keys()].includes(planned.key))) continue;
    if (planned.left <= 1) {
      process.stderr.write(`crash point ${name}${planned.key ? `#${planned.key}` : ''} reached: killing process ${process.pid}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    planned.left--;
  }
}
