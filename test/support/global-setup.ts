/**
 * Starts the parts of the local stack the tests need (Kafka and the registry; PostgreSQL is the
 * machine's) and stops afterwards exactly what it started. A stack that is already up (a developer
 * running `npm run stack -- up`) is used as it is and left running.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stack = `${root}/infra/local/stack.sh`;
const pidFile = (name: string) => `${root}/infra/local/.run/${name}.pid`;

function running(name: string): boolean {
  if (!existsSync(pidFile(name))) return false;
  try {
    process.kill(Number(readFileSync(pidFile(name), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

let startedHere = false;

export async function setup(): Promise<void> {
  if (running('kafka') && running('registry')) return;
  startedHere = true;
  execFileSync('bash', [stack, 'up', 'postgres', 'kafka', 'registry'], { stdio: 'inherit', timeout: 600_000 });
}

export async function teardown(): Promise<void> {
  if (startedHere && !process.env.KEEP_STACK)
    execFileSync('bash', [stack, 'down'], { stdio: 'inherit', timeout: 120_000 });
}
