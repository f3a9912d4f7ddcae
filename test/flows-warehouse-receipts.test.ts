/**
 * Flow 3 when the warehouse does what the purchase order did not foresee (issue 17), end to end on
 * the real stack: each receipt is booked in Multicase as it physically happened, and what the
 * purchase order cannot take is an integration exception with a note in the order's history.
 * After each case Ongoing has nothing left to report, no dead letter was written, and the stock
 * reconciliation finds no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  cancelPurchaseOrder,
  createProduct,
  createSalesOrder,
  getOrderHistory,
  getPurchaseOrder,
  getSalesOrder,
  getStock,
  savePurchaseOrder,
} from '../infra/local/multicase-db/actions.js';
import { openingStock } from '../infra/local/demo/opening-stock.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import {
  deadLetters,
  documentHistory,
  exceptionsOn,
  noDriftBeyondExceptions,
  nothingUnreported,
  stockHistory,
} from './support/warehouse-facts.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('receipts', { ID_MAP_GRACE_MS: '3000' }));
  await openingStock(env.db, env.api, env.control, 'MAIN', 30_000);
}, 120_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

let products = 0;
/** A new product, in Ongoing as an article, with no stock anywhere. */
async function newProduct(): Promise<string> {
  const productNumber = `RCPT-${++products}`;
  await createProduct(env.db, { productNumber, description: `Receipt test article ${products}` });
  await eventually(
    () => env.api.getArticles({ articleNumber: productNumber }),
    (a) => a.length === 1,
    20_000,
    `${productNumber} in Ongoing`,
  );
  return productNumber;
}

/** A purchase order saved in Multicase and waiting in Ongoing. */
async function sentPurchaseOrder(lines: { productNumber: string; quantityOrdered: number }[]) {
  const po = await savePurchaseOrder(env.db, {
    supplierNumber: 'S1001',
    warehouseCode: 'MAIN',
    lines: lines.map((l, i) => ({ position: i + 1, ...l })),
  });
  await eventually(
    () => env.api.getPurchaseOrders({ purchaseOrderNumber: po.purchaseOrderNumber }),
    (p) => p.length === 1,
    20_000,
    `purchase order ${po.purchaseOrderNumber} in Ongoing`,
  );
  return po.purchaseOrderNumber;
}

const received = (number: string) =>
  getPurchaseOrder(env.db, number).then((p) => p!.lines.map((l) => [l.position, l.quantityReceived]));

