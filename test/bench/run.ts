/**
 * `npm run bench`: measured speed of flows 1-4 and 6 on the real local stack, each figure next to a
 * baseline run in the same process (the same Ongoing/Multicase work done directly, without Kafka),
 * so the ratio shows what the pipeline costs. Prints figures; asserts nothing.
 *
 *   BENCH_PRODUCTS (2000)  products pushed through flow 1
 *   BENCH_RECEIPTS (200)   purchase orders received through flows 2 and 3
 *   BENCH_LATENCY_SAMPLES (40)  purchase orders saved one at a time on an idle pipeline
 *   BENCH_ORDERS (20)      picking lists sent one at a time, then shipped (flows 4 and 6, default poll intervals)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import knex from 'knex';
import { savePurchaseOrder } from '../../infra/local/multicase-db/actions.js';
import { SCHEMA as SIMULATOR_SCHEMA } from '../../infra/local/ongoing-simulator/schema.js';
import { eventually, startTestEnvironment, type TestEnvironment } from '../support/environment.js';
import { testRuntime } from '../support/kafka.js';
import { pipelineProcesses } from '../support/pipeline-process.js';
import { seedShippingMap } from '../../infra/local/demo/shipping-map.js';
import { orderLatencies, sleep, until } from './orders.js';
import { throughputFigures } from './throughput.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const N_PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 2000);
const N_RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 200);
const N_LATENCY = Number(process.env.BENCH_LATENCY_SAMPLES ?? 40);
const N_ORDERS = Number(process.env.BENCH_ORDERS ?? 20);

const ONLY = process.env.BENCH_ONLY ?? 'all';

/** Issue 11's goals: the processor stage against the raw client, the id map, the replay. */
async function processorSection(namespace: string): Promise<void> {
  const rt = testRuntime('bench-throughput', { KAFKA_NAMESPACE: namespace, LOG_LEVEL: 'error' });
  try {
    const f = await throughputFigures(rt, namespace, (line) => process.stderr.write(`  ${line}\n`));
    const rate = (x: number) => `${x.toFixed(0)}/s`;
    row('processor throughput (events/s, median)', 'figure', 'baseline', 'ratio');
    row('raw + avsc decode and encode', rate(f.rates.avsc), rate(f.rates.raw), (f.rates.avsc / f.rates.raw).toFixed(2));
    row(
      'raw + avsc + productToArticle',
      rate(f.rates.mapped),
      rate(f.rates.raw),
      (f.rates.mapped / f.rates.raw).toFixed(2),
    );
    row(
      'processor stage (goal ≥ 0.80 of raw)',
      rate(f.rates.stage),
      rate(f.rates.raw),
      (f.rates.stage / f.rates.raw).toFixed(2),
    );
    row(
      `processor stage, ${f.idMap.entries} id-map entries (goal ≥ 0.95)`,
      rate(f.rates.idmap),
      rate(f.rates.stage),
      (f.rates.idmap / f.rates.stage).toFixed(2),
    );
    row('id map load, s (goal ≤ 5 s)', f.idMap.loadSeconds.toFixed(1), '5.0', (f.idMap.loadSeconds / 5).toFixed(2));
    row(
      'id map RSS above empty, MB (goal ≤ 250)',
      f.idMap.rssAboveEmptyMb.toFixed(0),
      '250',
      (f.idMap.rssAboveEmptyMb / 250).toFixed(2),
    );
    row(
      `replay --to-earliest, ${f.replay.events} events (goal ≥ 0.60)`,
      rate(f.replay.replayRate),
      rate(f.replay.rawRate),
      (f.replay.replayRate / f.replay.rawRate).toFixed(2),
    );
    row(
      '  (first pass of the same events)',
      rate(f.replay.firstRate),
      rate(f.replay.rawRate),
      (f.replay.firstRate / f.replay.rawRate).toFixed(2),
    );
    console.log(
      'baseline for rates: raw kafkajs consume → produce of the same bytes, commit after the send, in its own process like each variant\n',
    );
  } finally {
    // The namespace's topics go: a million-record topic is not worth keeping.
    const admin = await rt.kafka.admin();
    await admin.deleteTopics(await admin.listTopics()).catch(() => undefined);
    await admin.disconnect();
    await rt.close();
  }
}

