/**
 * The composition root: which source, processor and sink runs in which role. Production runs each
 * role as its own process (scale out by running more copies; consumer groups share the
 * partitions); `npm start` and the tests run them all in one.
 *
 *   node dist/pipeline/main.js all
 *   node dist/pipeline/main.js source-multicase | source-ongoing | processors | sink-ongoing | sink-multicase
 */
import type { Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import { loadConfig, setting } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { closeOnSignals, createRuntime, type Runtime } from '../runtime/runtime.js';
import { SerialQueue } from '../connectors/ongoing/api/serial-queue.js';
import { openOffsets, runSource } from '../runtime/source.js';
import type { RunningStage } from '../runtime/stage.js';
import { openTable } from '../runtime/table.js';
import { ensureTopology } from '../runtime/topology.js';
import { topics } from '../schemas/catalog.js';
import { multicaseSources, multicaseSourceSettings } from '../connectors/multicase/table-source.js';
import { OngoingApi, ongoingApiSettings } from '../connectors/ongoing/api/client.js';
import { goodsReceiptSource, ongoingSourceSettings } from '../connectors/ongoing/goods-receipts.js';
import { goodsReceiptToBookingProcessor } from '../processors/goods-receipt-to-booking.js';
import { runProcessor, type Lookups } from '../processors/processor.js';
import { productToArticleProcessor } from '../processors/product-to-article.js';
import { purchaseOrderToInboundProcessor } from '../processors/purchase-order-to-inbound.js';
import { articleUpsertHandler } from '../sinks/ongoing/article-upsert.js';
import { runMulticaseSink } from '../sinks/multicase/sink.js';
import { runOngoingSink, ongoingSinkSettings } from '../sinks/ongoing/writer.js';
import { purchaseOrderUpsertHandler } from '../sinks/ongoing/purchase-order-upsert.js';
import { receiptBookingHandler } from '../sinks/multicase/receipt-booking.js';
import { connectMulticase, multicaseDbSettings } from '../infra/local/multicase-db/db.js';

export const ROLES = ['source-multicase', 'source-ongoing', 'processors', 'sink-ongoing', 'sink-multicase'] as const;
export type Role = (typeof ROLES)[number];

export const pipelineSettings = {
  setup: setting.bool('PIPELINE_SETUP', {
    default: true,
    description: 'create missing topics and register schemas when a pipeline process starts (npm run ops -- setup does the same on its own)',
  }),
  idMapGraceMs: setting.int('ID_MAP_GRACE_MS', {
    default: 180_000,
    min: 0,
    description: 'how long a processor waits for a missing id mapping (an article not yet in Ongoing, a mapping written late by a sink) before dead-lettering the record as unmappable; longer than MULTICASE_PRODUCT_POLL_MS',
  }),
  ...multicaseDbSettings,
  ...ongoingApiSettings,
  ...multicaseSourceSettings,
  ...ongoingSourceSettings,
  ...ongoingSinkSettings,
};

export interface Pipeline {
  readonly runtime: Runtime;
  readonly stages: RunningStage[];
  /** Resolves when every consumer has joined its group. */
  started(): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  roles?: readonly Role[];
  env?: NodeJS.ProcessEnv;
  runtime?: Runtime;
  /** Create topics and register schemas first (idempotent). */
  setup?: boolean;
}

export async function startPipeline(opts: PipelineOptions = {}): Promise<Pipeline> {
  const env = opts.env ?? process.env;
  const roles = new Set(opts.roles ?? ROLES);
  const cfg = loadConfig(pipelineSettings, env);
  const rt = opts.runtime ?? createRuntime('pipeline', { env, serveMetrics: true });
  const stages: RunningStage[] = [];
  try {
    if (opts.setup) await ensureTopology(rt);

    let db: Knex | undefined;
    const multicaseDb = () => {
      if (!db) {
        const knex = connectMulticase(cfg.url);
        rt.onClose(() => knex.destroy());
        db = knex;
      }
      return db;
    };
    const api = new OngoingApi({ baseUrl: cfg.baseUrl, username: cfg.username, password: cfg.password, goodsOwnerId: cfg.goodsOwnerId, timeoutMs: cfg.timeoutMs });
    const ongoingWrites = new SerialQueue();
    const needsIdMap = roles.has('processors') || roles.has('sink-ongoing');
    const idMap = needsIdMap ? await openTable(rt, topics.idMap) : undefined;

    if (roles.has('processors')) {
      const shippingMethods = await openTable(rt, topics.shippingMethodMap);
      const lookups: Lookups = { idMap: idMap!, shippingMethods, graceMs: cfg.idMapGraceMs };
      for (const p of [productToArticleProcessor, purchaseOrderToInboundProcessor, goodsReceiptToBookingProcessor]) {
        stages.push(await runProcessor(rt, p as never, lookups));
      }
    }
    if (roles.has('sink-ongoing')) {
      const ctx = { api, idMap: idMap!, queue: ongoingWrites, skipUnchanged: cfg.skipUnchanged };
      stages.push(await runOngoingSink(rt, ctx, articleUpsertHandler));
      stages.push(await runOngoingSink(rt, ctx, purchaseOrderUpsertHandler));
    }
    if (roles.has('sink-multicase')) {
      stages.push(await runMulticaseSink(rt, multicaseDb(), receiptBookingHandler));
    }
    if (roles.has('source-multicase') || roles.has('source-ongoing')) {
      const offsets = await openOffsets(rt);
      if (roles.has('source-multicase')) {
        for (const c of multicaseSources(multicaseDb(), { ...cfg, databaseUrl: cfg.url }, rt.log)) await runSource(rt, c, offsets);
      }
      if (roles.has('source-ongoing')) await runSource(rt, goodsReceiptSource(api, ongoingWrites, cfg), offsets);
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
      await Promise.all(stages.map((s) => s.started));
    },
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
  try {
    const p = await startPipeline({ roles: asked as Role[], setup: loadConfig(pipelineSettings).setup });
    closeOnSignals(p.runtime);
  } catch (err) {
    log.error('pipeline failed to start', { error: err });
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main(process.argv.slice(2));
