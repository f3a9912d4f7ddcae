/**
 * One world per fault scenario (a fresh Multicase database, simulator and topic namespace from
 * startTestEnvironment) with in-process pipelines whose logs are kept, and the ledger comparison
 * that decides whether the two systems agree after a fault:
 *
 * - every product in Multicase is an article in Ongoing (number, name, stock item, active);
 * - every purchase order in Multicase is in Ongoing with the same lines (row, article, quantity);
 * - every Ongoing purchase-order line's received quantity is booked on the Multicase line, and the
 *   Multicase stock moved by exactly what Ongoing received (per product, against the stock at the start);
 * - nothing is left to report in Ongoing (reported = received on every line) — the pipeline caught up;
 * - nothing is reported in Ongoing beyond what Multicase booked (kept apart: it is the one
 *   discrepancy that means a receipt was acknowledged and then lost);
 * - no dead letter on any `dlq.*` topic of the namespace.
 *
 * The simulator's state is read through its control path, which no fault touches, and Multicase
 * directly (not through any proxy a scenario put in front of the pipeline).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { flowStages } from '../../pipeline/flows.js';
import { startPipeline, type Pipeline, type Role } from '../../pipeline/main.js';
import { createLogger } from '../../runtime/logger.js';
import { createRuntime } from '../../runtime/runtime.js';
import { startTestEnvironment, type TestEnvironment } from './environment.js';
import { compareLedgers, deadLettersOf, stockByProduct, type LedgerReport } from './ledgers.js';

export { compareLedgers, deadLettersOf, stockByProduct, type LedgerReport } from './ledgers.js';

export interface Settled {
  /** Milliseconds from `since` until the ledgers matched; undefined when they never did in time. */
  recoveredMs: number | undefined;
  report: LedgerReport;
  /** One line per dead letter: topic, key, error class and message. */
  deadLetters: string[];
}

export interface RunningPipeline {
  readonly label: string;
  readonly pipeline: Pipeline;
  close(): Promise<void>;
}

export interface FaultWorld {
  readonly env: TestEnvironment;
  readonly db: Knex;
  /** Multicase stock per product (all warehouses) when the world was made. */
  readonly stockAtStart: Map<string, number>;
  /** Starts a pipeline in this process with the world's environment (plus `env`); closed with the world. */
  pipeline(label: string, options?: { roles?: readonly Role[]; env?: NodeJS.ProcessEnv }): Promise<RunningPipeline>;
  ledgers(): Promise<LedgerReport>;
  deadLetters(): Promise<string[]>;
  /** Polls the ledgers until they match (or a dead letter appears, or the time is up). */
  settle(since: number, timeoutMs: number): Promise<Settled>;
  /** The pipelines' log lines of level warn and above (and the last info lines), for failure output. */
  logTail(lines?: number): string;
  /** Per stage: committed offset against the end of its input topic, summed over partitions. */
  progress(): Promise<string>;
  /** Writes every log line of the world's pipelines to `<dir>/pipelines.log`; returns the file. */
  dumpLogs(dir: string): string;
  close(): Promise<void>;
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms).unref()),
  ]);

/**
 * Waits until every topic of the namespace has a leader for each partition (its offsets can be
 * listed). A broker answers "not the leader" for a moment after topics are created, longest on a
 * broker that has just started; the scenarios are about faults later on, not about that moment.
 */
