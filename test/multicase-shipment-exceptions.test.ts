/**
 * Flow 6, Multicase side, where the warehouse and Multicase's documents disagree: what the
 * warehouse shipped is always booked (packing slip, stock, invoice where there is an order), and
 * an integration exception says what Multicase could not reconcile. On a real (stand-in) database.
 */
import type { Knex } from 'knex';
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
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { shipmentBooking } from './support/shipment-booking.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mc_shipment_exceptions'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

const { ship, command, line, invoices, counts, exceptions } = shipmentBooking(() => knex);
const invoiced = async (orderNumber: string) =>
  (await invoices(orderNumber)).map((i) => i.lines.map((l) => [l.product_number, Number(l.quantity)]));
const listStatus = async (n: string) => (await getPickingList(knex, n))!.status;
const order = (orderNumber: string, lines: { productNumber: string; quantity: number }[]) =>
  createSalesOrder(knex, {
    orderNumber,
    customerNumber: 'C10001',
    warehouseCode: 'MAIN',
    lines: lines.map((l) => ({ ...l, unitPrice: 100 })),
  });
const newExceptions = async (since: number) => (await exceptions()).slice(since);

describe('a delivery in two parts on the same Ongoing order ("8 now, 2 later")', () => {
  it('books the second part as its own packing slip and invoice; the back order shrinks, no exception', async () => {
    await order('TP-1', [{ productNumber: 'WOOL-SOCK', quantity: 10 }]);
    const list = await sendOrderToWarehouse(knex, 'TP-1');
    const stock = await getStockLevels(knex, 'WOOL-SOCK', 'MAIN');
    const before = (await exceptions()).length;
    await ship(command(list, { 'WOOL-SOCK': 8 }));
    expect(await line('TP-1', 'WOOL-SOCK')).toMatchObject({
      quantityDelivered: 8,
      quantitySent: 0,
      quantityAllocated: 2,
      quantityBackOrdered: 2,
    });
    await ship(command(list, { 'WOOL-SOCK': 10 }));
    expect(await line('TP-1', 'WOOL-SOCK')).toMatchObject({
      quantityDelivered: 10,
      quantitySent: 0,
      quantityAllocated: 0,
      quantityBackOrdered: 0,
    });
    expect(await invoiced('TP-1')).toEqual([[['WOOL-SOCK', 8]], [['WOOL-SOCK', 2]]]);
    expect(await getStockLevels(knex, 'WOOL-SOCK', 'MAIN')).toEqual({
      onHand: stock.onHand - 10,
      allocated: stock.allocated - 10,
      available: stock.available,
    });
    expect((await getSalesOrder(knex, 'TP-1'))!.status).toBe('shipped');
    expect(await newExceptions(before)).toEqual([]);
    // The second part reported again: nothing more.
    const after = await counts();
    await ship(command(list, { 'WOOL-SOCK': 10 }));
    expect(await counts()).toEqual(after);
  });

  it('still books the second part when the rest was sent again on a new picking list, which it takes off', async () => {
    await order('TP-2', [
      { productNumber: 'WOOL-SOCK', quantity: 10 },
      { productNumber: 'COFFEE-500', quantity: 1 },
    ]);
    const first = await sendOrderToWarehouse(knex, 'TP-2');
    await ship(command(first, { 'WOOL-SOCK': 8, 'COFFEE-500': 0 }));
    const again = await sendOrderToWarehouse(knex, 'TP-2', undefined, { allocate: false });
    expect(again.lines.map((l) => [l.productNumber, l.quantity])).toEqual([
      ['WOOL-SOCK', 2],
      ['COFFEE-500', 1],
    ]);
    const before = (await exceptions()).length;
    await ship(command(first, { 'WOOL-SOCK': 10, 'COFFEE-500': 0 }));
    expect(await line('TP-2', 'WOOL-SOCK')).toMatchObject({
      quantityDelivered: 10,
      quantitySent: 0,
      quantityAllocated: 0,
    });
    // The mug stays on the new list; the socks came off it.
    expect(
      (await getPickingList(knex, again.pickingListNumber))!.lines.map((l) => [l.productNumber, l.quantity]),
    ).toEqual([['COFFEE-500', 1]]);
    expect(await line('TP-2', 'COFFEE-500')).toMatchObject({ quantitySent: 1, quantityAllocated: 1 });
    expect(await invoiced('TP-2')).toEqual([[['WOOL-SOCK', 8]], [['WOOL-SOCK', 2]]]);
    const [raised, ...more] = await newExceptions(before);
    expect(more).toEqual([]);
    expect(raised).toMatchObject({
      kind: 'delivered_more_than_sent',
      document_type: 'picking_list',
      document_number: first.pickingListNumber,
      product_number: 'WOOL-SOCK',
      quantity_reported: '2.000',
      stock_not_booked: '0.000',
    });
    expect(raised.reason).toContain(`picking list ${again.pickingListNumber} (2 × WOOL-SOCK taken off it)`);
    const history = await getOrderHistory(knex, 'TP-2');
    expect(history.at(-1)!.text).toMatch(/^Integration exception \d+ \(delivered more than was sent\)/);
  });
});

