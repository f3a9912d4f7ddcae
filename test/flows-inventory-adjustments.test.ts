/**
 * Flow 8 end to end on the real stack: stock counts up and down in Ongoing, and a picking
 * discrepancy during an order shipped through flow 6, reach Multicase's stock and stock history
 * exactly once each and are set reported in Ongoing; a count that would take Multicase below zero
 * is booked down to zero and the rest raised, one below what is allocated is booked in full,
 * releasing allocation (an integration exception each); an adjustment Ongoing sends malformed is
 * dead-lettered once and never acknowledged, and the rest flows; one of an article Multicase does
 * not stock is raised, not dead-lettered. Ongoing's answers pass through a small proxy here that can spoil one adjustment, the way
 * a real Ongoing might send what our simulator never would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createSalesOrder,
  getStock,
  getStockLevels,
  getStockTransactions,
  sendOrderToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { listDeadLetters } from '../pipeline/ops/dlq.js';
import { collectExceptions } from '../pipeline/ops/status.js';
import { formatOpenExceptions } from '../pipeline/ops/exceptions.js';
import { exceptionsRaised } from '../connectors/multicase/adapter/exceptions.js';
import { bookStockAdjustment } from '../sinks/multicase/stock-adjustment.js';
import { dlqTopicName, topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startOngoingProxy, type OngoingProxy } from './support/ongoing-proxy.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;
let proxy: OngoingProxy | undefined;
/** Comments of adjustments the proxy spoils: their numberOfItems comes back null. */
const SPOILED = 'spoil me';

/** Ongoing as the pipeline sees it: the simulator, behind a proxy that spoils adjustments commented SPOILED. */
async function startSpoilingProxy(simulatorBaseUrl: string): Promise<string> {
  proxy = await startOngoingProxy(simulatorBaseUrl, (req, url, reply) => {
    if (req.method !== 'GET' || !url.pathname.endsWith('/inventoryAdjustments') || reply.status !== 200)
      return reply.body;
    const lines = JSON.parse(reply.body.toString()) as {
      inventoryAdjustments: { inventoryItemComment: string | null; numberOfItems: number | null }[];
    }[];
    for (const l of lines)
      for (const a of l.inventoryAdjustments) if (a.inventoryItemComment === SPOILED) a.numberOfItems = null;
    return Buffer.from(JSON.stringify(lines));
  });
  return proxy.url;
}

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline(
    'adjustments',
    { ONGOING_SHIPMENT_POLL_MS: '300', ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '300' },
    { pipelineEnv: async (e) => ({ ...e.env, ONGOING_API_BASE_URL: await startSpoilingProxy(e.simulator.baseUrl) }) },
  ));
  // Flow 1 puts the products into Ongoing; adjustments need the articles.
  const used = ['COFFEE-500', 'TENT-2P', 'SLBAG-3S', 'JACKET-M', 'WOOL-SOCK'];
  await eventually(
    () => env.api.getArticles({ articleNumbers: used }),
    (a) => a.length === used.length,
    30_000,
    'the articles in Ongoing',
  );
}, 240_000);

afterAll(async () => {
  await stopRunningPipeline({ env, pipeline });
  await proxy?.close();
});

const adjustmentsOf = (productNumber: string) =>
  getStockTransactions(env.db, productNumber, 'MAIN').then((t) => t.filter((x) => x.kind === 'adjustment'));
const unreported = async (articleNumber: string) =>
  (await env.api.getInventoryAdjustments({ isReported: false })).filter(
    (l) => l.article.articleNumber === articleNumber,
  );
const settle = () => new Promise((r) => setTimeout(r, 2_000));

