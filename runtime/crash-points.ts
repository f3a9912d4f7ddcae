/**
 * Fault injection for the crash tests: `PIPELINE_CRASH_POINTS=stage.before-commit:3` kills this
 * process (SIGKILL, no clean-up, like a power cut) the third time it reaches that point;
 * `stage.after-handle@sink.ongoing.article:1` only counts that stage or source. The points
 * sit exactly between the steps whose order the delivery promises depend on. Unset in production,
 * where each call is one map lookup.
 */
const plan = new Map<string, number>(
  (process.env.PIPELINE_CRASH_POINTS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [name, n] = p.split(':');
      return [name!, Number(n ?? 1)] as const;
    }),
);

export type CrashPoint = 'stage.after-handle' | 'stage.before-commit' | 'source.before-offset' | 'source.before-ack';

export function crashPoint(point: CrashPoint, scope: string): void {
  if (plan.size === 0) return;
  for (const key of [point, `${point}@${scope}`]) {
    const left = plan.get(key);
    if (left === undefined) continue;
    if (left <= 1) {
      process.stderr.write(`crash point ${key} reached: killing process ${process.pid}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    plan.set(key, left - 1);
  }
}