describe('a shipment after a refused cancel', () => {
  it('is booked and invoiced; the cancel is withdrawn, with an exception', async () => {
    await order('TC-1', [{ productNumber: 'JACKET-M', quantity: 3 }]);
    const list = await sendOrderToWarehouse(knex, 'TC-1');
    await cancelPickingList(knex, list.pickingListNumber);
    expect(await line('TC-1', 'JACKET-M')).toMatchObject({ quantitySent: 0, quantityAllocated: 3 });
    const stock = await getStockLevels(knex, 'JACKET-M', 'MAIN');
    const before = (await exceptions()).length;
    await ship(command(list, {}));
    expect(await listStatus(list.pickingListNumber)).toBe('shipped');
    expect(await line('TC-1', 'JACKET-M')).toMatchObject({
      quantityDelivered: 3,
      quantitySent: 0,
      quantityAllocated: 0,
    });
    expect(await invoiced('TC-1')).toEqual([[['JACKET-M', 3]]]);
    expect(await getStockLevels(knex, 'JACKET-M', 'MAIN')).toEqual({
      onHand: stock.onHand - 3,
      allocated: stock.allocated - 3,
      available: stock.available,
    });
    expect((await getSalesOrder(knex, 'TC-1'))!.status).toBe('shipped');
    const [raised] = await newExceptions(before);
    expect(raised).toMatchObject({
      kind: 'shipped_after_cancel_refused',
      document_number: list.pickingListNumber,
      picking_list_number: list.pickingListNumber,
      quantity_booked: '3.000',
    });
    expect(raised.reason).toMatch(/cancel is withdrawn\.$/);
  });

  it('names the picking list the quantities were sent again on, and takes them off it', async () => {
    await order('TC-2', [{ productNumber: 'JACKET-M', quantity: 2 }]);
    const first = await sendOrderToWarehouse(knex, 'TC-2');
    await cancelPickingList(knex, first.pickingListNumber);
    const again = await sendOrderToWarehouse(knex, 'TC-2', undefined, { allocate: false });
    const before = (await exceptions()).length;
    await ship(command(first, {}));
    expect(await listStatus(again.pickingListNumber)).toBe('cancelled');
    expect(await line('TC-2', 'JACKET-M')).toMatchObject({
      quantityDelivered: 2,
      quantitySent: 0,
      quantityAllocated: 0,
    });
    const [raised, ...more] = await newExceptions(before);
    expect(more).toEqual([]);
    expect(raised).toMatchObject({ kind: 'shipped_after_cancel_refused' });
    expect(raised.reason).toContain(
      `picking list ${again.pickingListNumber} (2 × JACKET-M taken off it, which cancels it)`,
    );
  });
});

describe('a back order the warehouse made of a picking list (another Ongoing order)', () => {
  it('is booked against the original picking list, by its own Ongoing lines', async () => {
    await order('TB-1', [{ productNumber: 'WOOL-SOCK', quantity: 5 }]);
    const list = await sendOrderToWarehouse(knex, 'TB-1');
    await ship(command(list, { 'WOOL-SOCK': 3 }));
    const before = (await exceptions()).length;
    const backOrder = {
      ...command(list, {}),
      ongoingOrderId: 77_001,
      ongoingOrderNumber: `${list.pickingListNumber}-B`,
      lines: [{ position: 1, productNumber: 'WOOL-SOCK', totalShipped: 2, ongoingLineId: 77_011, rowNumber: '1' }],
    };
    await ship(backOrder);
    expect(await line('TB-1', 'WOOL-SOCK')).toMatchObject({ quantityDelivered: 5, quantityAllocated: 0 });
    expect(await invoiced('TB-1')).toEqual([[['WOOL-SOCK', 3]], [['WOOL-SOCK', 2]]]);
    expect(await newExceptions(before)).toEqual([]);
    const after = await counts();
    await ship(backOrder);
    expect(await counts()).toEqual(after);
  });
});

