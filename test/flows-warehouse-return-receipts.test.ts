/**
 * Flow 7's receipt side when the warehouse receives what the return did not announce (issue 17),
 * end to end on the real stack: everything is booked into stock, only what was announced is
 * credited, the rest is an integration exception with a note in the return's and the order's
 * history. And returns have a key space of their own: a return and a purchase order with the same
 * number never overwrite each other, in Ongoing or in the id map. After each case Ongoing has
 * nothing left to report, no dead letter was written and the stock reconciliation finds no drift.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getOrderHistory,
  getPurchaseOrder,
  getReturnOrder,
  getStock,
  registerReturn,
  savePurchaseOrder,
  sendReturnToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { openingStock } from '../infra/local/demo/opening-stock.js';
import type { Pipeline } from '../pipeline/main.js';
import { readTableOnce } from '../pipeline/ops/read-table.js';
import { idMapKey, returnInOngoing, topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import {
  deadLetters,
  documentHistory,
  exceptionsOn,
  noDriftBeyondExceptions,
  nothingUnreported,
  shippedOrder,
  stockHistory,
} from './support/warehouse-facts.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('returns-facts', { ONGOING_SHIPMENT_POLL_MS: '300' }));
  await openingStock(env.db, env.api, env.control, 'MAIN', 30_000);
}, 120_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

const inOngoing = (returnNumber: string) => returnInOngoing(returnNumber, 'R-').purchaseOrderNumber;

/** An order shipped and invoiced, nothing of it left to report. */
async function shipped(): Promise<string> {
  const { orderNumber } = await shippedOrder(env);
  await nothingUnreported(env);
  return orderNumber;
}

async function sentReturn(orderNumber: string, lines: { position: number; quantity: number }[], returnNumber?: string) {
  const ret = await registerReturn(
    env.db,
    orderNumber,
    lines.map((l) => ({ ...l, handling: 'to_stock' as const })),
    returnNumber ? { returnNumber } : {},
  );
  await sendReturnToWarehouse(env.db, ret.returnNumber);
  await eventually(
    () => env.api.getPurchaseOrders({ purchaseOrderNumber: inOngoing(ret.returnNumber) }),
    (p) => p.length === 1,
    20_000,
    `return ${ret.returnNumber} in Ongoing`,
  );
  return ret.returnNumber;
}

const creditNoteLines = (returnNumber: string) =>
  env
    .db('multicase.credit_note_lines as l')
    .join('multicase.credit_notes as c', 'c.id', 'l.credit_note_id')
    .join('multicase.return_orders as r', 'r.id', 'c.return_order_id')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('r.return_number', returnNumber)
    .select('p.product_number', 'l.quantity')
    .then((rows: { product_number: string; quantity: string }[]) =>
      rows.map((r) => [r.product_number, Number(r.quantity)]),
    );

describe('what a return did not announce', () => {
  it('more than announced and another article: all into stock, only the announced credited, the rest raised', async () => {
    const orderNumber = await shipped();
    const [tents, coffee] = [await getStock(env.db, 'TENT-2P', 'MAIN'), await getStock(env.db, 'COFFEE-500', 'MAIN')];
    const returnNumber = await sentReturn(orderNumber, [{ position: 1, quantity: 2 }]);
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: inOngoing(returnNumber) }, [
      { rowNumber: '1', numberOfItems: 3 },
      { articleNumber: 'COFFEE-500', numberOfItems: 1 },
    ]);
    await eventually(
      () => creditNoteLines(returnNumber),
      (l) => l.length === 1,
      30_000,
      'the credit note',
    );
    expect(await creditNoteLines(returnNumber)).toEqual([['TENT-2P', 2]]);
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tents + 3);
    expect(await getStock(env.db, 'COFFEE-500', 'MAIN')).toBe(coffee + 1);
    expect((await stockHistory(env, 'COFFEE-500')).at(-1)).toEqual(['return', 1, returnNumber]);
    const ret = (await getReturnOrder(env.db, returnNumber))!;
    expect([ret.status, ret.lines.map((l) => [l.position, l.quantity, l.quantityReceived])]).toEqual([
      'received',
      [[1, 2, 2]],
    ]);
    const raised = await exceptionsOn(env, returnNumber);
    expect(raised.map((e) => [e.kind, e.quantity_expected, e.quantity_reported, e.quantity_booked])).toEqual([
      ['return_more_than_announced', 2, 3, 3],
      ['return_more_than_announced', 0, 1, 1],
    ]);
    expect(raised[0]!.reason).toBe(
      `Return ${returnNumber}: 3 × TENT-2P received on line 1, 2 announced: all booked into stock, 2 credited; 1 not credited.`,
    );
    const note = `Integration exception ${raised[1]!.id} (returned more than announced, or another article)`;
    expect((await documentHistory(env, { returnNumber })).join('\n')).toContain(note);
    expect((await getOrderHistory(env.db, orderNumber)).map((h) => h.text).join('\n')).toContain(note);
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 120_000);

  it('a return and a purchase order with the same number never overwrite each other, in Ongoing or in the id map', async () => {
    const orderNumber = await shipped();
    const number = '777001';
    const po = await savePurchaseOrder(env.db, {
      purchaseOrderNumber: number,
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'JACKET-M', quantityOrdered: 5 }],
    });
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: number }),
      (p) => p.length === 1,
      20_000,
      'the purchase order in Ongoing',
    );
    const returnNumber = await sentReturn(orderNumber, [{ position: 2, quantity: 1 }], number);
    expect(returnNumber).toBe(po.purchaseOrderNumber);

    const [ongoingPo] = await env.api.getPurchaseOrders({ purchaseOrderNumber: number });
    const [ongoingReturn] = await env.api.getPurchaseOrders({ purchaseOrderNumber: `R-${number}` });
    expect(ongoingPo!.purchaseOrderLines!.map((l) => [l.rowNumber, l.article?.articleNumber])).toEqual([
      ['1', 'JACKET-M'],
    ]);
    expect(ongoingReturn!.purchaseOrderLines!.map((l) => [l.rowNumber, l.article?.articleNumber])).toEqual([
      ['1', 'WOOL-SOCK'],
    ]);
    const idMap = await readTableOnce(env.rt, topics.idMap);
    expect(idMap.get(idMapKey('ongoing', 'purchaseOrder', number))?.externalId).toBe(
      String(ongoingPo!.purchaseOrderInfo.purchaseOrderId),
    );
    expect(idMap.get(idMapKey('ongoing', 'return', number))?.externalId).toBe(
      String(ongoingReturn!.purchaseOrderInfo.purchaseOrderId),
    );

    await env.control.receivePurchaseOrder({ purchaseOrderNumber: number });
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: `R-${number}` });
    await eventually(
      () => getReturnOrder(env.db, number),
      (r) => r!.status === 'received',
      30_000,
      'the return received',
    );
    await eventually(
      () => getPurchaseOrder(env.db, number),
      (p) => p!.status === 'received',
      30_000,
      'the PO received',
    );
    expect((await getPurchaseOrder(env.db, number))!.lines.map((l) => l.quantityReceived)).toEqual([5]);
    expect((await getReturnOrder(env.db, number))!.lines.map((l) => l.quantityReceived)).toEqual([1]);
    expect(await exceptionsOn(env, number)).toEqual([]);
    await nothingUnreported(env);
    expect(await deadLetters(env)).toEqual({});
    await noDriftBeyondExceptions(env);
  }, 120_000);
});
