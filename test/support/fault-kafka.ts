/**
 * A private single-node KRaft broker for fault tests, so a test can stop "Kafka" without stopping
 * the shared broker the other test files use. Same jars and configuration as the local stack
 * (infra/local/stack.sh start_kafka: infra/local/kafka/server.properties, the version pinned in
 * infra/local/kafka/pom.xml, the jars the stack fetched into infra/local/.cache), but its own
 * ports (reserved, see free-ports.ts), its own data and log directories under the temp directory.
 *
 *   const kafka = await startPrivateKafka('broker-down');  // formatted, started, healthy
 *   env.KAFKA_BROKERS = kafka.brokers;
 *   await kafka.stop();   // SIGTERM, waits for the process to exit: the broker is gone
 *   await kafka.start();  // same data directory, same ports: topics, records, offsets are back
 *   await kafka.close();  // kill, remove the directories, release the ports
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releasePort, reservePorts } from './free-ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kafkaDir = join(root, 'infra/local/kafka');

export interface PrivateKafka {
  /** `127.0.0.1:<port>`, for KAFKA_BROKERS. */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly logDir: string;
  /** True between a successful start() and stop(). */
  readonly running: boolean;
  /** Starts the broker (again) on the same data directory and ports; resolves once it serves. */
  start(): Promise<void>;
  /** SIGTERM and wait for the process to exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  /** Kills the broker if it runs, removes its directories and releases its ports. */
  close(): Promise<void>;
  /** The last lines of the broker's log, for failure messages. */
  logTail(lines?: number): string;
}

export function kafkaVersion(): string {
  const pom = readFileSync(join(kafkaDir, 'pom.xml'), 'utf8');
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!m) throw new Error(`no <kafka.version> in ${join(kafkaDir, 'pom.xml')}`);
  return m[1]!.trim();
}

function kafkaLibs(): string {
  const libs = join(root, 'infra/local/.cache', `kafka-${kafkaVersion()}`, 'libs');
  if (!existsSync(libs) || !readdirSync(libs).some((f) => f.startsWith('kafka_'))) {
    throw new Error(
      `Kafka ${kafkaVersion()} jars are missing in ${libs}; run 'bash infra/local/stack.sh fetch' (or 'up kafka') once`,
    );
  }
  return join(libs, '*');
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.setTimeout(1_000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Formats and starts a private broker; `name` only labels its directories. */
export async function startPrivateKafka(name = 'kafka'): Promise<PrivateKafka> {
  const cp = kafkaLibs();
  const [port, controllerPort] = (await reservePorts(2)) as [number, number];
  const base = mkdtempSync(join(tmpdir(), `private-kafka-${name.replace(/[^a-z0-9-]/gi, '_')}-`));
  const dataDir = join(base, 'data');
  const logDir = join(base, 'logs');
  const conf = join(base, 'server.properties');
  const properties =
    readFileSync(join(kafkaDir, 'server.properties'), 'utf8')
      .replaceAll('127.0.0.1:9092', `127.0.0.1:${port}`)
      .replaceAll('127.0.0.1:9093', `127.0.0.1:${controllerPort}`) +
    `\nlog.dirs=${dataDir}\n` +
    // A broker of its own for one test: small and quick to start and stop.
    `num.network.threads=2\nnum.io.threads=2\nnum.recovery.threads.per.data.dir=1\nbackground.threads=2\nlog.cleaner.threads=1\n` +
    `controlled.shutdown.enable=true\n`;
  writeFileSync(conf, properties);
  const jvm = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    `-Dkafka.logs.dir=${logDir}`,
    `-Dlog4j2.configurationFile=${join(kafkaDir, 'log4j2.properties')}`,
  ];
  const clusterId = randomBytes(16).toString('base64url');

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let running = false;
  let generation = 0;
  const killOnExit = () => child?.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const logFile = join(logDir, 'kafka.log');
  const outFile = join(logDir, 'kafka.out');
  const logTail = (lines = 40) => {
    const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n') : '');
    return `--- ${logFile} ---\n${read(logFile)}\n--- ${outFile} ---\n${read(outFile)}`;
  };

  const format = () =>
    new Promise<void>((resolve, reject) => {
      const out = openSync(join(base, 'format.log'), 'w');
      const p = spawn('java', [...jvm, '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', conf], {
        stdio: ['ignore', out, out],
      });
      p.once('error', reject);
      p.once('exit', (code) => {
        closeSync(out);
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `formatting the private broker's storage failed (exit ${code}): ${readFileSync(join(base, 'format.log'), 'utf8').slice(-2000)}`,
            ),
          );
      });
    });

  const start = async () => {
    if (running) return;
    generation++;
    // Each run gets a fresh log, so "started" below is this run's; the old one is kept beside it.
    if (existsSync(logFile)) renameSync(logFile, join(logDir, `kafka.${generation - 1}.log`));
    if (existsSync(outFile)) renameSync(outFile, join(logDir, `kafka.${generation - 1}.out`));
    if (await portOpen(port)) throw new Error(`port ${port} of the private broker is taken by someone else`);
    const out = openSync(outFile, 'a');
    const p = spawn('java', [...jvm, '-cp', cp, 'kafka.Kafka', conf], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = p;
    exited = new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.once('error', () => resolve());
    });
    let dead = false;
    void exited.then(() => (dead = true));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (dead)
        throw new Error(`the private broker exited during start-up (exit ${p.exitCode ?? p.signalCode})\n${logTail()}`);
      if (Date.now() > deadline) {
        p.kill('SIGKILL');
        throw new Error(`the private broker did not start within 90 s\n${logTail()}`);
      }
      const started =
        existsSync(logFile) && /Kafka Server started|KafkaRaftServer.*started/.test(readFileSync(logFile, 'utf8'));
      if (started && (await portOpen(port))) break;
      await sleep(200);
    }
    running = true;
  };

  const stop = async (timeoutMs = 30_000) => {
    const p = child;
    if (!p || p.exitCode !== null || p.signalCode !== null) {
      running = false;
      return;
    }
    running = false;
    p.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (killed) {
      p.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await format();
    await start();
  } catch (err) {
    killOnExit();
    rmSync(base, { recursive: true, force: true });
    releasePort(port);
    releasePort(controllerPort);
    throw err;
  }

  return {
    brokers: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dataDir,
    logDir,
    get running() {
      return running;
    },
    start,
    stop,
    logTail,
    async close() {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      running = false;
      process.off('exit', killOnExit);
      rmSync(base, { recursive: true, force: true });
      releasePort(port);
      releasePort(controllerPort);
    },
  };
}
