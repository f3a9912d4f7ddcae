/**
 * The composition root: starts the steps of every flow in `flows.ts` that belong to the roles
 * this process runs. Production runs each role as its own process (scale out by running more
 * copies; consumer groups share the partitions); `npm start` and the tests run them all in one.
 *
 *   node dist/pipeline/main.js all
 *   node dist/pipeline/main.js source-multicase | source-ongoing | processors | sink-ongoing | sink-multicase
 */
import type { Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import { topics } from '../schemas/catalog.js';
import type { IdMapping } from '../schemas/types.generated.js';
import { loadConfig } from '../runtime/config.js';
import { kafkaSettings } from '../runtime/kafka.js';
import type { Lease } from '../runtime/lease.js';
import { Interrupted } from '../runtime/retry.js';
import { createLogger } from '../runtime/logger.js';
import { registerHealthCheck, unregisterHealthCheck } from '../runtime/metrics.js';
import { closeOnSignals, createRuntime, type Runtime } from '../runtime/runtime.js';
import { openSourcePositions, runSource } from '../runtime/source.js';
import type { RunningStage } from '../runtime/stage.js';
import { openTable, type Table } from '../runtime/table.js';
import { connectMulticase, multicaseConnection } from '../connectors/multicase/database.js';
import { OngoingApi, ongoingPassword } from '../connectors/ongoing/api/client.js';
import { runProcessor, type Lookups } from '../processors/processor.js';
import { flows, ROLES, sinkStagesOf, type FlowContext, type Role } from './flows.js';
import { scheduleReconcile } from './ops/reconcile.js';
import { watchOpenExceptions } from '../sinks/multicase/open-exceptions.js';
import { leased, leaseNames } from './leases.js';
import { announceRoles, rolesUse } from './roles.js';
import { watchConsumerLag } from './consumer-lag.js';
import { runSetup } from './ops/setup.js';
import { startConsole, type RunningConsole } from './console/server.js';
import { inProcessTelemetry } from './console/telemetry.js';
import { integratedWarehouseOngoingCode, pipelineSettings, type PipelineConfig } from './settings.js';

export { ROLES, type Role } from './flows.js';
export { pipelineSettings } from './settings.js';

export interface Pipeline {
  readonly runtime: Runtime;
  readonly stages: RunningStage[];
  /** Resolves when every consumer has joined its group. */
  started(): Promise<void>;
  /** The browser console, served by this process when CONSOLE_PORT is set. */
  readonly console?: RunningConsole;
  close(): Promise<void>;
}

export interface PipelineOptions {
  roles?: readonly Role[];
  env?: NodeJS.ProcessEnv;
  runtime?: Runtime;
  /** Create topics and register schemas first (idempotent). */
  setup?: boolean;
}

/**
 * Connections and tables a step may need, each opened once, on first use, and closed with the
 * runtime. Ongoing writes pass `writeLease()`: without the lease, a write is refused (Interrupted:
 * the record is read again by whoever holds it).
 */
function flowContext(rt: Runtime, cfg: PipelineConfig, writeLease: () => Lease | undefined): FlowContext {
  let db: Knex | undefined;
  let idMap: Promise<Table<IdMapping>> | undefined;
  let lookups: Promise<Lookups> | undefined;
  let ongoing: OngoingApi | undefined;
  const ctx: FlowContext = {
    rt,
    cfg,
    // Made on first use: a role that never calls Ongoing runs without its password.
    get ongoing() {
      return (ongoing ??= new OngoingApi({
        baseUrl: cfg.baseUrl,
        username: cfg.username,
        password: ongoingPassword(cfg, 'this process'),
        goodsOwnerId: cfg.goodsOwnerId,
        timeoutMs: cfg.timeoutMs,
        log: rt.log,
        writeGate: (what) => {
          if (!writeLease()?.held())
            throw new Interrupted(
              `${what} refused: this process does not hold the Ongoing write lease of goods owner ${cfg.goodsOwnerId}`,
            );
        },
      }));
    },
    multicaseDb() {
      if (!db) {
        const knex = connectMulticase(multicaseConnection(cfg));
        rt.onClose(() => knex.destroy());
        db = knex;
      }
      return db;
    },
    idMap: () => (idMap ??= openTable(rt, topics.idMap, { compact: true })),
    lookups: () =>
      (lookups ??= (async () => ({
        idMap: await ctx.idMap(),
        shippingMethods: await openTable(rt, topics.shippingMethodMap),
        graceMs: cfg.idMapGraceMs,
        integratedWarehouse: cfg.integratedWarehouse,
        integratedWarehouseOngoingCode: integratedWarehouseOngoingCode(cfg),
        returnNumberPrefix: cfg.returnNumberPrefix,
      }))()),
  };
  return ctx;
}

export async function startPipeline(opts: PipelineOptions = {}): Promise<Pipeline> {
  const env = opts.env ?? process.env;
  const roles = new Set<Role>(opts.roles ?? ROLES);
  const cfg = loadConfig(pipelineSettings, env);
  const rt = opts.runtime ?? createRuntime('pipeline', { env, serveMetrics: true });
  const stages: RunningStage[] = [];
  let lease: Lease | undefined;
  let consoleServer: RunningConsole | undefined;
  // Each lease's group has decided (the holder runs what it guards, a standby nothing).
  const leasesDecided: Promise<void>[] = [];
  const { sessionTimeoutMs } = loadConfig({ sessionTimeoutMs: kafkaSettings.sessionTimeoutMs }, env);
  try {
    const ctx = flowContext(rt, cfg, () => lease);
    // A missing credential or TLS setting stops the process now, not when its step first needs it.
    const reconcile = { reconcile: cfg.reconcileIntervalMs > 0 };
    if (rolesUse(roles, 'ongoing', reconcile) || env.CONSOLE_PORT) void ctx.ongoing;
    if (rolesUse(roles, 'multicase', reconcile) || env.CONSOLE_PORT) multicaseConnection(cfg);
    announceRoles(roles);
    if (opts.setup) await runSetup(rt, cfg);
    // Consumers first, sources last: what a source emits finds its readers already in their groups.
    for (const flow of flows) {
      for (const m of flow.mappings)
        if (roles.has(m.role)) stages.push(await runProcessor(rt, m.spec, await ctx.lookups()));
    }
    const sinks = flows.flatMap(sinkStagesOf).filter((s) => roles.has(s.role));
    for (const s of sinks.filter((s) => s.role !== 'sink-ongoing')) stages.push(await s.start(ctx));
    // Ongoing takes one write at a time per goods owner: of all processes, only the holder of the
    // goods owner's write lease runs the Ongoing sink; the others stand by until it is theirs.
    const ongoingSinks = sinks.filter((s) => s.role === 'sink-ongoing');
    if (ongoingSinks.length > 0) {
      const writes = await leased(rt, leaseNames.ongoingWrites(cfg.goodsOwnerId), sessionTimeoutMs, {
        start: () => Promise.all(ongoingSinks.map((s) => s.start(ctx))),
        onStarted: async (running) => {
          stages.push(...running);
          await Promise.all(running.map((s) => s.started));
        },
        onStopped: (stopped) => {
          for (const s of stopped) stages.splice(stages.indexOf(s), 1);
        },
      });
      lease = writes.lease;
      leasesDecided.push(writes.decided);
    }
    // A source is a single poller: each holds a lease of its own, so of all copies of its role only
    // one polls it (sources spread over the copies); the others take over when that one stops or dies.
    const sources = flows.flatMap((f) => f.sources).filter((s) => roles.has(s.role));
    if (sources.length > 0) {
      const positions = await openSourcePositions(rt, topics.sourceOffsets, topics.sourceSignals);
      const sourceLeases = await Promise.all(
        sources.map((s) =>
          leased(rt, leaseNames.source(s.name), sessionTimeoutMs, {
            start: async () => [await runSource(rt, s.connector(ctx), positions)],
          }),
        ),
      );
      leasesDecided.push(...sourceLeases.map((l) => l.decided));
    }
    if (roles.has('sink-multicase')) watchOpenExceptions(rt, () => ctx.multicaseDb(), cfg.exceptionsPollMs);
    // The stock check reads both systems and writes neither; one role runs it, the one beside
    // Multicase's books, and of that role's copies only the holder of its lease (it reads all of Ongoing).
    if (roles.has('sink-multicase') && cfg.reconcileIntervalMs > 0) {
      const reconcile = await leased(rt, leaseNames.reconcile, sessionTimeoutMs, {
        start: async () => [
          scheduleReconcile(rt, cfg.reconcileIntervalMs, () => ({
            ongoing: ctx.ongoing,
            db: ctx.multicaseDb(),
            warehouse: cfg.integratedWarehouse,
          })),
        ],
      });
      leasesDecided.push(reconcile.decided);
    }
    // Lag from committed offsets, which goes on counting when a stage stalls: one copy of one role measures it.
    if (roles.has('processors') && cfg.consumerLagIntervalMs > 0) {
      const lag = await leased(rt, leaseNames.consumerLag, sessionTimeoutMs, {
        start: async () => [watchConsumerLag(rt, cfg.consumerLagIntervalMs)],
      });
      leasesDecided.push(lag.decided);
    }
    // The browser console, when asked for; it shows this process's own metrics and health.
    if (env.CONSOLE_PORT) {
      consoleServer = await startConsole({
        rt,
        env,
        ongoing: ctx.ongoing,
        multicaseDb: () => ctx.multicaseDb(),
        warehouse: cfg.integratedWarehouse,
        telemetry: inProcessTelemetry,
      });
    }
  } catch (err) {
    await rt.close();
    throw err;
  }
  rt.log.info('pipeline running', { roles: [...roles] });
  return {
    runtime: rt,
    stages,
    started: async () => {
      await Promise.all(leasesDecided);
      await Promise.all(stages.map((s) => s.started));
    },
    ...(consoleServer ? { console: consoleServer } : {}),
    close: () => rt.close(),
  };
}

async function main(argv: string[]): Promise<void> {
  const log = createLogger({ process: 'pipeline' });
  const asked = argv.length === 0 || argv.includes('all') ? [...ROLES] : argv;
  const unknown = asked.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) {
    log.error(`unknown role ${unknown.join(', ')}; roles are: all, ${ROLES.join(', ')}`);
    process.exit(2);
  }
  // Not ready until every consumer and lease has joined its group; a stop meanwhile has nothing to hand over.
  registerHealthCheck('startup', () => 'starting: joining the consumer groups and leases');
  const stopWhileStarting = (signal: string) => {
    log.info('stopped while starting', { signal });
    process.exit(0);
  };
  process.once('SIGTERM', stopWhileStarting).once('SIGINT', stopWhileStarting);
  try {
    const p = await startPipeline({ roles: asked as Role[], setup: loadConfig(pipelineSettings).setup });
    process.off('SIGTERM', stopWhileStarting).off('SIGINT', stopWhileStarting);
    closeOnSignals(p.runtime);
    await p.started();
    unregisterHealthCheck('startup');
  } catch (err) {
    log.error('pipeline failed to start', { error: err });
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main(process.argv.slice(2));
