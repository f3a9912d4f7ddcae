/**
 * Flow 6, Multicase side: booking the warehouse's shipment of a picking list (packing slip,
 * delivered quantities, stock, back order, invoice, order history) on a real database. Nothing the
 * warehouse shipped is refused (multicase-shipment-exceptions.test.ts: what Multicase's documents
 * cannot reconcile).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPickingList,
  createSalesOrder,
  getOrderHistory,
  getSalesOrder,
  getStockLevels,
  sendOrderToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { shipmentInvoiceHandler } from '../sinks/multicase/shipment-invoice.js';
import type { TempDatabase } from './support/databases.js';
import { shipmentBooking } from './support/shipment-booking.js';
import { seededMulticase } from './support/multicase.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mc_shipment_invoice'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

const { ship, command, line, deliveries, invoices, counts } = shipmentBooking(() => knex);

describe('a full shipment', () => {
  it('books the packing slip, delivered quantities, stock off hand, the invoice and the history', async () => {
    await createSalesOrder(knex, {
      orderNumber: 'SH-1',
      customerNumber: 'C10003',
      warehouseCode: 'MAIN',
      lines: [
        { productNumber: 'TENT-2P', quantity: 2, unitPrice: 1999, vatRate: 25 },
        { productNumber: 'COFFEE-500', quantity: 3, unitPrice: 90, vatRate: 15 },
        { productNumber: 'GIFTWRAP', quantity: 1, unitPrice: 49, vatRate: 25 },
      ],
    });
    const list = await sendOrderToWarehouse(knex, 'SH-1');
    const tentBefore = await getStockLevels(knex, 'TENT-2P', 'MAIN');
    const coffeeBefore = await getStockLevels(knex, 'COFFEE-500', 'MAIN');

    await ship(command(list, {}));

    const [delivery] = await deliveries('SH-1');
    expect(delivery).toMatchObject({
      packing_slip_number: '600001',
      carrier: 'Bring',
      waybill: `WB-${list.pickingListNumber}`,
      tracking_url: `https://tracking.example/${list.pickingListNumber}`,
    });
    expect((delivery.shipped_at as Date).toISOString()).toBe('2024-05-10T12:00:00.000Z');
    expect(await line('SH-1', 'TENT-2P')).toMatchObject({
      quantityDelivered: 2,
      quantityAllocated: 0,
      quantitySent: 0,
      quantityBackOrdered: 0,
    });
    expect(await line('SH-1', 'COFFEE-500')).toMatchObject({
      quantityDelivered: 3,
      quantityAllocated: 0,
      quantitySent: 0,
    });
    expect(await getStockLevels(knex, 'TENT-2P', 'MAIN')).toEqual({
      onHand: tentBefore.onHand - 2,
      allocated: tentBefore.allocated - 2,
      available: tentBefore.available,
    });
    expect(await getStockLevels(knex, 'COFFEE-500', 'MAIN')).toEqual({
      onHand: coffeeBefore.onHand - 3,
      allocated: coffeeBefore.allocated - 3,
      available: coffeeBefore.available,
    });
    expect((await getSalesOrder(knex, 'SH-1'))!.status).toBe('shipped');
    expect(
      await knex('multicase.picking_lists').where('picking_list_number', list.pickingListNumber).first('status'),
    ).toEqual({ status: 'shipped' });
    const tx = await knex('multicase.stock_transactions')
      .where({ reference: 'SH-1' })
      .orderBy('id')
      .select('kind', 'quantity_change', 'event_id');
    expect(tx.map((t) => [t.kind, Number(t.quantity_change)])).toEqual([
      ['shipment', -2],
      ['shipment', -3],
    ]);

    const [invoice] = await invoices('SH-1');
    expect(invoice).toMatchObject({
      invoice_number: '500001',
      delivery_id: delivery.id,
      currency: 'NOK',
      amount_net: '4317.00',
      vat_amount: '1052.25',
      days: 30,
    });
    expect(
      invoice!.lines.map((l) => [
        l.position,
        l.product_number,
        Number(l.quantity),
        l.unit_price,
        l.vat_rate,
        l.line_amount,
      ]),
    ).toEqual([
      [1, 'TENT-2P', 2, '1999.00', '25.00', '3998.00'],
      [2, 'COFFEE-500', 3, '90.00', '15.00', '270.00'],
      [3, 'GIFTWRAP', 1, '49.00', '25.00', '49.00'],
    ]);

    const history = await getOrderHistory(knex, 'SH-1');
    expect(history.map((h) => h.type)).toEqual(['sent_to_warehouse', 'shipped', 'tracking', 'invoiced']);
    expect(history[1]!.text).toMatch(/600001.*2 × TENT-2P, 3 × COFFEE-500/);
    expect(history[2]!.link).toBe(`https://tracking.example/${list.pickingListNumber}`);
    expect(history[3]!.text).toMatch(/500001.*NOK 4317\.00 \+ VAT 1052\.25/);
  });

  it('a repeated command changes nothing', async () => {
    const list = (await knex('multicase.picking_lists as pl')
      .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
      .where('o.order_number', 'SH-1')
      .first('pl.picking_list_number'))!;
    const before = await counts();
    const levels = await getStockLevels(knex, 'TENT-2P', 'MAIN');
    // As a command from before the fact ledger: no Ongoing line ids; what the list delivered counts.
    await ship({
      orderNumber: 'SH-1',
      pickingListNumber: list.picking_list_number,
      ongoingOrderId: 1,
      ongoingOrderNumber: null,
      notCreatedByPipeline: null,
      warehouseCode: null,
      shippedAt: null,
      carrier: null,
      waybill: null,
      trackingUrl: null,
      lines: [
        { position: 1, productNumber: 'TENT-2P', totalShipped: 2, ongoingLineId: null, rowNumber: null },
        { position: 2, productNumber: 'COFFEE-500', totalShipped: 3, ongoingLineId: null, rowNumber: null },
      ],
    });
    expect(await counts()).toEqual(before);
    expect(await getStockLevels(knex, 'TENT-2P', 'MAIN')).toEqual(levels);
    expect(await line('SH-1', 'TENT-2P')).toMatchObject({
      quantityDelivered: 2,
      quantityAllocated: 0,
      quantitySent: 0,
    });
  });
});

describe('a short pick', () => {
  it('invoices and books only what was picked; the rest is back order, sent and shipped again on its own', async () => {
    await createSalesOrder(knex, {
      orderNumber: 'SH-2',
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [
        { productNumber: 'JACKET-M', quantity: 5, unitPrice: 500, vatRate: 25 },
        { productNumber: 'WOOL-SOCK', quantity: 4, unitPrice: 100, vatRate: 25 },
        { productNumber: 'GIFTWRAP', quantity: 1, unitPrice: 50, vatRate: 25 },
      ],
    });
    const first = await sendOrderToWarehouse(knex, 'SH-2');
    const jacket = await getStockLevels(knex, 'JACKET-M', 'MAIN');
    const firstCommand = command(first, { 'JACKET-M': 3 });
    await ship(firstCommand);

    expect(await line('SH-2', 'JACKET-M')).toMatchObject({
      quantityDelivered: 3,
      quantitySent: 0,
      quantityAllocated: 2,
      quantityBackOrdered: 2,
    });
    expect(await line('SH-2', 'WOOL-SOCK')).toMatchObject({
      quantityDelivered: 4,
      quantitySent: 0,
      quantityAllocated: 0,
    });
    // on hand drops by the 3 picked; the 2 not picked stay allocated to the order
    expect(await getStockLevels(knex, 'JACKET-M', 'MAIN')).toEqual({
      onHand: jacket.onHand - 3,
      allocated: jacket.allocated - 3,
      available: jacket.available,
    });
    expect((await getSalesOrder(knex, 'SH-2'))!.status).toBe('partly_shipped');
    const [inv1] = await invoices('SH-2');
    expect(inv1!.lines.map((l) => [l.product_number, Number(l.quantity), l.line_amount])).toEqual([
      ['JACKET-M', 3, '1500.00'],
      ['WOOL-SOCK', 4, '400.00'],
      ['GIFTWRAP', 1, '50.00'],
    ]);
    expect(inv1).toMatchObject({ amount_net: '1950.00', vat_amount: '487.50', days: 14 });

    const second = await sendOrderToWarehouse(knex, 'SH-2', undefined, { allocate: false });
    expect(second.lines.map((l) => [l.productNumber, l.quantity])).toEqual([['JACKET-M', 2]]);
    // the first list's report arriving again must not touch what the second list holds
    const before = await counts();
    await ship(firstCommand);
    expect(await counts()).toEqual(before);
    expect(await line('SH-2', 'JACKET-M')).toMatchObject({
      quantityDelivered: 3,
      quantitySent: 2,
      quantityAllocated: 2,
    });

    await ship(command(second, {}));
    expect(await line('SH-2', 'JACKET-M')).toMatchObject({
      quantityDelivered: 5,
      quantitySent: 0,
      quantityAllocated: 0,
      quantityBackOrdered: 0,
    });
    expect(await getStockLevels(knex, 'JACKET-M', 'MAIN')).toEqual({
      onHand: jacket.onHand - 5,
      allocated: jacket.allocated - 5,
      available: jacket.available,
    });
    expect((await getSalesOrder(knex, 'SH-2'))!.status).toBe('shipped');
    const all = await invoices('SH-2');
    expect(all).toHaveLength(2);
    expect(all[1]!.lines.map((l) => [l.product_number, Number(l.quantity)])).toEqual([['JACKET-M', 2]]);
    expect(all[1]).toMatchObject({ amount_net: '1000.00', vat_amount: '250.00' });
    expect((await deliveries('SH-2')).map((d) => d.picking_list_id)).toEqual([first.id, second.id]);
    expect((await getOrderHistory(knex, 'SH-2')).map((h) => h.type)).toEqual([
      'sent_to_warehouse',
      'shipped',
      'tracking',
      'invoiced',
      'sent_to_warehouse',
      'shipped',
      'tracking',
      'invoiced',
    ]);
  });
});

describe('the sink', () => {
  it('is the handler of the shipment-invoice topic', () => {
    expect(shipmentInvoiceHandler).toMatchObject({
      name: 'sink.multicase.shipment-invoice',
      input: { name: 'multicase.shipment.invoice' },
    });
  });
});
