/**
 * The warehouse is the truth, end to end on the real stack (issue 17): what the warehouse does with
 * outbound orders that Multicase's documents did not expect is booked as it happened, with an
 * integration exception, never dead-lettered: a shipment after a refused cancel, an order
 * delivered in two parts (on the same order, and as a back order of its own), a shipment of an
 * order the pipeline did not create, orders the warehouse cancels or closes with nothing picked.
 * Each case ends with Ongoing having nothing left to report, no dead letter beyond the refusal
 * Ongoing itself answers, and the stock check finding no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPickingList,
  createSalesOrder,
  getOrderHistory,
  getPickingList,
  getSalesOrder,
  getStockLevels,
  sendOrderToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { openingStock } from '../infra/local/demo/opening-stock.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import {
  deadLetters,
  exceptionsOn,
  exceptionsRaised,
  expectNoDrift,
  expectNothingUnreported,
  invoicedLines,
  sentToOngoing,
} from './support/warehouse-truth.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('warehouse-orders', {
    ONGOING_SHIPMENT_POLL_MS: '300',
    MULTICASE_PICKING_LIST_POLL_MS: '1000',
    ID_MAP_GRACE_MS: '4000',
  }));
  expect(await openingStock(env.db, env.api, env.control, 'MAIN', 30_000)).toBeGreaterThan(0);
}, 60_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

const order = async (lines: { productNumber: string; quantity: number }[]) =>
  (
    await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: lines.map((l) => ({ ...l, unitPrice: 100 })),
    })
  ).orderNumber;
const invoicesAre = (orderNumber: string, count: number) =>
  eventually(
    () => invoicedLines(env, orderNumber),
    (i) => i.length === count,
    30_000,
    `${count} invoice(s) of ${orderNumber}`,
  );
const inOngoing = (orderNumber: string) => env.api.getOrders({ orderNumber }).then((o) => o[0]);
const listStatus = async (n: string) => (await getPickingList(env.db, n))!.status;

/** Dead letters an earlier case wrote (and checked). */
let seenDeadLetters: string[] = [];

async function expectTheWarehouseBooked(allowedDeadLetters: RegExp[] = []): Promise<void> {
  await expectNothingUnreported(env);
  const letters = await deadLetters(env);
  const unexpected = letters.filter((d) => !seenDeadLetters.includes(d) && !allowedDeadLetters.some((a) => a.test(d)));
  seenDeadLetters = letters;
  expect(unexpected).toEqual([]);
  await expectNoDrift(env);
}

describe('a shipment after a refused cancel', () => {
  it('is booked and invoiced, the cancel withdrawn; the list sent again meanwhile is taken back, with an exception', async () => {
    const number = await order([{ productNumber: 'JACKET-M', quantity: 2 }]);
    const first = await sentToOngoing(env, number);
    await env.control.pickOrder({ orderNumber: first.pickingListNumber });
    await cancelPickingList(env.db, first.pickingListNumber);
    await eventually(
      () => getOrderHistory(env.db, number),
      (h) => h.some((e) => e.text.includes('refused the cancel')),
      20_000,
      'the refused cancel in the order history',
    );
    // The user sends the goods again, on a new picking list.
    const again = await sendOrderToWarehouse(env.db, number, undefined, { allocate: false });
    await eventually(
      () => inOngoing(again.pickingListNumber),
      (o) => o !== undefined,
      20_000,
      'the new list in Ongoing',
    );
    const jackets = await getStockLevels(env.db, 'JACKET-M', 'MAIN');

    await env.control.shipOrder({ orderNumber: first.pickingListNumber }, { waybill: 'WB-A' });

    expect(await invoicesAre(number, 1)).toEqual([[['JACKET-M', 2]]]);
    const [raised] = await exceptionsOn(env, 'shipped_after_cancel_refused', first.pickingListNumber);
    expect(raised.reason).toContain(
      `picking list ${again.pickingListNumber} (2 × JACKET-M taken off it, which cancels it)`,
    );
    expect(await listStatus(first.pickingListNumber)).toBe('shipped');
    expect(await listStatus(again.pickingListNumber)).toBe('cancelled');
    expect((await getSalesOrder(env.db, number))!.lines[0]).toMatchObject({
      quantityDelivered: 2,
      quantitySent: 0,
      quantityAllocated: 0,
    });
    expect(await getStockLevels(env.db, 'JACKET-M', 'MAIN')).toEqual({
      onHand: jackets.onHand - 2,
      allocated: jackets.allocated - 2,
      available: jackets.available,
    });
    // The list taken back is cancelled in the warehouse too (nothing was picked on it).
    await eventually(
      () => inOngoing(again.pickingListNumber),
      (o) => o?.orderInfo.orderStatus.number === 1000,
      20_000,
      'the list sent again cancelled in Ongoing',
    );
    expect((await getOrderHistory(env.db, number)).map((h) => h.text).join('\n')).toMatch(
      /Integration exception \d+ \(shipped after a refused cancel\)/,
    );
    // Ongoing's refusal of the cancel is the one dead letter: flow 4 records what Ongoing refused.
    await expectTheWarehouseBooked([
      new RegExp(`dlq\\.ongoing\\.order\\.upsert key=${first.pickingListNumber} RejectedError`),
    ]);
  }, 120_000);
});

