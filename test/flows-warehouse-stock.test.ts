/**
 * Flow 8 when the warehouse's stock falls below what Multicase allocated, and when items are added
 * to an inventory after it was reported (issue 17), end to end on the real stack. A fall is booked
 * in full, releasing allocation (a picking discrepancy's own picking list first), noted in each
 * order's history and raised; items added later book their own difference under each reading of
 * Ongoing's `isReported` (docs/warehouse-facts.md): R1 (the simulator: each item its own flag), and
 * R2 (later items never unreported) and R3 (the whole group returned) played by a proxy in front of
 * it. After each case Ongoing has nothing left to report, no dead letter was written and the stock
 * reconciliation finds no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createProduct,
  createSalesOrder,
  getOrderHistory,
  getSalesOrder,
  getStockLevels,
  sendOrderToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { openingStock } from '../infra/local/demo/opening-stock.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startOngoingProxy, type OngoingProxy } from './support/ongoing-proxy.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import {
  deadLetters,
  exceptionsOn,
  noDriftBeyondExceptions,
  nothingUnreported,
  stockHistory,
} from './support/warehouse-facts.js';

let env: TestEnvironment;
let pipeline: Pipeline;
let proxy: OngoingProxy | undefined;
/** How the proxy answers `isReported=false`: as the simulator does (R1), or as readings R2 and R3 would. */
let reading: 'R1' | 'R2' | 'R3' = 'R1';

type Line = { article: { articleSystemId: number }; inventoryAdjustments: { inventoryId: number }[] };

/** The unreported answer under `reading`, from the simulator's unreported (R1) and unfiltered answers. */
function asReading(unreported: Line[], all: Line[]): Line[] {
  const key = (l: Line, a: { inventoryId: number }) => `${a.inventoryId}/${l.article.articleSystemId}`;
  const count = (lines: Line[]) => {
    const n = new Map<string, number>();
    for (const l of lines) for (const a of l.inventoryAdjustments) n.set(key(l, a), (n.get(key(l, a)) ?? 0) + 1);
    return n;
  };
  const [fresh, every] = [count(unreported), count(all)];
  // R2: a pair with a reported item never shows again; R3: a pair with an unreported item shows whole.
  const shown = (k: string) => (reading === 'R2' ? fresh.get(k) === every.get(k) : fresh.has(k));
  return all
    .map((l) => ({ ...l, inventoryAdjustments: l.inventoryAdjustments.filter((a) => shown(key(l, a))) }))
    .filter((l) => l.inventoryAdjustments.length > 0);
}

async function startReadingProxy(simulatorBaseUrl: string): Promise<string> {
  proxy = await startOngoingProxy(simulatorBaseUrl, async (_req, url, reply, forward) => {
    const unreported = url.pathname.endsWith('/inventoryAdjustments') && url.searchParams.get('isReported') === 'false';
    if (reading === 'R1' || !unreported || reply.status !== 200) return reply.body;
    url.searchParams.delete('isReported');
    const all = (await (await forward(`${url.pathname}${url.search}`)).json()) as Line[];
    return Buffer.from(JSON.stringify(asReading(JSON.parse(reply.body.toString()) as Line[], all)));
  });
  return proxy.url;
}

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline(
    'stock-facts',
    {
      ONGOING_SHIPMENT_POLL_MS: '300',
      ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '300',
      ONGOING_INVENTORY_RECHECK_MS: '1500',
    },
    { pipelineEnv: async (e) => ({ ...e.env, ONGOING_API_BASE_URL: await startReadingProxy(e.simulator.baseUrl) }) },
  ));
  await openingStock(env.db, env.api, env.control, 'MAIN', 30_000);
}, 120_000);

afterAll(async () => {
  await stopRunningPipeline({ env, pipeline });
  await proxy?.close();
});

let products = 0;
/** A new product in Ongoing, with `stock` counted in (flow 8 books it into Multicase too). */
async function stockedProduct(stock: number): Promise<{ productNumber: string; articleSystemId: number }> {
  const productNumber = `STOCK-${++products}`;
  await createProduct(env.db, { productNumber, description: `Stock test article ${products}` });
  const [article] = await eventually(
    () => env.api.getArticles({ articleNumber: productNumber }),
    (a) => a.length === 1,
    20_000,
    `${productNumber} in Ongoing`,
  );
  await env.control.adjustStock({ adjustments: [{ articleNumber: productNumber, numberOfItems: stock }] });
  await eventually(
    () => getStockLevels(env.db, productNumber, 'MAIN'),
    (s) => s.onHand === stock,
    20_000,
    'counted in',
  );
  return { productNumber, articleSystemId: article!.articleSystemId };
}

const order = (productNumber: string, quantity: number) =>
  createSalesOrder(env.db, {
    customerNumber: 'C10002',
    shippingMethod: 'BRING-PIP',
    warehouseCode: 'MAIN',
    lines: [{ productNumber, quantity, unitPrice: 100 }],
  });

async function settled(): Promise<void> {
  await nothingUnreported(env);
  expect(await deadLetters(env)).toEqual({});
  await noDriftBeyondExceptions(env);
}