const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

function row(name: string, pipeline: string, baseline: string, ratio: string) {
  console.log(`${name.padEnd(44)} ${pipeline.padStart(16)} ${baseline.padStart(16)} ${ratio.padStart(8)}`);
}

async function latency(env: TestEnvironment): Promise<{ pipeline: number[]; baseline: number[] }> {
  // Baseline: the one Ongoing write the flow needs, made directly from here.
  const baseline: number[] = [];
  for (let i = 0; i < N_LATENCY; i++) {
    const t0 = performance.now();
    await env.api.upsertPurchaseOrder({
      purchaseOrderNumber: `BASE-${i}`,
      purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'TENT-2P', numberOfItems: 1 }],
    });
    baseline.push(performance.now() - t0);
  }
  // Pipeline: saved in Multicase (committed) → visible in Ongoing, polled every 2 ms.
  const pipeline: number[] = [];
  for (let i = 0; i < N_LATENCY; i++) {
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 1 + i }],
    });
    const t0 = performance.now();
    await until(
      async () => (await env.api.getPurchaseOrders({ purchaseOrderNumber: po.purchaseOrderNumber })).length === 1,
      2,
      30_000,
    );
    pipeline.push(performance.now() - t0);
    await sleep(150); // idle between samples
  }
  return { pipeline, baseline };
}

/**
 * PO saved → in Ongoing while the pipeline also carries BENCH_LOAD_RATE (200) product changes a
 * second: a loader updates products in Multicase in steps of 100 ms meanwhile. Returns the
 * samples and the change rate the loader achieved.
 */
async function latencyUnderLoad(env: TestEnvironment): Promise<{ samples: number[]; rate: number }> {
  const perStep = Math.max(1, Math.round(Number(process.env.BENCH_LOAD_RATE ?? 200) / 10));
  const pool = 2_000;
  await env.db('multicase.products').insert(
    Array.from({ length: pool }, (_, i) => ({
      product_number: `LOAD-${i}`,
      description: `load product ${i}`,
      weight_kg: 1,
    })),
  );
  await until(
    async () => (await env.api.getArticles({ articleNumber: `LOAD-${pool - 1}` })).length === 1,
    100,
    300_000,
  );
  let stop = false;
  let changed = 0;
  const t0 = performance.now();
  const loader = (async () => {
    for (let step = 0; !stop; step++) {
      const started = performance.now();
      const numbers = Array.from({ length: perStep }, (_, k) => `LOAD-${(step * perStep + k) % pool}`);
      await env
        .db('multicase.products')
        .whereIn('product_number', numbers)
        .update({ description: `load step ${step}` });
      changed += numbers.length;
      await sleep(Math.max(0, 100 - (performance.now() - started)));
    }
  })();
  const samples: number[] = [];
  try {
    await sleep(2_000); // the load reaches the sink first
    for (let i = 0; i < N_LATENCY; i++) {
      const po = await savePurchaseOrder(env.db, {
        supplierNumber: 'S1001',
        warehouseCode: 'MAIN',
        lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 100 + i }],
      });
      const t = performance.now();
      await until(
        async () => (await env.api.getPurchaseOrders({ purchaseOrderNumber: po.purchaseOrderNumber })).length === 1,
        2,
        30_000,
      );
      samples.push(performance.now() - t);
      await sleep(150);
    }
  } finally {
    stop = true;
    await loader;
  }
  return { samples, rate: changed / ((performance.now() - t0) / 1000) };
}

/**
 * Articles written per second, from the first write to the last, as the simulator stamped them
 * (created_at): the same clock for the baseline and the pipeline, and no poll interval, no start-up
 * and no polling of ours in the figure, only the rate at which the writes arrived.
 */
async function writeRate(env: TestEnvironment, prefix: string): Promise<number> {
  const sim = knex({ client: 'pg', connection: env.simDbUrl });
  try {
    const r = (await sim(`${SIMULATOR_SCHEMA}.articles`)
      .where('article_number', 'like', `${prefix}%`)
      .select(sim.raw('count(*)::int AS n, extract(epoch FROM max(created_at) - min(created_at))::float AS s'))
      .first()) as { n: number; s: number };
    return (r.n - 1) / r.s;
  } finally {
    await sim.destroy();
  }
}

