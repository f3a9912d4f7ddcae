/**
 * A real Prometheus (Debian's `prometheus` package) for tests: a child process with a generated
 * config scraping the given targets every second, the project's alert rules with every duration
 * shortened, its own temp storage and a free port. `ensureTool` installs the package on a fresh
 * machine through infra/local/tools.sh.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { releasePort, reservePorts } from './free-ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const ALERT_RULES = path.join(root, 'infra/deploy/prometheus/alerts.yml');
/** The job name the rules expect the pipeline's processes under. */
export const PIPELINE_JOB = 'multicase-ongoing-pipeline';

/** Installs a Debian package when its binary is missing (as root), like CI on a fresh machine. */
export function ensureTool(debianPackage: string, binary: string): void {
  execFileSync('bash', [path.join(root, 'infra/local/tools.sh'), 'ensure', debianPackage, binary], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
}

/**
 * The rules with every `for:`, range and offset of minutes turned into `seconds` seconds, so that
 * an alert fires within seconds of its fault and clears within seconds of the recovery.
 */
export function shortenedRules(yaml: string, seconds = 10): string {
  return yaml
    .replace(/\bfor: \d+[smh]\b/g, 'for: 1s')
    .replace(/\[\d+m\]/g, `[${seconds}s]`)
    .replace(/offset \d+m\b/g, `offset ${seconds}s`);
}

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

export interface TestPrometheus {
  url: string;
  alerts(): Promise<Alert[]>;
  /** An instant query; fails with Prometheus' error for a query it refuses. */
  query(expr: string): Promise<Series[]>;
  output(): string;
  close(): Promise<void>;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

export async function startPrometheus(
  targets: string[],
  rulesYaml = shortenedRules(readFileSync(ALERT_RULES, 'utf8')),
): Promise<TestPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-test-'));
  const [port] = await reservePorts(1);
  writeFileSync(path.join(dir, 'alerts.yml'), rulesYaml);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      'rule_files:',
      '  - alerts.yml',
      'scrape_configs:',
      `  - job_name: ${PIPELINE_JOB}`,
      '    static_configs:',
      `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    releasePort(port!);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus did not become ready within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    alerts: async () => (await api<{ alerts: Alert[] }>(`${url}/api/v1/alerts`)).alerts,
    query: async (expr) =>
      (await api<{ resultType: string; result: Series[] }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`))
        .result,
    output: () => output,
    close,
  };
}
