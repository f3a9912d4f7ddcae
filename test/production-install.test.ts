/**
 * The image's contents, without a container engine: the runtime stage's file set made the same way
 * as the Dockerfile makes it (the package files, `npm ci --omit=dev`, the compiled deployable
 * folders of tsconfig.build.json) in a temporary folder, and every role, the ops CLI and the console
 * started from there against the test stack, as the image would start them. A runtime import of a
 * dev dependency, or of a file outside the deployable folders, stops a process at start and fails
 * this test. npm's cache is reused, so the install costs seconds.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../pipeline/flows.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';
import { releasePort, reservePorts } from './support/free-ports.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const deployable = (JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] })
  .include;
/** The runtime stage: from its FROM line to the end. */
const runtimeStage = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));

let dir: string;
let env: TestEnvironment;
const ports: number[] = [];
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pipeline-image-'));
  for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(root, f), path.join(dir, f));
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  if (install.status !== 0) throw new Error(`npm ci --omit=dev failed:\n${install.stdout}\n${install.stderr}`);
  for (const folder of deployable)
    cpSync(path.join(root, 'dist', folder), path.join(dir, 'dist', folder), { recursive: true });
  env = await startTestEnvironment('install');
}, 360_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const p of ports) releasePort(p);
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** As the image runs it: node from the installed folder, production mode, only the settings given. */
function start(args: string[], settings: NodeJS.ProcessEnv) {
  let output = '';
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env.env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal);
    }),
  );
  return { child, exited, output: () => output };
}

function run(args: string[], settings: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', ...env.env, ...settings },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const answers = async (url: string): Promise<number> => (await fetch(url)).status;

describe('the image, as its runtime stage is made', () => {
  it('the Dockerfile builds what this test installs: the deployable folders, production dependencies, tini, a numeric user', () => {
    for (const folder of deployable) expect(dockerfile, folder).toContain(`COPY ${folder} ./${folder}`);
    expect(dockerfile).toContain('tsc -p tsconfig.build.json');
    expect(runtimeStage).toContain('COPY package.json package-lock.json ./');
    expect(runtimeStage).toMatch(/npm ci --omit=dev/);
    expect(runtimeStage).toContain('COPY --from=build /app/dist ./dist');
    expect(runtimeStage).toMatch(/^USER \d+:\d+$/m);
    expect(runtimeStage).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node"]');
    // What is installed holds no dev dependency: importing one fails there.
    expect(existsSync(path.join(dir, 'node_modules', 'kafkajs'))).toBe(true);
    expect(run(['--input-type=module', '-e', "await import('yaml')"]).status).not.toBe(0);
    expect(existsSync(path.join(dir, 'dist', 'test'))).toBe(false);
  });

  it('the ops CLI runs: help, config, flows, grants, and setup (topics, schemas, every lease topic) on the test stack', () => {
    const cli = 'dist/pipeline/ops/cli.js';
    expect(run([cli, 'help'])).toMatchObject({ status: 0, out: expect.stringContaining('Usage: npm run ops') });
    expect(run([cli, 'config']).out).toContain('| `KAFKA_BROKERS` |');
    expect(run([cli, 'flows']).status).toBe(0);
    expect(run([cli, 'multicase', 'grants']).out).toContain(
      'GRANT SELECT ON multicase.products TO multicase_pipeline_source;',
    );
    const setup = run([cli, 'setup']);
    expect(setup, setup.out).toMatchObject({ status: 0 });
    expect(setup.out).toContain('lease.ongoing-writes.1');
  });

  it('every role starts with PIPELINE_SETUP=false, answers /livez and /readyz, and stops cleanly on SIGTERM', async () => {
    const started = await Promise.all(
      ROLES.map(async (role) => {
        const [port] = (await reservePorts(1)) as [number];
        ports.push(port);
        return {
          role,
          port,
          p: start(['dist/pipeline/main.js', role], { PIPELINE_SETUP: 'false', METRICS_PORT: String(port) }),
        };
      }),
    );
    try {
      for (const { role, port, p } of started) {
        const base = `http://127.0.0.1:${port}`;
        const probe = async (what: string) => {
          if (p.child.exitCode !== null) throw new Error(`${role} exited with ${p.child.exitCode}:\n${p.output()}`);
          return answers(base + what);
        };
        await eventually(
          () => probe('/livez'),
          (s) => s === 200,
          60_000,
          `${role} /livez`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${role} printed:\n${p.output()}`);
        });
        await eventually(
          () => probe('/readyz'),
          (s) => s === 200,
          60_000,
          `${role} /readyz`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n${role} printed:\n${p.output()}`);
        });
      }
    } finally {
      for (const { p } of started) p.child.kill('SIGTERM');
    }
    for (const { role, p } of started) expect(await p.exited, `${role}:\n${p.output()}`).toBe(0);
  }, 180_000);

  it('the console starts beyond loopback with its token, answers /livez to the probes and stops on SIGTERM', async () => {
    const [port] = (await reservePorts(1)) as [number];
    ports.push(port);
    const p = start(['dist/pipeline/ops/cli.js', 'console'], {
      CONSOLE_PORT: String(port),
      CONSOLE_HOST: '0.0.0.0',
      CONSOLE_TOKEN: 'production-install-token-0123',
    });
    await eventually(
      async () => {
        if (p.child.exitCode !== null) throw new Error(`the console exited with ${p.child.exitCode}:\n${p.output()}`);
        return answers(`http://127.0.0.1:${port}/livez`);
      },
      (s) => s === 200,
      30_000,
      'the console /livez',
    );
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(401);
    p.child.kill('SIGTERM');
    expect(await p.exited, p.output()).toBe(0);
  }, 60_000);
});