describe('stock that falls below what Multicase allocated', () => {
  it('a picking discrepancy on fully allocated stock: the fall booked in full, its picking list gives up the allocation, the shipment books the rest', async () => {
    const { productNumber } = await stockedProduct(3);
    const o = await order(productNumber, 3);
    const picking = await sendOrderToWarehouse(env.db, o.orderNumber);
    await eventually(
      () => env.api.getOrders({ orderNumber: picking.pickingListNumber }),
      (x) => x.length === 1,
      20_000,
      'the order in Ongoing',
    );
    await env.control.pickOrder({ orderNumber: picking.pickingListNumber }, [
      { rowNumber: '1', numberOfItems: 2, missingNumberOfItems: 1 },
    ]);
    // Booked before the shipment: the picking list's own line gives up the allocation of what is gone.
    await eventually(
      () => getStockLevels(env.db, productNumber, 'MAIN'),
      (s) => s.onHand === 2,
      20_000,
      'the discrepancy',
    );
    const sent = (await getSalesOrder(env.db, o.orderNumber))!.lines[0]!;
    expect([sent.quantityAllocated, sent.quantitySent]).toEqual([2, 2]);
    await env.control.shipOrder({ orderNumber: picking.pickingListNumber });
    await eventually(
      () => getStockLevels(env.db, productNumber, 'MAIN'),
      (s) => s.onHand === 0,
      30_000,
      'both booked',
    );
    expect(await getStockLevels(env.db, productNumber, 'MAIN')).toEqual({ onHand: 0, allocated: 0, available: 0 });
    expect((await stockHistory(env, productNumber)).map(([kind, change]) => [kind, change]).sort()).toEqual([
      ['adjustment', -1],
      ['adjustment', 3],
      ['shipment', -2],
    ]);
    const line = (await getSalesOrder(env.db, o.orderNumber))!.lines[0]!;
    expect([line.quantityDelivered, line.quantityAllocated, line.quantityBackOrdered]).toEqual([2, 0, 1]);
    const [e] = (await exceptionsOn(env, (await stockHistory(env, productNumber)).find(([, c]) => c === -1)![2])) ?? [];
    expect(e).toMatchObject({ kind: 'stock_lost_allocation_released', quantity_booked: -1 });
    expect(e!.reason).toContain(`(order ${o.orderNumber} line 1: 1 (1 of it on a picking list at the warehouse))`);
    expect((await getOrderHistory(env.db, o.orderNumber)).map((h) => h.text).join('\n')).toContain(
      `Integration exception ${e!.id} (stock fell below what was allocated; allocation released)`,
    );
    await settled();
  }, 90_000);

  it('a count down on fully allocated stock: allocation not sent goes first, newest order first, then what was sent', async () => {
    const { productNumber } = await stockedProduct(5);
    const first = await order(productNumber, 3);
    await sendOrderToWarehouse(env.db, first.orderNumber);
    const second = await order(productNumber, 2);
    await allocate(env.db, { orderNumber: second.orderNumber });
    expect((await getStockLevels(env.db, productNumber, 'MAIN')).allocated).toBe(5);
    await env.control.adjustStock({
      adjustments: [{ articleNumber: productNumber, numberOfItems: -3, cause: { code: 'DMG', name: 'Water damage' } }],
    });
    await eventually(
      () => getStockLevels(env.db, productNumber, 'MAIN'),
      (s) => s.onHand === 2,
      20_000,
      'booked',
    );
    expect(await getStockLevels(env.db, productNumber, 'MAIN')).toEqual({ onHand: 2, allocated: 2, available: 0 });
    const lineOf = async (n: string) => {
      const l = (await getSalesOrder(env.db, n))!.lines[0]!;
      return [l.quantityAllocated, l.quantitySent];
    };
    expect([await lineOf(first.orderNumber), await lineOf(second.orderNumber)]).toEqual([
      [2, 2],
      [0, 0],
    ]);
    for (const n of [first.orderNumber, second.orderNumber])
      expect((await getOrderHistory(env.db, n)).map((h) => h.text).join('\n')).toMatch(/allocation released/);
    await settled();
  }, 90_000);
});

describe('items added to an inventory after it was reported', () => {
  for (const r of ['R1', 'R2', 'R3'] as const) {
    it(`book their own difference with the right sign (${r})`, async () => {
      reading = r;
      try {
        const { productNumber, articleSystemId } = await stockedProduct(5);
        const reference = (await stockHistory(env, productNumber))[0]![2];
        const inventoryId = Number(/inventory (\d+)/.exec(reference)![1]);
        await nothingUnreported(env);
        await env.control.adjustStock({
          inventoryId,
          adjustments: [{ articleNumber: productNumber, numberOfItems: -2 }],
        });
        await eventually(
          () => getStockLevels(env.db, productNumber, 'MAIN'),
          (s) => s.onHand === 3,
          20_000,
          '-2',
        );
        await nothingUnreported(env);
        await env.control.adjustStock({
          inventoryId,
          adjustments: [{ articleNumber: productNumber, numberOfItems: 4 }],
        });
        await eventually(
          () => getStockLevels(env.db, productNumber, 'MAIN'),
          (s) => s.onHand === 7,
          20_000,
          '+4',
        );
        expect(await stockHistory(env, productNumber)).toEqual([
          ['adjustment', 5, `inventory ${inventoryId}/article ${articleSystemId}`],
          ['adjustment', -2, `inventory ${inventoryId}/article ${articleSystemId}`],
          ['adjustment', 4, `inventory ${inventoryId}/article ${articleSystemId}`],
        ]);
        await settled();
      } finally {
        reading = 'R1';
      }
    }, 90_000);
  }
});
