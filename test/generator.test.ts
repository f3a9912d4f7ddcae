/**
 * The activity generator on real PostgreSQL and an in-process Ongoing simulator, without the
 * pipeline: it replays the same actions from the same seed, fills Multicase with real documents
 * without failures, leaves the warehouse alone while nothing has reached Ongoing, and works on
 * whatever does reach it.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OngoingApi } from '../connectors/ongoing/api/client.js';
import {
  ACTION_KINDS,
  DEFAULT_MIX,
  ONGOING_ACTION_KINDS,
  actionRng,
  parseGeneratorArgs,
  planNextAction,
  readWorld,
  runGenerator,
  type ActionKind,
  type GeneratedAction,
  type GeneratorOptions,
} from '../infra/local/generator/main.js';
import { getPickingList, getPurchaseOrder } from '../infra/local/multicase-db/actions.js';
import { connectMulticase, migrateLatest } from '../infra/local/multicase-db/db.js';
import { seedDemoData } from '../infra/local/multicase-db/seed.js';
import {
  SimulatorControl,
  startOngoingSimulator,
  type OngoingSimulator,
} from '../infra/local/ongoing-simulator/index.js';
import { createLogger } from '../runtime/logger.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

const temps: TempDatabase[] = [];
const knexes: Knex[] = [];
let simulator: OngoingSimulator;
let control: SimulatorControl;
let api: OngoingApi;
const warnings: string[] = [];
const log = createLogger({}, (line) => {
  if (!line.includes('"level":"debug"') && !line.includes('"level":"info"')) warnings.push(line);
});

async function freshMulticase(name: string): Promise<Knex> {
  const temp = await createTempDatabase(`gen_${name}`);
  temps.push(temp);
  const knex = connectMulticase(temp.url, { poolMax: 4 });
  knexes.push(knex);
  await migrateLatest(knex);
  await seedDemoData(knex);
  return knex;
}

/** Only the given kinds, equally weighted. */
function only(...kinds: ActionKind[]): Partial<Record<ActionKind, number>> {
  return Object.fromEntries(ACTION_KINDS.map((k) => [k, kinds.includes(k) ? 1 : 0]));
}

async function run(db: Knex, opts: Partial<GeneratorOptions> & { seed: number }) {
  const actions: GeneratedAction[] = [];
  const summary = await runGenerator(
    { db, control, api, log },
    { ratePerSecond: 1000, ...opts, onAction: (a) => actions.push(a) },
  );
  return { summary, actions };
}

let dbA: Knex, dbB: Knex, dbC: Knex, dbD: Knex;

beforeAll(async () => {
  const simDb = await createTempDatabase('gen_sim');
  temps.push(simDb);
  simulator = await startOngoingSimulator({ databaseUrl: simDb.url, port: 0, logger: createLogger({}, () => {}) });
  control = new SimulatorControl(simulator.controlUrl);
  api = new OngoingApi({
    baseUrl: simulator.baseUrl,
    username: 'api',
    password: 'secret',
    goodsOwnerId: 1,
    timeoutMs: 5_000,
  });
  [dbA, dbB, dbC, dbD] = (await Promise.all(['a', 'b', 'c', 'd'].map(freshMulticase))) as [Knex, Knex, Knex, Knex];
});

afterAll(async () => {
  await simulator?.close();
  await Promise.all(knexes.map((k) => k.destroy()));
  await Promise.all(temps.map((t) => t.drop()));
});

