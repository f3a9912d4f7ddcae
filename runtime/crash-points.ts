/**
 * Fault injection for the crash tests: `PIPELINE_CRASH_POINTS=stage.before-commit:3` kills this
 * process (SIGKILL, no clean-up, like a power cut) the third time it reaches that point;
 * `stage.after-handle@sink.ongoing.article:1` only counts that stage or source, and
 * `stage.after-handle@sink.ongoing.article#CR-B1` only the batches that hold that record key. The
 * points sit exactly between the steps whose order the delivery promises depend on. Unset in
 * production, where each call is one size check.
 */
export interface Planned {
  left: number;
  /** Counts only when the batch holds a record with this key. */
  key: string | undefined;
}

/** `PIPELINE_CRASH_POINTS` read: point name (with its `@scope`) → how often, and the key it waits for. */
export function parseCrashPlan(text: string): Map<string, Planned> {
  return new Map(
    text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        // The count follows the last colon (keys may hold colons: `#ongoing:article:A1:2`).
        const counted = /^(.*):(\d+)$/.exec(p);
        const point = counted ? counted[1]! : p;
        const hash = point.indexOf('#');
        const name = hash < 0 ? point : point.slice(0, hash);
        const key = hash < 0 ? undefined : point.slice(hash + 1);
        return [name, { left: counted ? Number(counted[2]) : 1, key }] as const;
      }),
  );
}

const plan = parseCrashPlan(process.env.PIPELINE_CRASH_POINTS ?? '');

export type CrashPoint = 'stage.after-handle' | 'stage.before-commit' | 'source.before-offset' | 'source.before-ack';

/** `keys` names the records at hand, for points planned with `#key`. */
export function crashPoint(point: CrashPoint, scope: string, keys?: () => Iterable<string | null>): void {
  if (plan.size === 0) return;
  for (const name of [point, `${point}@${scope}`]) {
    const planned = plan.get(name);
    if (planned === undefined) continue;
    if (planned.key !== undefined && !(keys && [...keys()].includes(planned.key))) continue;
    if (planned.left <= 1) {
      process.stderr.write(
        `crash point ${name}${planned.key ? `#${planned.key}` : ''} reached: killing process ${process.pid}\n`,
      );
      process.kill(process.pid, 'SIGKILL');
    }
    planned.left--;
  }
}