async function productThroughput(env: TestEnvironment): Promise<{ pipelineRate: number; baselineRate: number }> {
  for (let i = 0; i < N_PRODUCTS; i++)
    await env.api.upsertArticle({
      articleNumber: `BASE-ART-${i}`,
      articleName: `baseline ${i}`,
      isStockArticle: true,
      isActive: true,
    });

  const rows = Array.from({ length: N_PRODUCTS }, (_, i) => ({
    product_number: `BENCH-${i}`,
    description: `bench product ${i}`,
    weight_kg: 1 + (i % 7),
  }));
  for (let i = 0; i < rows.length; i += 500) await env.db('multicase.products').insert(rows.slice(i, i + 500));
  const last = `BENCH-${N_PRODUCTS - 1}`;
  await until(async () => (await env.api.getArticles({ articleNumber: last })).length === 1, 50, 600_000);
  // Per-key order holds, but partitions run in parallel: wait for every article, not just the last.
  await until(
    async () =>
      (await env.api.getAllArticles({}, 1000)).filter((a) => a.articleNumber.startsWith('BENCH-')).length ===
      N_PRODUCTS,
    200,
    600_000,
  );
  return { pipelineRate: await writeRate(env, 'BENCH-'), baselineRate: await writeRate(env, 'BASE-ART-') };
}

async function receiptThroughput(env: TestEnvironment): Promise<{ pipelineRate: number; baselineRate: number }> {
  const numbers: string[] = [];
  for (let i = 0; i < N_RECEIPTS; i++) {
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'WOOL-SOCK', quantityOrdered: 4 },
        { position: 2, productNumber: 'JACKET-M', quantityOrdered: 2 },
      ],
    });
    numbers.push(po.purchaseOrderNumber);
  }
  await until(
    async () => (await env.api.getPurchaseOrders({ purchaseOrderNumber: numbers.at(-1)! })).length === 1,
    50,
    120_000,
  );
  for (const n of numbers)
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: n }),
      (p) => p.length === 1,
      60_000,
    );

  // The warehouse receives everything through the simulator (the baseline: how fast receipts happen);
  // the pipeline books them in Multicase meanwhile. Pipeline rate: receipts booked per second from the
  // first receipt until the last booking.
  const t0 = performance.now();
  for (const n of numbers) await env.control.receivePurchaseOrder({ purchaseOrderNumber: n });
  const receiveSeconds = (performance.now() - t0) / 1000;
  await until(
    async () => {
      const r = await env
        .db('multicase.purchase_orders')
        .whereIn('purchase_order_number', numbers)
        .where('status', 'received')
        .count({ c: '*' })
        .first();
      return Number(r?.c) === numbers.length;
    },
    20,
    600_000,
  );
  const pipelineRate = N_RECEIPTS / ((performance.now() - t0) / 1000);
  const baselineRate = N_RECEIPTS / receiveSeconds;
  return { pipelineRate, baselineRate };
}

