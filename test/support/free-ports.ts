/**
 * Ports for test servers that are stopped and started again on the same port (a private Kafka
 * broker, a TCP proxy that refuses connections for a while). They are taken from below the
 * kernel's ephemeral range, so no outgoing connection (the tests open thousands) can be given one
 * as its local port while the server is down, and reserved with a lock file in the temp
 * directory, so two test files (two vitest workers) never pick the same one. A lock whose process
 * is gone is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK_DIR = join(tmpdir(), 'multicase-ongoing-test-ports');
const LOWEST = 20_000;

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > LOWEST + 1_000) return first;
  } catch {
    // not Linux: the IANA dynamic range starts at 49152
  }
  return 49_152;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file of `port`; false when a live process holds it. */
function lock(port: number): boolean {
  const file = join(LOCK_DIR, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = NaN;
  try {
    holder = Number(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (Number.isInteger(holder) && alive(holder)) return false;
  try {
    unlinkSync(file);
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

const held = new Set<number>();
process.once('exit', () => {
  for (const p of held) releasePort(p);
});

export function releasePort(port: number): void {
  held.delete(port);
  try {
    if (Number(readFileSync(join(LOCK_DIR, String(port)), 'utf8')) === process.pid)
      unlinkSync(join(LOCK_DIR, String(port)));
  } catch {
    // already gone
  }
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `count` distinct free ports on `host`, reserved until releasePort (or the process exits). */
export async function reservePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  mkdirSync(LOCK_DIR, { recursive: true });
  const top = ephemeralStart() - 1;
  const out: number[] = [];
  for (let tries = 0; out.length < count; tries++) {
    if (tries > 2_000) {
      for (const p of out) releasePort(p);
      throw new Error(`no free port found between ${LOWEST} and ${top} on ${host}`);
    }
    const port = LOWEST + Math.floor(Math.random() * (top - LOWEST));
    if (out.includes(port) || held.has(port) || !lock(port)) continue;
    if (!(await bindable(port, host))) {
      unlinkSync(join(LOCK_DIR, String(port)));
      continue;
    }
    held.add(port);
    out.push(port);
  }
  return out;
}