export async function topicsReady(env: TestEnvironment, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const admin = await env.rt.kafka.admin();
  try {
    const pending = new Set(await admin.listTopics());
    let last: unknown;
    while (pending.size > 0) {
      for (const topic of [...pending]) {
        try {
          await admin.endOffsets(topic);
          pending.delete(topic);
        } catch (err) {
          last = err;
        }
      }
      if (pending.size === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `topics without a leader after ${timeoutMs} ms: ${[...pending].join(', ')}; last error: ${String(last)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function startFaultWorld(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<FaultWorld> {
  const env = await startTestEnvironment(name, extraEnv);
  try {
    await topicsReady(env);
  } catch (err) {
    await env.close().catch(() => undefined);
    throw err;
  }
  const stockAtStart = await stockByProduct(env.db);
  const running = new Set<RunningPipeline>();
  const log: string[] = [];

  const world: FaultWorld = {
    env,
    db: env.db,
    stockAtStart,
    async pipeline(label, options = {}) {
      const penv = { ...env.env, ...options.env };
      const logger = createLogger({ process: label }, (line) => {
        log.push(line);
        if (log.length > 20_000) log.splice(0, 5_000);
        if (process.env.TEST_LOGS) process.stderr.write(line + '\n');
      });
      const runtime = createRuntime(label, { env: { ...process.env, ...penv }, log: logger });
      const pipeline = await startPipeline({
        env: { ...process.env, ...penv },
        runtime,
        ...(options.roles ? { roles: options.roles } : {}),
      });
      let closing: Promise<void> | undefined;
      const handle: RunningPipeline = {
        label,
        pipeline,
        close: () =>
          (closing ??= within(pipeline.close(), 30_000, `closing pipeline ${label}`).finally(() => {
            running.delete(handle);
          })),
      };
      running.add(handle);
      return handle;
    },
    ledgers: () => compareLedgers(env.db, env.control, stockAtStart),
    deadLetters: () => deadLettersOf(env),
    async settle(since, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let report: LedgerReport = {
        discrepancies: ['never compared'],
        overReported: [],
        counts: { products: 0, articles: 0, purchaseOrders: 0, receivedInOngoing: 0 },
      };
      let recoveredMs: number | undefined;
      let deadLetters: string[] = [];
      let lastDlqCheck = 0;
      while (Date.now() < deadline) {
        try {
          report = await world.ledgers();
          if (report.discrepancies.length === 0 && report.overReported.length === 0) {
            recoveredMs = Date.now() - since;
            break;
          }
        } catch (err) {
          report = { ...report, discrepancies: [`comparing the ledgers failed: ${String(err)}`] };
        }
        // A dead letter never heals by waiting: stop early and show it.
        if (Date.now() - lastDlqCheck > 3_000) {
          lastDlqCheck = Date.now();
          deadLetters = await world
            .deadLetters()
            .catch((err: unknown) => [`could not count dead letters: ${String(err)}`]);
          if (deadLetters.length > 0 && !deadLetters[0]!.startsWith('could not')) break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      deadLetters = await world.deadLetters().catch((err: unknown) => [`could not count dead letters: ${String(err)}`]);
      return { recoveredMs, report, deadLetters };
    },
    async progress() {
      const admin = await within(env.rt.kafka.admin(), 15_000, 'connecting the admin client');
      const sum = (o: { offset: string }[]) => o.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
      try {
        const out: string[] = ['--- stage progress (committed / end of input) ---'];
        for (const st of flowStages()) {
          const end = sum(await admin.endOffsets(st.topic));
          const committed = sum(await admin.groupOffsets(st.group, st.topic));
          out.push(`${st.group}: ${committed} / ${end} on ${st.topic}${committed < end ? '  <-- behind' : ''}`);
        }
        return out.join('\n');
      } finally {
        await admin.disconnect();
      }
    },
    dumpLogs(dir) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'pipelines.log');
      writeFileSync(file, log.join('\n') + '\n');
      return file;
    },
    logTail(lines = 60) {
      // Repeated connection errors while a service is down drown everything else: shown last, cut short.
      const noise = /ECONNREFUSED|Failed to connect to seed broker|Restarting the consumer in/;
      const important = log.filter((l) => /"level":"(warn|error)"/.test(l) && !noise.test(l));
      const notable = log.filter((l) =>
        /could not restart|consumer stopped with an error|consumer crashed|dead-lettered|rejected|failed to start/i.test(
          l,
        ),
      );
      return [
        `--- notable pipeline events (${notable.length}) ---`,
        ...notable.slice(0, 30).map((l) => l.slice(0, 600)),
        `--- pipeline warnings and errors without connection noise (last ${lines} of ${important.length}) ---`,
        ...important.slice(-lines).map((l) => l.slice(0, 600)),
        `--- last ${Math.min(10, log.length)} log lines ---`,
        ...log.slice(-10).map((l) => l.slice(0, 600)),
      ].join('\n');
    },
    async close() {
      for (const p of [...running]) await p.close().catch((err: unknown) => process.stderr.write(`${String(err)}\n`));
      await env.close();
    },
  };
  return world;
}

/** Prints the line the lead collects, and returns the settled outcome for the assertions. */
export function reportRecovery(name: string, settled: Settled): void {
  if (settled.recoveredMs !== undefined) console.log(`fault ${name}: recovered in ${settled.recoveredMs} ms`);
  else
    console.log(
      `fault ${name}: NOT recovered (${settled.report.discrepancies.length} discrepancies, ${settled.report.overReported.length} over-reported, ${settled.deadLetters.length} dead letters)`,
    );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where a failed scenario leaves its full logs: `<tmp>/fault-logs/<name>-<time>`. */
export const failureDir = (name: string) =>
  join(tmpdir(), 'fault-logs', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);

/** For afterEach: on failure, the tail of the pipelines' warnings, stage progress and the full log's path. */
export async function reportFailure(world: FaultWorld | undefined, name: string): Promise<string | undefined> {
  if (!world) return undefined;
  const dir = failureDir(name);
  const file = world.dumpLogs(dir);
  const progress = await world.progress().catch((e: unknown) => `stage progress unavailable: ${String(e)}`);
  process.stderr.write(`${world.logTail()}\n${progress}\nfull pipeline log: ${file}\n`);
  return dir;
}