async function main(): Promise<void> {
  const pid = `${root}/infra/local/.run/kafka.pid`;
  const startedHere = !existsSync(pid);
  execFileSync('bash', [`${root}/infra/local/stack.sh`, 'up', 'postgres', 'kafka', 'registry'], { stdio: 'inherit' });
  if (ONLY !== 'flows') {
    console.log(
      `\nBenchmark on ${new Date().toISOString()} (2 cores; Kafka, Apicurio and PostgreSQL on this machine)\n`,
    );
    await processorSection(`bench-thr-${Date.now().toString(36)}.`);
    if (ONLY === 'throughput') return;
  }
  const env = await startTestEnvironment('bench', {
    MULTICASE_PRODUCT_POLL_MS: '200',
    ONGOING_GOODS_RECEIPT_POLL_MS: '200',
    LOG_LEVEL: 'error',
  });
  // The pipeline in its own process, as it runs in production: in this one it would take CPU from
  // the simulator's thread, and the serial bound of Ongoing writes would no longer be Ongoing's.
  const processes = pipelineProcesses(() => env.env);
  const pipeline = processes.start();
  try {
    await eventually(
      () => env.api.getArticles({ articleNumber: 'TENT-2P' }),
      (a) => a.length === 1,
      60_000,
      'initial snapshot',
    );
    console.log(
      `\nBenchmark on ${new Date().toISOString()} (2 cores; Kafka, Apicurio and PostgreSQL on this machine; Ongoing simulator in this process, the pipeline in its own)\n`,
    );
    row('figure', 'pipeline', 'baseline', 'ratio');
    const lat = await latency(env);
    row(
      `PO saved → in Ongoing, p50 (n=${N_LATENCY})`,
      ms(pct(lat.pipeline, 0.5)),
      ms(pct(lat.baseline, 0.5)),
      `${(pct(lat.pipeline, 0.5) / pct(lat.baseline, 0.5)).toFixed(1)}x`,
    );
    row(
      `PO saved → in Ongoing, p99 (n=${N_LATENCY})`,
      ms(pct(lat.pipeline, 0.99)),
      ms(pct(lat.baseline, 0.99)),
      `${(pct(lat.pipeline, 0.99) / pct(lat.baseline, 0.99)).toFixed(1)}x`,
    );
    const loaded = await latencyUnderLoad(env);
    row(
      `PO saved → in Ongoing under ${loaded.rate.toFixed(0)} product changes/s, p50`,
      ms(pct(loaded.samples, 0.5)),
      ms(pct(lat.pipeline, 0.5)),
      `${(pct(loaded.samples, 0.5) / pct(lat.pipeline, 0.5)).toFixed(1)}x`,
    );
    row(
      `  p99 (goal ≤ 1000 ms; baseline: idle p99)`,
      ms(pct(loaded.samples, 0.99)),
      ms(pct(lat.pipeline, 0.99)),
      `${(pct(loaded.samples, 0.99) / pct(lat.pipeline, 0.99)).toFixed(1)}x`,
    );
    const prod = await productThroughput(env);
    row(
      `products → articles, events/s (n=${N_PRODUCTS}; goal ≥ 0.95)`,
      prod.pipelineRate.toFixed(0),
      prod.baselineRate.toFixed(0),
      `${(prod.pipelineRate / prod.baselineRate).toFixed(2)}`,
    );
    const rec = await receiptThroughput(env);
    row(
      `goods receipts → Multicase stock, POs/s (n=${N_RECEIPTS})`,
      rec.pipelineRate.toFixed(0),
      rec.baselineRate.toFixed(0),
      `${(rec.pipelineRate / rec.baselineRate).toFixed(2)}`,
    );
    if (N_ORDERS > 0) {
      await seedShippingMap(env.rt);
      const ord = await orderLatencies(env, N_ORDERS);
      for (const q of [0.5, 0.99]) {
        row(
          `picking list sent → order in Ongoing, p${q * 100} (n=${N_ORDERS})`,
          ms(pct(ord.sent, q)),
          ms(pct(ord.baseline, q)),
          `${(pct(ord.sent, q) / pct(ord.baseline, q)).toFixed(1)}x`,
        );
      }
      const halfPoll = 15_000;
      for (const q of [0.5, 0.99]) {
        row(
          `order shipped → invoice in Multicase, p${q * 100} (n=${N_ORDERS})`,
          ms(pct(ord.shipped, q)),
          ms(halfPoll),
          `${(pct(ord.shipped, q) / halfPoll).toFixed(2)}`,
        );
      }
    }
    console.log(`
baseline: latency = one direct PUT /purchaseOrders from this process; products = sequential direct PUT /articles
(Ongoing takes one write at a time per goods owner, so this is the ceiling), both rates from the first write to the last; receipts = the warehouse's own receiving rate
through the simulator's control path (the pipeline books while receiving goes on); orders = one direct PUT /orders;
shipments = half the default Ongoing poll interval (30 s), the expected wait for the next poll. ratio < 1 for rates means slower than the baseline.`);
  } catch (err) {
    process.stderr.write(`--- pipeline output ---\n${pipeline.output().slice(-4000)}\n`);
    throw err;
  } finally {
    await processes.stop(pipeline);
    await env.close();
    if (startedHere && !process.env.KEEP_STACK)
      execFileSync('bash', [`${root}/infra/local/stack.sh`, 'down'], { stdio: 'inherit' });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
