/**
 * The pipeline's own Prometheus metrics, as the console reads them: the text exposition format
 * (what /metrics serves, and what prom-client's registry renders in-process), parsed into samples
 * and summed across processes. Counters and histograms count since each process started.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Parses the Prometheus text format; comments and lines it cannot read are skipped. */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = unescape(l[2]!);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** The metrics of one or more processes; sums are over every process and every other label. */
export class MetricSet {
  constructor(readonly samples: readonly Sample[]) {}

  private matching(name: string, where: Record<string, string>): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  }

  /** The sum of the matching samples, or undefined when no process exposes one. */
  sum(name: string, where: Record<string, string> = {}): number | undefined {
    const found = this.matching(name, where);
    return found.length === 0 ? undefined : found.reduce((s, x) => s + x.value, 0);
  }

  /** Every value of `label` among the samples of `name` whose value `keep` accepts. */
  labelValues(name: string, label: string, keep: (value: number) => boolean = () => true): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.samples) {
      const v = s.labels[label];
      if (s.name === name && v !== undefined && keep(s.value)) out.set(v, (out.get(v) ?? 0) + s.value);
    }
    return out;
  }

  /**
   * The q-quantile of a histogram's observations, interpolated within its bucket as Prometheus'
   * histogram_quantile does; undefined without observations.
   */
  quantile(name: string, q: number, where: Record<string, string> = {}): number | undefined {
    const buckets = new Map<number, number>();
    for (const s of this.matching(`${name}_bucket`, where)) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
    return quantileOf(
      [...buckets].sort((a, b) => a[0] - b[0]),
      q,
    );
  }
}

/** `buckets`: [upper bound, cumulative count], ascending, the last +Inf. */
export function quantileOf(buckets: Array<[number, number]>, q: number): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      // Above the highest finite bucket, Prometheus answers that bucket's bound.
      if (le === Infinity) return lowerBound;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / Math.max(count - lowerCount, 1e-9));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
