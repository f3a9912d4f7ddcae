/**
 * Returns the warehouse registers itself, end to end on the real stack (issue 17, research §3):
 * goods taken back on the outbound order, or on a return order the warehouse makes against it,
 * are read from the order lines (the one source of the quantity), acknowledged in Ongoing line by
 * line, booked into Multicase stock and put on a Multicase return the user settles (a new one, or
 * the announced one at the warehouse, linked), with an integration exception. Each case ends with
 * Ongoing having nothing left to report, no dead letter and no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnNumberInOngoing } from './support/fixtures.js';
import {
  closeReturn,
  createSalesOrder,
  getReturnOrder,
  getStock,
  registerReturn,
  sendReturnToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { openingStock } from '../infra/local/demo/opening-stock.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import {
  deadLetters,
  exceptionsOn,
  expectNoDrift,
  expectNothingUnreported,
  invoicedLines,
  sentToOngoing,
} from './support/warehouse-truth.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('warehouse-returns', {
    ONGOING_SHIPMENT_POLL_MS: '300',
    MULTICASE_RETURN_POLL_MS: '1000',
  }));
  expect(await openingStock(env.db, env.api, env.control, 'MAIN', 30_000)).toBeGreaterThan(0);
}, 60_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

/** An order of coffee and socks, shipped and invoiced through flows 4 and 6. */
async function shippedOrder(): Promise<{ orderNumber: string; pickingListNumber: string }> {
  const { orderNumber } = await createSalesOrder(env.db, {
    customerNumber: 'C10002',
    shippingMethod: 'BRING-PIP',
    warehouseCode: 'MAIN',
    lines: [
      { productNumber: 'COFFEE-500', quantity: 3, unitPrice: 90 },
      { productNumber: 'WOOL-SOCK', quantity: 2, unitPrice: 100 },
    ],
  });
  const list = await sentToOngoing(env, orderNumber);
  await env.control.fulfilOrder({ orderNumber: list.pickingListNumber });
  await eventually(
    () => invoicedLines(env, orderNumber),
    (i) => i.length === 1,
    30_000,
    'the order invoiced',
  );
  return { orderNumber, pickingListNumber: list.pickingListNumber };
}

const returnsOf = (orderNumber: string) =>
  env
    .db('multicase.return_orders as r')
    .join('multicase.sales_orders as o', 'o.id', 'r.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('r.id')
    .select('r.return_number', 'r.status', 'r.reason');
const creditNotesOf = (returnNumber: string) =>
  env
    .db('multicase.credit_notes as c')
    .join('multicase.return_orders as r', 'r.id', 'c.return_order_id')
    .where('r.return_number', returnNumber)
    .select('c.amount_net');

async function expectTheWarehouseBooked(): Promise<void> {
  await expectNothingUnreported(env);
  expect(await deadLetters(env)).toEqual([]);
  await expectNoDrift(env);
}

describe('returns the warehouse registers itself', () => {
  it('on the outbound order: stock in, a Multicase return to settle, an exception; acknowledged in Ongoing', async () => {
    const { orderNumber, pickingListNumber } = await shippedOrder();
    const coffee = await getStock(env.db, 'COFFEE-500', 'MAIN');
    await env.control.returnOrderGoods({ orderNumber: pickingListNumber }, [
      { rowNumber: '1', numberOfItems: 2, returnCause: { code: 'DAMAGED', name: 'Damaged in transit' } },
    ]);

    const [raised] = await exceptionsOn(env, 'return_not_announced', (await waitForReturn(orderNumber)).return_number);
    expect(raised).toMatchObject({ product_number: 'COFFEE-500', quantity_booked: '2.000', stock_not_booked: '0.000' });
    expect(raised.reason).toContain(`took back 2 × COFFEE-500 on Ongoing order ${pickingListNumber}`);
    expect(await getStock(env.db, 'COFFEE-500', 'MAIN')).toBe(coffee + 2);
    const [ret] = await returnsOf(orderNumber);
    expect(ret).toMatchObject({ status: 'received' });
    const full = await getReturnOrder(env.db, ret!.return_number);
    expect(full!.lines.map((l) => [l.productNumber, l.quantity, l.quantityReceived, l.cause])).toEqual([
      ['COFFEE-500', 2, 2, 'DAMAGED Damaged in transit'],
    ]);
    // Acknowledged per line with exactly what was booked.
    const [inOngoing] = await env.api.getOrders({ orderNumber: pickingListNumber });
    expect(inOngoing!.orderLines[0]).toMatchObject({ returnedNumberOfItems: 2, reportedReturnedNumberOfItems: 2 });
    await expectTheWarehouseBooked();

    // The user settles it: closing credits the customer at the invoice's price.
    await closeReturn(env.db, ret!.return_number);
    expect(await creditNotesOf(ret!.return_number)).toEqual([{ amount_net: '180.00' }]);
  }, 120_000);

  it('on a return order the warehouse makes against the order: booked once, by the order line, with its number and comment', async () => {
    const { orderNumber, pickingListNumber } = await shippedOrder();
    const socks = await getStock(env.db, 'WOOL-SOCK', 'MAIN');
    await env.control.registerReturnOrder(
      { orderNumber: pickingListNumber },
      {
        returnOrderNumber: 'RO-77',
        comment: 'parcel refused by the customer',
        lines: [{ rowNumber: '2', numberOfItems: 2 }],
      },
    );
    const ret = await waitForReturn(orderNumber);
    expect(ret.reason).toContain('return order RO-77; parcel refused by the customer');
    await exceptionsOn(env, 'return_not_announced', ret.return_number);
    // Counted on the order line and on the return order: booked once.
    expect(await getStock(env.db, 'WOOL-SOCK', 'MAIN')).toBe(socks + 2);
    await expectTheWarehouseBooked();
  }, 120_000);

  it('goods a Multicase return announced, taken back on the order instead: put on that return, which is settled', async () => {
    const { orderNumber, pickingListNumber } = await shippedOrder();
    const announced = await registerReturn(env.db, orderNumber, [{ position: 1, quantity: 1 }]);
    await sendReturnToWarehouse(env.db, announced.returnNumber);
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: returnNumberInOngoing(announced.returnNumber) }),
      (p) => p.length === 1,
      20_000,
      "the return's inbound order in Ongoing",
    );
    const coffee = await getStock(env.db, 'COFFEE-500', 'MAIN');
    await env.control.returnOrderGoods({ orderNumber: pickingListNumber }, [{ rowNumber: '1', numberOfItems: 1 }]);

    const [raised] = await exceptionsOn(env, 'return_not_announced', announced.returnNumber);
    expect(raised.reason).toContain(`Put on announced return ${announced.returnNumber}`);
    expect(await getReturnOrder(env.db, announced.returnNumber)).toMatchObject({ status: 'received' });
    expect(await creditNotesOf(announced.returnNumber)).toEqual([{ amount_net: '90.00' }]);
    expect((await returnsOf(orderNumber)).map((r) => r.return_number)).toEqual([announced.returnNumber]);
    expect(await getStock(env.db, 'COFFEE-500', 'MAIN')).toBe(coffee + 1);
    await expectTheWarehouseBooked();
  }, 120_000);
});

/** The return the warehouse's return put in Multicase for the order. */
const waitForReturn = async (orderNumber: string) =>
  (
    await eventually(
      () => returnsOf(orderNumber),
      (r) => r.length > 0,
      30_000,
      `a return of ${orderNumber}`,
    )
  )[0]!;