describe('one order delivered in two parts', () => {
  it('on the same Ongoing order ("8 now, 2 later"): the second part gets its own packing slip and invoice', async () => {
    const number = await order([{ productNumber: 'WOOL-SOCK', quantity: 10 }]);
    const list = await sentToOngoing(env, number);
    await env.control.pickOrder({ orderNumber: list.pickingListNumber }, [{ rowNumber: '1', numberOfItems: 8 }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber }, { waybill: 'WB-B1' });
    expect(await invoicesAre(number, 1)).toEqual([[['WOOL-SOCK', 8]]]);
    expect((await getSalesOrder(env.db, number))!.lines[0]).toMatchObject({
      quantityDelivered: 8,
      quantityBackOrdered: 2,
      quantityAllocated: 2,
    });
    const before = (await exceptionsRaised(env)).length;

    await env.control.pickOrder({ orderNumber: list.pickingListNumber }, [{ rowNumber: '1', numberOfItems: 2 }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber }, { waybill: 'WB-B2' });

    expect(await invoicesAre(number, 2)).toEqual([[['WOOL-SOCK', 8]], [['WOOL-SOCK', 2]]]);
    const after = await getSalesOrder(env.db, number);
    expect(after!.status).toBe('shipped');
    expect(after!.lines[0]).toMatchObject({ quantityDelivered: 10, quantityBackOrdered: 0, quantityAllocated: 0 });
    const slips = await env
      .db('multicase.deliveries as d')
      .join('multicase.sales_orders as o', 'o.id', 'd.sales_order_id')
      .where('o.order_number', number)
      .select('d.waybill');
    expect(slips.map((s) => s.waybill)).toEqual(['WB-B1', 'WB-B2']);
    expect((await exceptionsRaised(env)).slice(before)).toEqual([]);
    await expectTheWarehouseBooked();
  }, 120_000);

  it('when the rest was sent again on a new picking list meanwhile: still booked, that list taken back, with an exception', async () => {
    const number = await order([{ productNumber: 'TENT-2P', quantity: 5 }]);
    const list = await sentToOngoing(env, number);
    await env.control.pickOrder({ orderNumber: list.pickingListNumber }, [{ rowNumber: '1', numberOfItems: 3 }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber });
    await invoicesAre(number, 1);
    const again = await sendOrderToWarehouse(env.db, number, undefined, { allocate: false });
    await eventually(
      () => inOngoing(again.pickingListNumber),
      (o) => o !== undefined,
      20_000,
      'the rest sent again',
    );

    await env.control.pickOrder({ orderNumber: list.pickingListNumber }, [{ rowNumber: '1', numberOfItems: 2 }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber });

    expect(await invoicesAre(number, 2)).toEqual([[['TENT-2P', 3]], [['TENT-2P', 2]]]);
    const [raised] = await exceptionsOn(env, 'delivered_more_than_sent', list.pickingListNumber);
    expect(raised.reason).toContain(
      `picking list ${again.pickingListNumber} (2 × TENT-2P taken off it, which cancels it)`,
    );
    await eventually(
      () => inOngoing(again.pickingListNumber),
      (o) => o?.orderInfo.orderStatus.number === 1000,
      20_000,
      'the list sent again cancelled in Ongoing',
    );
    await expectTheWarehouseBooked();
  }, 120_000);

  it('as a back order of its own in Ongoing: booked against the original picking list', async () => {
    const number = await order([{ productNumber: 'SLBAG-3S', quantity: 4 }]);
    const list = await sentToOngoing(env, number);
    await env.control.pickOrder({ orderNumber: list.pickingListNumber }, [{ rowNumber: '1', numberOfItems: 3 }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber });
    await invoicesAre(number, 1);
    const before = (await exceptionsRaised(env)).length;
    const backOrder = await env.control.splitBackOrder({ orderNumber: list.pickingListNumber });
    await env.control.fulfilOrder({ orderId: backOrder.orderInfo.orderId });

    expect(await invoicesAre(number, 2)).toEqual([[['SLBAG-3S', 3]], [['SLBAG-3S', 1]]]);
    expect((await getSalesOrder(env.db, number))!.lines[0]).toMatchObject({
      quantityDelivered: 4,
      quantityAllocated: 0,
    });
    expect((await exceptionsRaised(env)).slice(before)).toEqual([]);
    await expectTheWarehouseBooked();
  }, 120_000);
});

