/**
 * `npm start`: the whole product on the local stack. Brings up Kafka, the registry, PostgreSQL's
 * databases and the Ongoing simulator (infra/local/stack.sh), creates topics and schemas, seeds the
 * Multicase database, runs every connector, processor and sink in this process, and drives
 * realistic activity through both systems with the generator, printing progress until Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, setting } from '../../../runtime/config.js';
import { createLogger } from '../../../runtime/logger.js';
import { metrics } from '../../../runtime/metrics.js';
import { OngoingApi, ongoingPassword } from '../../../connectors/ongoing/api/client.js';
import { generatorSettings, runGenerator } from '../generator/main.js';
import { SimulatorControl } from '../ongoing-simulator/control.js';
import { connectMulticase, migrateLatest } from '../multicase-db/db.js';
import { seedDemoData } from '../multicase-db/seed.js';
import { seedShippingMap } from './shipping-map.js';
import { pipelineSettings, startPipeline } from '../../../pipeline/main.js';
import { demoProgress } from './progress.js';
import { openingStock } from './opening-stock.js';
import { reconcileStock } from '../../../pipeline/ops/reconcile.js';
import { formatStockReport } from '../../../pipeline/ops/reconcile-diff.js';

const demoSettings = {
  rate: setting.int('DEMO_RATE', {
    default: 3,
    min: 0,
    max: 1000,
    description: 'generator actions per second in npm start (0: no generated activity)',
  }),
  seed: setting.int('DEMO_SEED', {
    default: 42,
    description: 'generator seed; the same seed replays the same activity',
  }),
  keepStack: setting.bool('DEMO_KEEP_STACK', {
    default: false,
    description: 'leave Kafka, the registry and the simulator running when npm start ends',
  }),
  controlUrl: generatorSettings.controlUrl,
};

const root = fileURLToPath(new URL('../../../..', import.meta.url));

async function main(): Promise<void> {
  const log = createLogger({ process: 'demo' });
  // Master data is polled every minute in production; the demo shows it sooner.
  process.env.MULTICASE_PRODUCT_POLL_MS ??= '5000';
  // The local simulator's own user; a real Ongoing needs its password set.
  process.env.ONGOING_API_PASSWORD ??= 'secret';
  process.env.ONGOING_GOODS_RECEIPT_POLL_MS ??= '3000';
  process.env.ONGOING_INVENTORY_ADJUSTMENT_POLL_MS ??= '5000';
  process.env.LOG_LEVEL ??= 'warn';
  const demo = loadConfig(demoSettings);
  const cfg = loadConfig(pipelineSettings);

  console.log('▶ starting the local stack (Kafka, Apicurio Registry, PostgreSQL databases, Ongoing simulator)…');
  const up = spawnSync('bash', [`${root}/infra/local/stack.sh`, 'up'], { stdio: 'inherit' });
  if (up.status !== 0) process.exit(up.status ?? 1);

  const db = connectMulticase(cfg.url);
  await migrateLatest(db);
  const seeded = await seedDemoData(db);
  console.log(`▶ Multicase database ready (${JSON.stringify(seeded)})`);

  console.log('▶ creating topics and registering schemas, starting sources, processors and sinks…');
  const pipeline = await startPipeline({ setup: true });
  await pipeline.started();
  const mapped = await seedShippingMap(pipeline.runtime);
  console.log(
    `▶ shipping-method map: ${mapped} demo freight methods mapped to Ongoing ways of delivery and transporters`,
  );

  const control = new SimulatorControl(demo.controlUrl);
  const api = new OngoingApi({
    baseUrl: cfg.baseUrl,
    username: cfg.username,
    password: ongoingPassword(cfg, 'the demo'),
    goodsOwnerId: cfg.goodsOwnerId,
    timeoutMs: cfg.timeoutMs,
  });
  const opened = await openingStock(db, api, control, cfg.integratedWarehouse);
  if (opened > 0)
    console.log(
      `▶ opening stock: ${opened} articles in Ongoing given Multicase's on-hand stock of ${cfg.integratedWarehouse}`,
    );
  const abort = new AbortController();
  let actions = 0;
  const generator =
    demo.rate > 0
      ? runGenerator(
          { db, control, api, log },
          { seed: demo.seed, ratePerSecond: demo.rate, signal: abort.signal, onAction: () => actions++ },
        )
      : Promise.resolve(undefined);
  console.log(
    `▶ running; generating ${demo.rate} actions/s (seed ${demo.seed}). Metrics: http://127.0.0.1:${process.env.METRICS_PORT ?? 9464}/metrics. Ctrl-C stops.`,
  );

  const progress = demoProgress({
    db,
    api,
    rt: pipeline.runtime,
    actions: () => actions,
    e2e: metrics.endToEndSeconds,
  });
  const timer = setInterval(
    () =>
      void progress().then(
        (line) => console.log(line),
        (err: unknown) => log.warn('progress failed', { error: err }),
      ),
    3_000,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n▶ ${signal}: stopping the generator and the pipeline…`);
    clearInterval(timer);
    abort.abort();
    const summary = await generator.catch(() => undefined);
    if (summary) console.log('  generator summary:', JSON.stringify(summary));
    // What operators check by hand: does Ongoing's stock match Multicase's, events in flight counted?
    const report = await reconcileStock({ ongoing: api, db, warehouse: cfg.integratedWarehouse }).catch(
      (err: unknown) => {
        console.log(`  stock reconciliation failed: ${(err as Error).message}`);
        return undefined;
      },
    );
    if (report) console.log(`▶ stock reconciliation (npm run ops -- reconcile):\n${formatStockReport(report)}`);
    await pipeline.close();
    await db.destroy();
    if (!demo.keepStack) spawnSync('bash', [`${root}/infra/local/stack.sh`, 'down'], { stdio: 'inherit' });
    else console.log('  the stack keeps running; stop it with: npm run stack -- down');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