describe('more than the order had, and an article not on it', () => {
  it('books all of it; only what the order has is invoiced; an exception says the rest', async () => {
    await order('TM-1', [{ productNumber: 'WOOL-SOCK', quantity: 2 }]);
    const list = await sendOrderToWarehouse(knex, 'TM-1');
    const coffee = await getStockLevels(knex, 'COFFEE-500', 'MAIN');
    const before = (await exceptions()).length;
    const c = command(list, { 'WOOL-SOCK': 3 });
    await ship({
      ...c,
      lines: [
        ...c.lines,
        { position: 9, productNumber: 'COFFEE-500', totalShipped: 1, ongoingLineId: 1, rowNumber: '9' },
      ],
    });
    expect(await line('TM-1', 'WOOL-SOCK')).toMatchObject({ quantityDelivered: 3, quantityAllocated: 0 });
    expect(await invoiced('TM-1')).toEqual([[['WOOL-SOCK', 3]]]);
    expect((await getStockLevels(knex, 'COFFEE-500', 'MAIN')).onHand).toBe(coffee.onHand - 1);
    const [raised] = await newExceptions(before);
    expect(raised).toMatchObject({ kind: 'delivered_more_than_sent', product_number: null });
    expect(raised.reason).toContain('1 × WOOL-SOCK (line 1) more than the order had ordered or allocated');
    expect(raised.reason).toContain('1 × COFFEE-500 not on the order: taken off stock, not invoiced');
  });
});

describe('a shipment of an order the pipeline did not create', () => {
  const unknown = (number: string, total: number) => ({
    orderNumber: null,
    pickingListNumber: null,
    ongoingOrderId: 88_000 + Number(number.slice(-1)),
    ongoingOrderNumber: number,
    notCreatedByPipeline: 'no picking list was sent by the pipeline',
    warehouseCode: 'MAIN',
    shippedAt: null,
    carrier: null,
    waybill: 'WB-H',
    trackingUrl: null,
    lines: [
      { position: null, productNumber: 'COFFEE-500', totalShipped: total, ongoingLineId: 88_100, rowNumber: 'A' },
    ],
  });

  it('is stock that left, referenced by the Ongoing order, with an exception; not invoiced; each part books its own', async () => {
    const coffee = await getStockLevels(knex, 'COFFEE-500', 'MAIN');
    const before = await counts();
    await ship(unknown('HAND-1', 2));
    expect((await getStockLevels(knex, 'COFFEE-500', 'MAIN')).onHand).toBe(coffee.onHand - 2);
    const tx = await knex('multicase.stock_transactions').where('reference', 'Ongoing order HAND-1').select('*');
    expect(tx.map((t) => [t.kind, Number(t.quantity_change)])).toEqual([['shipment', -2]]);
    const [raised] = await newExceptions(before.exceptions);
    expect(raised).toMatchObject({
      kind: 'shipment_of_unknown_order',
      document_type: 'ongoing_order',
      document_number: 'HAND-1',
      product_number: 'COFFEE-500',
      quantity_booked: '2.000',
    });
    expect(raised.reason).toContain('(no picking list was sent by the pipeline): 2 × COFFEE-500');
    expect((await counts()).invoices).toBe(before.invoices);
    const repeated = await counts();
    await ship(unknown('HAND-1', 2));
    expect(await counts()).toEqual(repeated);
    await ship(unknown('HAND-1', 3));
    expect((await getStockLevels(knex, 'COFFEE-500', 'MAIN')).onHand).toBe(coffee.onHand - 3);
  });

  it('the same for a picking-list number Multicase does not have', async () => {
    const before = (await exceptions()).length;
    await ship({ ...unknown('399999', 1), pickingListNumber: '399999', notCreatedByPipeline: null });
    const [raised] = await newExceptions(before);
    expect(raised).toMatchObject({ kind: 'shipment_of_unknown_order', document_number: '399999' });
    expect(raised.reason).toContain('(Multicase has no picking list 399999)');
  });
});

describe('picked quantities the warehouse lowered after they were booked', () => {
  it('come back into stock, with a note in the order history', async () => {
    await order('TL-1', [{ productNumber: 'WOOL-SOCK', quantity: 2 }]);
    const list = await sendOrderToWarehouse(knex, 'TL-1');
    await ship(command(list, {}));
    const socks = await getStockLevels(knex, 'WOOL-SOCK', 'MAIN');
    await ship(command(list, { 'WOOL-SOCK': 1 }));
    expect((await getStockLevels(knex, 'WOOL-SOCK', 'MAIN')).onHand).toBe(socks.onHand + 1);
    expect((await getOrderHistory(knex, 'TL-1')).at(-1)!.text).toMatch(/lowered what it shipped of WOOL-SOCK .* by 1/);
  });
});
