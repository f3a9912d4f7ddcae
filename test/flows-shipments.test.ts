/**
 * Flow 6 end to end on the real stack: an order sent to the warehouse is picked one line short
 * and shipped in Ongoing; Multicase then has a packing slip and an invoice for exactly what
 * shipped, the tracking link in the order history, stock reduced by what shipped, and the rest
 * as a back order that the user sends later as a second picking list, shipped and invoiced on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSalesOrder,
  getOrderHistory,
  getSalesOrder,
  getStock,
  sendOrderToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('shipments', { ONGOING_SHIPMENT_POLL_MS: '300' }));
});

afterAll(() => stopRunningPipeline({ env, pipeline }));

const invoicesOf = (orderNumber: string) =>
  env
    .db('multicase.invoices as i')
    .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('i.id')
    .select('i.id', 'i.invoice_number', 'i.amount_net', 'i.vat_amount');
const invoiceLines = (invoiceId: number) =>
  env
    .db('multicase.invoice_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.invoice_id', invoiceId)
    .orderBy('l.position')
    .select('p.product_number', 'l.quantity', 'l.unit_price');

describe('shipment confirmed in Ongoing', () => {
  it('a short pick ships and invoices what was picked, with the tracking link; the back order ships and invoices on its own', async () => {
    const tentsBefore = await getStock(env.db, 'TENT-2P', 'MAIN');
    const socksBefore = await getStock(env.db, 'WOOL-SOCK', 'MAIN');
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [
        { productNumber: 'TENT-2P', quantity: 3, unitPrice: 2000 },
        { productNumber: 'WOOL-SOCK', quantity: 4, unitPrice: 100 },
        { productNumber: 'GIFTWRAP', quantity: 1, unitPrice: 50 },
      ],
    });
    const first = await sendOrderToWarehouse(env.db, order.orderNumber);
    await eventually(
      () => env.api.getOrders({ orderNumber: first.pickingListNumber }),
      (o) => o.length === 1,
      20_000,
      'order in Ongoing',
    );

    // The picker finds only 2 of the 3 tents; then the order is shipped with tracking.
    await env.control.pickOrder({ orderNumber: first.pickingListNumber }, [
      { rowNumber: '1', numberOfItems: 2 },
      { rowNumber: '2', numberOfItems: 4 },
    ]);
    await env.control.shipOrder(
      { orderNumber: first.pickingListNumber },
      { waybill: 'WB-1', trackingUrl: 'https://tracking.example/WB-1' },
    );

    const [invoice] = await eventually(
      () => invoicesOf(order.orderNumber),
      (i) => i.length === 1,
      30_000,
      'the invoice in Multicase',
    );
    expect(
      (await invoiceLines(invoice!.id)).map((l) => [l.product_number, Number(l.quantity), Number(l.unit_price)]),
    ).toEqual([
      ['TENT-2P', 2, 2000],
      ['WOOL-SOCK', 4, 100],
      ['GIFTWRAP', 1, 50],
    ]);
    expect(Number(invoice!.amount_net)).toBe(4450);
    expect(Number(invoice!.vat_amount)).toBeCloseTo(1112.5, 2);
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tentsBefore - 2);
    expect(await getStock(env.db, 'WOOL-SOCK', 'MAIN')).toBe(socksBefore - 4);
    const history = await getOrderHistory(env.db, order.orderNumber);
    expect(history.some((h) => h.link === 'https://tracking.example/WB-1')).toBe(true);
    const afterFirst = await getSalesOrder(env.db, order.orderNumber);
    expect(afterFirst!.lines.map((l) => [l.productNumber, l.quantityDelivered])).toEqual([
      ['TENT-2P', 2],
      ['WOOL-SOCK', 4],
      ['GIFTWRAP', 0],
    ]);

    // The missing tent, sent later as a second picking list, ships and invoices on its own.
    const second = await sendOrderToWarehouse(env.db, order.orderNumber);
    expect(second.pickingListNumber).not.toBe(first.pickingListNumber);
    await eventually(
      () => env.api.getOrders({ orderNumber: second.pickingListNumber }),
      (o) => o.length === 1,
      20_000,
      'the back order in Ongoing',
    );
    await env.control.pickOrder({ orderNumber: second.pickingListNumber });
    await env.control.shipOrder({ orderNumber: second.pickingListNumber }, { waybill: 'WB-2' });
    const invoices = await eventually(
      () => invoicesOf(order.orderNumber),
      (i) => i.length === 2,
      30_000,
      'the second invoice',
    );
    expect((await invoiceLines(invoices[1]!.id)).map((l) => [l.product_number, Number(l.quantity)])).toEqual([
      ['TENT-2P', 1],
    ]);
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tentsBefore - 3);
    expect((await getSalesOrder(env.db, order.orderNumber))!.status).toBe('shipped');
  }, 90_000);
});
