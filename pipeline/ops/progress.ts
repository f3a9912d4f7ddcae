/**
 * Progress of a long operation (replay, resnapshot, dlq retry, reconcile): done/total, rate and
 * time left. On a terminal one line redrawn in place with a bar; elsewhere (CI, a pipe, a log)
 * a plain line every few seconds and one at the end. Written to stderr, so what a command prints
 * on stdout (a report, JSON) stays clean. The arithmetic and the text are pure functions.
 */

export interface ProgressReporter {
  /** `total` may be unknown (undefined) or change as the operation learns more. */
  update(done: number, total?: number): void;
  /** The last line, ended; further updates are ignored. */
  finish(note?: string): void;
}

/** Items per second over the elapsed time; 0 before any time passed. */
export function ratePerSecond(done: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
}

/** Milliseconds left at the rate so far; null while unknown (no total, nothing done yet). */
export function etaMs(done: number, total: number | undefined, elapsedMs: number): number | null {
  if (total === undefined || done <= 0 || elapsedMs <= 0) return null;
  if (done >= total) return 0;
  return Math.round(((total - done) * elapsedMs) / done);
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** 45s, 3m 05s, 2h 03m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function progressBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.min(width, Math.floor((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** One progress line: `label 1200/5000 (24%) 310/s, 12s left`, with a bar in front on a terminal. */
export function progressText(
  label: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
  opts: { bar?: number } = {},
): string {
  const rate = formatRate(ratePerSecond(done, elapsedMs));
  if (total === undefined) return `${label} ${done} done, ${rate}, ${formatDuration(elapsedMs)} so far`;
  const shown = Math.min(done, total);
  const pct = total > 0 ? Math.floor((shown / total) * 100) : 100;
  const eta = etaMs(shown, total, elapsedMs);
  const left =
    eta === null
      ? 'time left unknown'
      : eta === 0
        ? `done in ${formatDuration(elapsedMs)}`
        : `${formatDuration(eta)} left`;
  const bar = opts.bar ? `${progressBar(shown, total, opts.bar)} ` : '';
  return `${label} ${bar}${shown}/${total} (${pct}%) ${rate}, ${left}`;
}

export interface ReporterOptions {
  write?: (text: string) => void;
  /** A terminal: redraw one line with a bar; else plain lines every `everyMs`. */
  tty?: boolean;
  everyMs?: number;
  now?: () => number;
}

export function progressReporter(label: string, opts: ReporterOptions = {}): ProgressReporter {
  const write = opts.write ?? ((t: string) => void process.stderr.write(t));
  const tty = opts.tty ?? (Boolean(process.stderr.isTTY) && !process.env.CI);
  const everyMs = opts.everyMs ?? (tty ? 200 : 5_000);
  const now = opts.now ?? Date.now;
  const startedAt = now();
  let lastAt = -Infinity;
  let done = 0;
  let total: number | undefined;
  let finished = false;
  const line = () => progressText(label, done, total, now() - startedAt, tty ? { bar: 24 } : {});
  return {
    update(d, t) {
      if (finished) return;
      done = d;
      if (t !== undefined) total = t;
      if (now() - lastAt < everyMs) return;
      lastAt = now();
      write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
    },
    finish(note) {
      if (finished) return;
      finished = true;
      write(`${tty ? '\r\x1b[2K' : ''}${line()}${note ? ` ${note}` : ''}\n`);
    },
  };
}

/** A reporter that prints nothing (tests, --json output, commands run by code). */
export const silentProgress: ProgressReporter = { update() {}, finish() {} };