describe('a shipment of an order the pipeline did not create', () => {
  it('is booked as stock that left, once the id map had its grace, with an exception; not invoiced', async () => {
    const coffee = await getStockLevels(env.db, 'COFFEE-500', 'MAIN');
    await env.api.upsertOrder({
      orderNumber: 'HAND-1',
      deliveryDate: '2026-12-10',
      consignee: { name: 'Walk-in customer', countryCode: 'NO' },
      orderLines: [{ rowNumber: 'A', articleNumber: 'COFFEE-500', numberOfItems: 2 }],
    });
    await env.control.fulfilOrder({ orderNumber: 'HAND-1' });

    const [raised] = await exceptionsOn(env, 'shipment_of_unknown_order', 'HAND-1');
    expect(raised).toMatchObject({
      document_type: 'ongoing_order',
      product_number: 'COFFEE-500',
      quantity_booked: '2.000',
    });
    expect((await getStockLevels(env.db, 'COFFEE-500', 'MAIN')).onHand).toBe(coffee.onHand - 2);
    const history = await env
      .db('multicase.stock_transactions')
      .where('reference', 'Ongoing order HAND-1')
      .select('kind', 'quantity_change');
    expect(history.map((t) => [t.kind, Number(t.quantity_change)])).toEqual([['shipment', -2]]);
    await expectTheWarehouseBooked();
  }, 120_000);
});

describe('orders the warehouse cancels or closes with nothing picked', () => {
  it('cancel the picking list in Multicase and release its allocation, with an exception; our own cancel changes nothing', async () => {
    const cancelled = await order([{ productNumber: 'SLBAG-3S', quantity: 1 }]);
    const closed = await order([{ productNumber: 'WOOL-SOCK', quantity: 2 }]);
    const ours = await order([{ productNumber: 'WOOL-SOCK', quantity: 1 }]);
    const c = await sentToOngoing(env, cancelled);
    const s = await sentToOngoing(env, closed);
    const o = await sentToOngoing(env, ours);
    const bags = await getStockLevels(env.db, 'SLBAG-3S', 'MAIN');
    const before = (await exceptionsRaised(env)).length;

    await env.control.setOrderStatus({ orderNumber: c.pickingListNumber }, 1000);
    await env.control.setOrderStatus({ orderNumber: s.pickingListNumber }, 450);
    await cancelPickingList(env.db, o.pickingListNumber);

    const [cancel] = await exceptionsOn(env, 'order_cancelled_in_warehouse', c.pickingListNumber);
    expect(cancel.reason).toContain('1 × SLBAG-3S is back on the order');
    expect(await listStatus(c.pickingListNumber)).toBe('cancelled');
    expect((await getSalesOrder(env.db, cancelled))!.lines[0]).toMatchObject({
      quantitySent: 0,
      quantityAllocated: 0,
      quantityBackOrdered: 1,
    });
    expect(await getStockLevels(env.db, 'SLBAG-3S', 'MAIN')).toEqual({
      onHand: bags.onHand,
      allocated: bags.allocated - 1,
      available: bags.available + 1,
    });
    expect((await getOrderHistory(env.db, cancelled)).at(-1)!.text).toMatch(/\(order cancelled in the warehouse\)/);
    await exceptionsOn(env, 'order_closed_short_in_warehouse', s.pickingListNumber);
    expect(await listStatus(s.pickingListNumber)).toBe('shipped');
    expect((await getSalesOrder(env.db, closed))!.lines[0]).toMatchObject({ quantitySent: 0, quantityAllocated: 0 });
    // Our own cancel reached Ongoing; what the warehouse then reports of it changes nothing.
    await eventually(
      () => inOngoing(o.pickingListNumber),
      (x) => x?.orderInfo.orderStatus.number === 1000,
      20_000,
      'our cancel in Ongoing',
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect(
      (await exceptionsRaised(env))
        .slice(before)
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['order_cancelled_in_warehouse', 'order_closed_short_in_warehouse']);
    await expectTheWarehouseBooked();
  }, 120_000);
});
