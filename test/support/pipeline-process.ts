/**
 * The pipeline as a separate process, for tests that kill it (SIGKILL, no clean-up) at named
 * crash points (PIPELINE_CRASH_POINTS) and start it again; what every process printed is kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';

// From the sources (vitest) or from dist/ (the benchmark): the built pipeline either way.
const built = import.meta.url.includes('/dist/test/') ? '../../pipeline/main.js' : '../../dist/pipeline/main.js';
const pipelineJs = fileURLToPath(new URL(built, import.meta.url));

export interface PipelineProcess {
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
}

export function pipelineProcesses(env: () => NodeJS.ProcessEnv) {
  const children = new Set<ChildProcess>();
  let transcript = '';
  return {
    /** `opts.roles` (default all) and `opts.env` (over the test's, e.g. LOG_LEVEL=info) for one process. */
    start(crashPoints?: string, opts: { roles?: string[]; env?: NodeJS.ProcessEnv } = {}): PipelineProcess {
      let output = '';
      const child = spawn(process.execPath, [pipelineJs, ...(opts.roles ?? ['all'])], {
        env: {
          ...process.env,
          ...env(),
          LOG_LEVEL: 'warn',
          ...(crashPoints ? { PIPELINE_CRASH_POINTS: crashPoints } : {}),
          ...opts.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const record = (d: Buffer) => {
        output += d.toString();
        transcript += d.toString();
      };
      child.stdout!.on('data', record);
      child.stderr!.on('data', record);
      children.add(child);
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.on('exit', (code, signal) => {
          children.delete(child);
          resolve(signal ?? code);
        }),
      );
      return { child, exited, output: () => output };
    },
    async stop(p: PipelineProcess): Promise<void> {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    },
    /** Kills what is left and hands over (then forgets) what they printed. */
    killAll(): string {
      for (const c of children) c.kill('SIGKILL');
      const t = transcript;
      transcript = '';
      return t;
    },
  };
}

/** After each test, kills the processes it left running and, when it failed, prints what they said. */
export function killAfterEach(pipelines: ReturnType<typeof pipelineProcesses>): void {
  afterEach((ctx) => {
    const transcript = pipelines.killAll();
    if (ctx.task.result?.state === 'fail')
      process.stderr.write(`--- pipeline output (last 8000 chars) ---\n${transcript.slice(-8000)}\n`);
  });
}