describe('goods the purchase order did not foresee', () => {
  it('a receipt corrected down after its stock was allocated: booked in full, allocation released from the order, noted', async () => {
    const article = await newProduct();
    const po = await sentPurchaseOrder([{ productNumber: article, quantityOrdered: 10 }]);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po });
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 10,
      20_000,
      'the receipt booked',
    );
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: article, quantity: 10, unitPrice: 50 }],
    });
    await allocate(env.db, { orderNumber: order.orderNumber });

    await env.control.setReceivedQuantity({ purchaseOrderNumber: po }, [{ rowNumber: '1', receivedNumberOfItems: 6 }]);
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 6,
      20_000,
      'the correction booked',
    );
    expect(await stockHistory(env, article)).toEqual([
      ['receipt', 10, po],
      ['correction', -4, po],
    ]);
    expect(await received(po)).toEqual([[1, 6]]);
    expect((await getSalesOrder(env.db, order.orderNumber))!.lines[0]!.quantityAllocated).toBe(6);
    const [e] = await exceptionsOn(env, po);
    expect(e).toMatchObject({ kind: 'received_less_after_allocation', status: 'open', quantity_booked: -4 });
    expect(e!.reason).toContain(`allocation of 4 × ${article} was released (order ${order.orderNumber} line 1: 4)`);
    const note = `Integration exception ${e!.id} (receipt corrected down after its stock was allocated)`;
    expect((await getOrderHistory(env.db, order.orderNumber)).map((h) => h.text).join('\n')).toContain(note);
    expect((await documentHistory(env, { purchaseOrderNumber: po })).join('\n')).toContain(note);
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);

  it('more than ordered, and an article the order does not have: all booked, the order gets no line, purchasing is told', async () => {
    const [ordered, other] = [await newProduct(), await newProduct()];
    const po = await sentPurchaseOrder([{ productNumber: ordered, quantityOrdered: 10 }]);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [
      { rowNumber: '1', numberOfItems: 12 },
      { articleNumber: other, numberOfItems: 3 },
    ]);
    await eventually(
      () => getStock(env.db, other, 'MAIN'),
      (n) => n === 3,
      20_000,
      'the other article booked',
    );
    expect(await getStock(env.db, ordered, 'MAIN')).toBe(12);
    expect(await stockHistory(env, other)).toEqual([['receipt', 3, po]]);
    const mc = (await getPurchaseOrder(env.db, po))!;
    expect(mc.lines.map((l) => [l.position, l.productNumber, l.quantityReceived])).toEqual([[1, ordered, 12]]);
    expect(mc.status).toBe('received');
    const raised = await exceptionsOn(env, po);
    expect(raised.map((e) => [e.kind, e.quantity_expected, e.quantity_reported, e.quantity_booked]).sort()).toEqual([
      ['over_receipt', 10, 12, 12],
      ['received_not_on_purchase_order', null, 3, 3],
    ]);
    expect((await documentHistory(env, { purchaseOrderNumber: po })).join('\n')).toMatch(
      new RegExp(
        `\\(received a row or article not on the purchase order\\): 3 × ${other} received on purchase order ${po} on row 2`,
      ),
    );
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);

  it('a purchase order made by hand in the warehouse: booked as an unplanned receipt after the grace, every later receipt its own difference', async () => {
    const article = await newProduct();
    await env.control.createPurchaseOrderByHand({
      purchaseOrderNumber: 'HAND-1',
      lines: [{ rowNumber: '1', articleNumber: article, numberOfItems: 10 }],
    });
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: 'HAND-1' }, [{ rowNumber: '1', numberOfItems: 4 }]);
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 4,
      30_000,
      'the unplanned receipt',
    );
    await nothingUnreported(env);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: 'HAND-1' }, [{ rowNumber: '1', numberOfItems: 2 }]);
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 6,
      30_000,
      'the second receipt',
    );
    expect(await stockHistory(env, article)).toEqual([
      ['receipt', 4, 'Ongoing purchase order HAND-1'],
      ['receipt', 2, 'Ongoing purchase order HAND-1'],
    ]);
    const raised = await exceptionsOn(env, 'HAND-1');
    expect(raised.map((e) => [e.kind, e.document_type, e.quantity_reported, e.quantity_booked])).toEqual([
      ['receipt_on_unknown_purchase_order', 'ongoing_purchase_order', 4, 4],
      ['receipt_on_unknown_purchase_order', 'ongoing_purchase_order', 6, 2],
    ]);
    expect(raised[0]!.reason).toMatch(/HAND-1 was not created by the integration/);
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);

  it('a receipt on a purchase order of our number with another Ongoing id: booked as unplanned, ours untouched', async () => {
    const article = await newProduct();
    const po = await sentPurchaseOrder([{ productNumber: article, quantityOrdered: 5 }]);
    // The warehouse renumbers ours in its UI and makes one of the same number by hand.
    await env.control.renumberPurchaseOrder({ purchaseOrderNumber: po }, `${po}-OLD`);
    await env.control.createPurchaseOrderByHand({
      purchaseOrderNumber: po,
      lines: [{ rowNumber: '1', articleNumber: article, numberOfItems: 5 }],
    });
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 5 }]);
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 5,
      30_000,
      'the receipt booked',
    );
    expect(await stockHistory(env, article)).toEqual([['receipt', 5, `Ongoing purchase order ${po}`]]);
    expect(await received(po)).toEqual([[1, 0]]);
    const [e] = await exceptionsOn(env, po);
    expect(e).toMatchObject({ kind: 'receipt_on_unknown_purchase_order', document_type: 'ongoing_purchase_order' });
    expect(e!.reason).toMatch(
      new RegExp(`${po} has id \\d+, but the integration's purchase order of that number is Ongoing's \\d+`),
    );
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);

  it('a receipt after the purchase order was cancelled in Multicase (with goods received: closed short): booked onto its line, the order stays closed', async () => {
    const article = await newProduct();
    const po = await sentPurchaseOrder([{ productNumber: article, quantityOrdered: 10 }]);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 4 }]);
    await eventually(
      () => received(po),
      (r) => r[0]![1] === 4,
      20_000,
      'the first receipt',
    );
    // With goods received, the cancel closes the order short: Ongoing is told to expect nothing more.
    await cancelPurchaseOrder(env.db, po);
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: po }),
      (p) => p[0]?.purchaseOrderLines?.[0]?.advisedNumberOfItems === 4,
      20_000,
      'the order closed short in Ongoing',
    );
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 3 }]);
    await eventually(
      () => getStock(env.db, article, 'MAIN'),
      (n) => n === 7,
      20_000,
      'the late receipt booked',
    );
    expect(await received(po)).toEqual([[1, 7]]);
    expect((await getPurchaseOrder(env.db, po))!.status).toBe('closed');
    const [e] = await exceptionsOn(env, po);
    expect(e).toMatchObject({
      kind: 'receipt_after_close',
      quantity_expected: 10,
      quantity_reported: 7,
      quantity_booked: 3,
    });
    expect((await documentHistory(env, { purchaseOrderNumber: po })).join('\n')).toContain('after it was closed');
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);

  it('quantities with more decimals than Multicase keeps are rounded once: no zero difference is refused afterwards', async () => {
    const article = await newProduct();
    const po = await sentPurchaseOrder([{ productNumber: article, quantityOrdered: 5 }]);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 2.0004 }]);
    await eventually(
      () => received(po),
      (r) => r[0]![1] === 2,
      20_000,
      '2 booked',
    );
    await nothingUnreported(env);
    // 2.00045 in all rounds to what is booked: acknowledged, nothing booked, nothing refused.
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 0.00005 }]);
    await nothingUnreported(env);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po }, [{ rowNumber: '1', numberOfItems: 1 }]);
    await eventually(
      () => received(po),
      (r) => r[0]![1] === 3,
      20_000,
      'the next receipt booked',
    );
    expect(await stockHistory(env, article)).toEqual([
      ['receipt', 2, po],
      ['receipt', 1, po],
    ]);
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 90_000);
});