describe('inventory adjustments in Ongoing', () => {
  it('a count up and a count down: Multicase stock and history follow exactly, once each, and Ongoing has them reported', async () => {
    const before = await getStock(env.db, 'COFFEE-500', 'MAIN');
    const up = await env.control.adjustStock({
      adjustments: [{ articleNumber: 'COFFEE-500', numberOfItems: 7, cause: { code: 'COUNT', name: 'Stock count' } }],
    });
    await eventually(
      () => adjustmentsOf('COFFEE-500'),
      (t) => t.length === 1,
      20_000,
      'the count up in Multicase',
    );
    const down = await env.control.adjustStock({
      adjustments: [
        { articleNumber: 'COFFEE-500', numberOfItems: -3, cause: { code: 'DMG', name: 'Dropped on floor' } },
      ],
    });
    await eventually(
      () => adjustmentsOf('COFFEE-500'),
      (t) => t.length === 2,
      20_000,
      'the count down in Multicase',
    );
    await eventually(
      () => unreported('COFFEE-500'),
      (l) => l.length === 0,
      20_000,
      'both set reported in Ongoing',
    );
    await settle();

    const history = await adjustmentsOf('COFFEE-500');
    const articleId = (await env.api.getArticles({ articleNumber: 'COFFEE-500' }))[0]!.articleSystemId;
    expect(history.map((t) => [t.quantityChange, t.balanceAfter, t.reference, t.cause])).toEqual([
      [7, before + 7, `inventory ${up.inventoryId}/article ${articleId}`, 'COUNT Stock count'],
      [-3, before + 4, `inventory ${down.inventoryId}/article ${articleId}`, 'DMG Dropped on floor'],
    ]);
    expect(await getStock(env.db, 'COFFEE-500', 'MAIN')).toBe(before + 4);

    // A replay under another command id (an event re-read with a new id) books nothing either: the sink books what is not booked for the reference yet.
    const replay = {
      adjustmentId: history[0]!.reference!,
      productNumber: 'COFFEE-500',
      quantityChange: 7,
      adjustedAt: null,
      causeCode: 'COUNT',
      causeName: 'Stock count',
      comment: null,
      pickingListNumber: null,
      warehouseCode: 'MAIN',
    };
    expect(await env.db.transaction((trx) => bookStockAdjustment(trx, replay, 'a replay with another id'))).toBeNull();
    expect(await adjustmentsOf('COFFEE-500')).toHaveLength(2);
  }, 60_000);

  it('a picking discrepancy during an order shipped through flow 6 is booked once, naming the picking list and order; the shipment does not come back as an adjustment', async () => {
    const before = await getStock(env.db, 'TENT-2P', 'MAIN');
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'TENT-2P', quantity: 3, unitPrice: 2000 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    await eventually(
      () => env.api.getOrders({ orderNumber: picking.pickingListNumber }),
      (o) => o.length === 1,
      20_000,
      'the order in Ongoing',
    );

    await env.control.pickOrder({ orderNumber: picking.pickingListNumber }, [
      { rowNumber: '1', numberOfItems: 2, missingNumberOfItems: 1 },
    ]);
    await env.control.shipOrder({ orderNumber: picking.pickingListNumber }, { waybill: 'WB-8' });

    const history = await eventually(
      () => getStockTransactions(env.db, 'TENT-2P', 'MAIN').then((t) => t.filter((x) => x.kind !== 'correction')),
      (t) => t.length === 2,
      30_000,
      'the shipment and the picking discrepancy in Multicase',
    );
    await eventually(
      () => unreported('TENT-2P'),
      (l) => l.length === 0,
      20_000,
      'the discrepancy set reported in Ongoing',
    );
    await settle();
    const after = (await getStockTransactions(env.db, 'TENT-2P', 'MAIN')).filter((x) => x.kind !== 'correction');
    expect(after.map((t) => [t.kind, t.quantityChange]).sort()).toEqual([
      ['adjustment', -1],
      ['shipment', -2],
    ]);
    const discrepancy = history.find((t) => t.kind === 'adjustment')!;
    expect(discrepancy.cause).toBe(
      `PICKDIFF Picking discrepancy (picking list ${picking.pickingListNumber}, order ${order.orderNumber})`,
    );
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(before - 3);
    // The echo rule: the warehouse booked the pick as a pick, so the only adjustment in Ongoing is the discrepancy.
    const all = (await env.api.getInventoryAdjustments())
      .filter((l) => l.article.articleNumber === 'TENT-2P')
      .flatMap((l) => l.inventoryAdjustments);
    expect(all.map((a) => [a.numberOfItems, a.inventoryAdjustmentCause?.code])).toEqual([[-1, 'PICKDIFF']]);
  }, 90_000);

  it('a count below what Multicase has is booked down to zero, the rest raised; one below what is allocated is booked in full, releasing allocation', async () => {
    const raised = async (kind: string) =>
      (await exceptionsRaised.get()).values.filter((v) => v.labels.kind === kind).reduce((s, v) => s + v.value, 0);
    const [belowZero, released] = [await raised('stock_below_zero'), await raised('stock_lost_allocation_released')];
    await setStock(env.db, 'SLBAG-3S', 'MAIN', 4);
    const gone = await env.control.adjustStock({
      adjustments: [{ articleNumber: 'SLBAG-3S', numberOfItems: -6, cause: { code: 'COUNT', name: 'Stock count' } }],
    });
    await setStock(env.db, 'JACKET-M', 'MAIN', 8);
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'JACKET-M', quantity: 5, unitPrice: 900 }],
    });
    await allocate(env.db, { orderNumber: order.orderNumber });
    expect((await getStockLevels(env.db, 'JACKET-M', 'MAIN')).allocated).toBe(5);
    await env.control.adjustStock({
      adjustments: [{ articleNumber: 'JACKET-M', numberOfItems: -6, cause: { code: 'COUNT', name: 'Stock count' } }],
    });

    await eventually(
      () => Promise.all([unreported('SLBAG-3S'), unreported('JACKET-M')]),
      ([a, b]) => a.length + b.length === 0,
      20_000,
      'both set reported',
    );
    await eventually(
      async () => [await raised('stock_below_zero'), await raised('stock_lost_allocation_released')],
      ([z, r]) => z === belowZero + 1 && r === released + 1,
      10_000,
      'both raised',
    );
    await settle();
    expect(await getStock(env.db, 'SLBAG-3S', 'MAIN')).toBe(0);
    expect((await adjustmentsOf('SLBAG-3S')).map((t) => t.quantityChange)).toEqual([-4]);
    expect(await getStockLevels(env.db, 'JACKET-M', 'MAIN')).toEqual({ onHand: 2, allocated: 2, available: 0 });
    expect((await adjustmentsOf('JACKET-M')).map((t) => t.quantityChange)).toEqual([-6]);

    const report = await collectExceptions({ MULTICASE_DATABASE_URL: env.dbUrl });
    expect(
      report.measured &&
        report.recent.map((d) => [d.kind, d.productNumber, d.reported, d.booked, d.stockNotBooked]).sort(),
    ).toEqual([
      ['stock_below_zero', 'SLBAG-3S', -6, -4, -2],
      ['stock_lost_allocation_released', 'JACKET-M', -6, -6, 0],
    ]);
    const text = formatOpenExceptions(report).join('\n');
    expect(text).toContain(`inventory adjustment inventory ${gone.inventoryId}/article`);
    expect(text).toContain(`allocation of 3 × JACKET-M was released (order ${order.orderNumber} line 1: 3)`);
    expect(text).toContain('2 open exceptions');
  }, 60_000);

  it('a malformed adjustment is dead-lettered once and stays unreported in Ongoing; the rest of the poll flows', async () => {
    const before = await getStock(env.db, 'WOOL-SOCK', 'MAIN');
    await env.control.adjustStock({
      adjustments: [
        { articleNumber: 'WOOL-SOCK', numberOfItems: 2, cause: { code: 'COUNT', name: 'Stock count' } },
        { articleNumber: 'COFFEE-500', numberOfItems: -1, comment: SPOILED },
      ],
    });
    await eventually(
      () => adjustmentsOf('WOOL-SOCK'),
      (t) => t.length === 1,
      20_000,
      'the good one in Multicase',
    );
    await eventually(
      () => unreported('WOOL-SOCK'),
      (l) => l.length === 0,
      20_000,
      'the good one set reported',
    );
    const letters = async () =>
      (await listDeadLetters(env.rt, { topic: dlqTopicName(topics.inventoryAdjusted.name), timeoutMs: 3_000 }))[0]!
        .letters;
    await eventually(letters, (l) => l.length >= 1, 20_000, 'the malformed one in the DLQ');
    await settle();
    const dead = await letters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ key: 'COFFEE-500', errorClass: 'ValidationError' });
    expect(dead[0]!.message).toMatch(/numberOfItems is not a number/);
    expect(await unreported('COFFEE-500')).toHaveLength(1);
    expect(await getStock(env.db, 'WOOL-SOCK', 'MAIN')).toBe(before + 2);
  }, 60_000);

  it('an adjustment of an article Multicase does not know is raised as an exception, never dead-lettered', async () => {
    await env.api.upsertArticle({ articleNumber: 'NOT-IN-MC', articleName: 'Made in the warehouse' });
    const made = await env.control.adjustStock({ adjustments: [{ articleNumber: 'NOT-IN-MC', numberOfItems: 4 }] });
    const articleId = (await env.api.getArticles({ articleNumber: 'NOT-IN-MC' }))[0]!.articleSystemId;
    const reference = `inventory ${made.inventoryId}/article ${articleId}`;
    const [e] = await eventually(
      () => env.db('multicase.integration_exceptions').where('document_number', reference),
      (rows) => rows.length === 1,
      20_000,
      'the exception',
    );
    expect(e).toMatchObject({ kind: 'article_not_stocked_in_multicase', status: 'open' });
    expect(e.reason).toMatch(/Multicase has no stocked product NOT-IN-MC: nothing booked/);
    await eventually(
      () => unreported('NOT-IN-MC'),
      (l) => l.length === 0,
      20_000,
      'set reported',
    );
    const letters = await listDeadLetters(env.rt, { topic: dlqTopicName(topics.stockAdjust.name), timeoutMs: 3_000 });
    expect(letters[0]?.letters ?? []).toEqual([]);
  }, 60_000);
});
