/**
 * Where the console gets the pipeline's counts, latencies and health: inside a pipeline process
 * from its own prom-client registry and health checks; standalone by scraping the /metrics (and the
 * /healthz beside it) of each pipeline process named in CONSOLE_METRICS_URLS. What cannot be read
 * is said, never guessed: a process that does not answer is listed as a problem.
 */
import { health, registry } from '../../runtime/metrics.js';
import { errorMessage } from '../../runtime/errors.js';
import { MetricSet, parseMetrics, type Sample } from './metrics-text.js';

/** A health check that does not pass: a paused stage (`paused:<stage>`), a silent source, a held-back capture. */
export interface Unhealthy {
  readonly process: string;
  readonly check: string;
  readonly reason: string;
}

export interface Telemetry {
  readonly metrics: MetricSet;
  readonly unhealthy: Unhealthy[];
  /** Where the figures come from, for the page. */
  readonly from: string;
  /** Processes that could not be read; empty when every one answered. */
  readonly problems: string[];
  /** False when there is nothing to read at all (no process configured). */
  readonly available: boolean;
}

export type TelemetrySource = () => Promise<Telemetry>;

const unhealthyOf = (where: string, checks: Record<string, string>): Unhealthy[] =>
  Object.entries(checks)
    .filter(([, v]) => v !== 'ok')
    .map(([check, reason]) => ({ process: where, check, reason }));

/** The metrics and health of this very process (the console runs inside the pipeline). */
export const inProcessTelemetry: TelemetrySource = async () => {
  const [text, h] = await Promise.all([registry.metrics(), health()]);
  return {
    metrics: new MetricSet(parseMetrics(text)),
    unhealthy: unhealthyOf('this process', h.checks),
    from: 'this pipeline process',
    problems: [],
    available: true,
  };
};

async function fetchText(url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  return { status: res.status, text: await res.text() };
}

/** Scrapes each pipeline process's /metrics URL, and the /healthz on the same host and port. */
export function scrapedTelemetry(urls: readonly string[], timeoutMs = 3_000): TelemetrySource {
  return async () => {
    if (urls.length === 0) {
      return {
        metrics: new MetricSet([]),
        unhealthy: [],
        from: 'no pipeline process (CONSOLE_METRICS_URLS is not set)',
        problems: [],
        available: false,
      };
    }
    const samples: Sample[] = [];
    const unhealthy: Unhealthy[] = [];
    const problems: string[] = [];
    await Promise.all(
      urls.map(async (url) => {
        const where = new URL(url).host;
        try {
          const m = await fetchText(url, timeoutMs);
          if (m.status !== 200) throw new Error(`answered ${m.status}`);
          samples.push(...parseMetrics(m.text));
        } catch (err) {
          problems.push(`${url}: ${errorMessage(err)}`);
          return;
        }
        try {
          // 503 is the answer that carries the reasons; anything else without JSON is a problem.
          const h = await fetchText(new URL('/healthz', url).href, timeoutMs);
          const body = JSON.parse(h.text) as { checks?: Record<string, string> };
          unhealthy.push(...unhealthyOf(where, body.checks ?? {}));
        } catch (err) {
          problems.push(`${new URL('/healthz', url).href}: ${errorMessage(err)}`);
        }
      }),
    );
    return {
      metrics: new MetricSet(samples),
      unhealthy,
      from: urls.join(', '),
      problems,
      available: problems.length < urls.length,
    };
  };
}