describe('activity generator', () => {
  it('plans purely: the same stream and world give the same plan', async () => {
    const world = await readWorld(dbA);
    for (let i = 0; i < 20; i++)
      expect(planNextAction(actionRng(5, i), world, DEFAULT_MIX)).toEqual(
        planNextAction(actionRng(5, i), world, DEFAULT_MIX),
      );
  });

  it('replays the same actions from the same seed on fresh databases, and other actions from another seed', async () => {
    await control.reset();
    const trace = (actions: GeneratedAction[]) => actions.map((a) => `${a.kind} ${a.outcome} ${a.key ?? '-'}`);
    const first = await run(dbA, { seed: 7, maxActions: 30 });
    const second = await run(dbB, { seed: 7, maxActions: 30 });
    const other = await run(dbC, { seed: 8, maxActions: 30 });

    expect(first.summary.actions).toBe(30);
    expect(first.summary.failed).toBe(0);
    expect(trace(second.actions)).toEqual(trace(first.actions));
    expect(trace(other.actions)).not.toEqual(trace(first.actions));
    const multicaseDone = first.actions.filter((a) => a.side === 'multicase' && a.outcome === 'done');
    expect(multicaseDone.length).toBeGreaterThan(10);
    expect(multicaseDone.every((a) => typeof a.key === 'string' && a.key.length > 0)).toBe(true);
  });

  it('fills Multicase with real documents without failures, and leaves the warehouse alone while nothing is in Ongoing', async () => {
    await control.reset();
    const started = Date.now();
    const { summary, actions } = await run(dbD, { seed: 11, maxActions: 60, ratePerSecond: 500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.stoppedBy).toBe('maxActions');
    expect(summary.actions).toBe(60);
    expect(summary.failed, JSON.stringify(actions.filter((a) => a.outcome === 'failed'))).toBe(0);
    for (const kind of ONGOING_ACTION_KINDS) expect(summary.byKind[kind].done).toBe(0);
    expect(ONGOING_ACTION_KINDS.reduce((n, k) => n + summary.byKind[k].skipped, 0)).toBeGreaterThan(0);

    const count = async (table: string, where: Record<string, unknown> = {}) =>
      Number(((await dbD(`multicase.${table}`).where(where).count('* as n').first()) as { n: string }).n);
    expect(await count('purchase_orders')).toBeGreaterThan(0);
    expect(await count('purchase_order_lines')).toBeGreaterThan(0);
    expect(await count('sales_orders')).toBeGreaterThan(0);
    expect(await count('picking_lists', { status: 'sent' })).toBeGreaterThan(0);
    expect(
      Number(
        (
          (await dbD('multicase.products').where('product_number', 'like', 'GEN-%').count('* as n').first()) as {
            n: string;
          }
        ).n,
      ),
    ).toBeGreaterThan(0);
    // The simulator saw nothing but lookups.
    expect((await control.state()).counts).toMatchObject({
      purchase_orders: 0,
      orders: 0,
      return_orders: 0,
      inventory_adjustments: 0,
    });
  });

  it('receives a purchase order once it has reached Ongoing, in part and then the rest', async () => {
    const [row] = await dbD('multicase.purchase_orders')
      .where({ status: 'open' })
      .orderBy('id')
      .limit(1)
      .select('purchase_order_number');
    const po = (await getPurchaseOrder(dbD, row.purchase_order_number))!;
    // What the pipeline would have done: the articles and the purchase order, by the same number and lines.
    for (const l of po.lines) await api.upsertArticle({ articleNumber: l.productNumber, articleName: l.productNumber });
    await api.upsertPurchaseOrder({
      purchaseOrderNumber: po.purchaseOrderNumber,
      purchaseOrderLines: po.lines.map((l) => ({
        rowNumber: String(l.position),
        articleNumber: l.productNumber,
        numberOfItems: l.quantityOrdered,
      })),
    });

    const { summary, actions } = await run(dbD, { seed: 3, maxActions: 4, mix: only('receivePurchaseOrder') });
    expect(summary.failed).toBe(0);
    const received = actions.filter((a) => a.outcome === 'done');
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.every((a) => a.key === po.purchaseOrderNumber)).toBe(true);
    const [inOngoing] = await api.getPurchaseOrders({ purchaseOrderNumber: po.purchaseOrderNumber });
    expect(inOngoing!.purchaseOrderInfo.purchaseOrderStatus?.number).toBe(500);
    expect(inOngoing!.purchaseOrderLines!.every((l) => l.receivedNumberOfItems === l.advisedNumberOfItems)).toBe(true);
    // Fully received: later receive actions find nothing left to do.
    expect(actions.at(-1)!.outcome).toBe('skipped');
  });

  it('picks, ships with tracking, and corrects stock only on what Ongoing has', async () => {
    const [row] = await dbD('multicase.picking_lists')
      .where({ status: 'sent' })
      .orderBy('id')
      .limit(1)
      .select('picking_list_number');
    const list = (await getPickingList(dbD, row.picking_list_number))!;
    for (const l of list.lines)
      await api.upsertArticle({ articleNumber: l.productNumber, articleName: l.productNumber });
    const { orderId } = await api.upsertOrder({
      orderNumber: list.pickingListNumber,
      goodsOwnerOrderId: list.orderNumber,
      deliveryDate: new Date().toISOString().slice(0, 10),
      consignee: { name: 'Kari Nordmann', countryCode: 'NO' },
      orderLines: list.lines.map((l) => ({
        rowNumber: String(l.position),
        articleNumber: l.productNumber,
        numberOfItems: l.quantity,
      })),
    });

    const picked = await run(dbD, { seed: 21, maxActions: 1, mix: only('pickOrder') });
    expect(picked.actions[0]).toMatchObject({ kind: 'pickOrder', outcome: 'done', key: list.pickingListNumber });
    expect((await api.getOrders({ orderIdFrom: orderId, maxOrdersToGet: 1 }))[0]!.orderInfo.orderStatus.number).toBe(
      400,
    );

    const shipped = await run(dbD, { seed: 22, maxActions: 1, mix: only('shipOrder') });
    expect(shipped.actions[0]).toMatchObject({ kind: 'shipOrder', outcome: 'done', key: list.pickingListNumber });
    const order = (await api.getOrders({ orderIdFrom: orderId, maxOrdersToGet: 1 }))[0]!;
    expect(order.orderInfo.orderStatus.number).toBe(450);
    expect(order.tracking[0]!.trackingUrl).toMatch(/^https:\/\/tracking\.example\/GEN\d+NO$/);
    expect(order.parcels.length).toBeGreaterThanOrEqual(1);

    const adjusted = await run(dbD, { seed: 23, maxActions: 1, mix: only('adjustStock') });
    expect(adjusted.actions[0]).toMatchObject({ kind: 'adjustStock', outcome: 'done' });
    const adjustments = await api.getInventoryAdjustments();
    expect(
      adjustments.some(
        (a) =>
          a.article.articleNumber === adjusted.actions[0]!.key &&
          a.inventoryAdjustments.some((x) =>
            ['DAMAGED', 'COUNT', 'FOUND'].includes(x.inventoryAdjustmentCause?.code ?? ''),
          ),
      ),
    ).toBe(true);
  });

  it('paces itself and stops on abort', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 400);
    const { summary } = await run(dbC, { seed: 9, ratePerSecond: 5, signal: abort.signal, mix: only('updateProduct') });
    expect(summary.stoppedBy).toBe('abort');
    // One action every 200 ms: at 0, 200 and perhaps 400 ms.
    expect(summary.actions).toBeGreaterThanOrEqual(1);
    expect(summary.actions).toBeLessThanOrEqual(3);
    const timed = await run(dbC, { seed: 9, ratePerSecond: 20, durationMs: 300, mix: only('updateProduct') });
    expect(timed.summary.stoppedBy).toBe('duration');
    // One every 50 ms for 300 ms: six, fewer if the machine is slow, never a burst.
    expect(timed.summary.actions).toBeGreaterThanOrEqual(3);
    expect(timed.summary.actions).toBeLessThanOrEqual(6);
  });

  it('reads its command line', () => {
    expect(parseGeneratorArgs(['--seed', '42', '--rate', '5', '--duration', '1.5', '--max', '100'])).toEqual({
      seed: 42,
      rate: 5,
      durationMs: 1500,
      maxActions: 100,
      help: false,
    });
    expect(parseGeneratorArgs([])).toEqual({ rate: 2, help: false });
    expect(() => parseGeneratorArgs(['--rate', '0'])).toThrow(/--rate/);
    expect(() => parseGeneratorArgs(['--bogus'])).toThrow();
  });
});
