/**
 * Flow 7 end to end on the real stack: a customer return registered in Multicase against shipped
 * and invoiced lines goes to Ongoing as a purchase order marked as a return (only the lines to be
 * placed in stock, the customer as sender); what the warehouse receives comes back into Multicase
 * stock with history naming the return; a complete return is settled with a credit note at the
 * invoice's prices, a replace settlement with none, a closed one credits only what arrived. A
 * replayed booking creates no second credit note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeReturn,
  getReturnOrder,
  getStock,
  registerReturn,
  sendReturnToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { readRecords } from './support/kafka.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import { shippedOrder } from './support/warehouse-facts.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('returns', {
    ONGOING_SHIPMENT_POLL_MS: '300',
    MULTICASE_RETURN_POLL_MS: '2000',
  }));
});

afterAll(() => stopRunningPipeline({ env, pipeline }));

const creditNotesOf = (returnNumber: string) =>
  env
    .db('multicase.credit_notes as c')
    .join('multicase.return_orders as r', 'r.id', 'c.return_order_id')
    .where('r.return_number', returnNumber)
    .orderBy('c.id')
    .select('c.id', 'c.invoice_id', 'c.amount_net', 'c.vat_amount');
const creditLines = (creditNoteId: number) =>
  env
    .db('multicase.credit_note_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.credit_note_id', creditNoteId)
    .orderBy('l.position')
    .select('p.product_number', 'l.quantity', 'l.unit_price', 'l.vat_rate');
const returnHistory = (returnNumber: string) =>
  env
    .db('multicase.stock_transactions as t')
    .join('multicase.products as p', 'p.id', 't.product_id')
    .where('t.reference', returnNumber)
    .orderBy('t.id')
    .select('p.product_number', 't.quantity_change', 't.kind');
/** A return's number in Ongoing: the return number with ONGOING_RETURN_NUMBER_PREFIX (default R-). */
const ongoingNumber = (returnNumber: string) => `R-${returnNumber}`;
const returnInOngoing = (returnNumber: string) =>
  env.api.getPurchaseOrders({ purchaseOrderNumber: ongoingNumber(returnNumber) }).then((p) => p[0]);

async function receive(returnNumber: string, rowNumber: string, numberOfItems: number): Promise<void> {
  await env.control.receivePurchaseOrder({ purchaseOrderNumber: ongoingNumber(returnNumber) }, [
    { rowNumber, numberOfItems },
  ]);
}

describe('customer returns', () => {
  it('goes to Ongoing as a return receipt; partly received, then completed: stock rises by what arrived, the credit note covers received and scrapped lines at the invoice prices', async () => {
    const { orderNumber, invoiceId } = await shippedOrder(env);
    const tentsBefore = await getStock(env.db, 'TENT-2P', 'MAIN');
    const socksBefore = await getStock(env.db, 'WOOL-SOCK', 'MAIN');
    const ret = await registerReturn(
      env.db,
      orderNumber,
      [
        { position: 1, quantity: 2, cause: 'too heavy', handling: 'to_stock' },
        { position: 2, quantity: 1, cause: 'torn', handling: 'scrap' },
      ],
      { reason: 'changed mind', settlement: 'credit' },
    );
    await sendReturnToWarehouse(env.db, ret.returnNumber);

    const po = await eventually(
      () => returnInOngoing(ret.returnNumber),
      (p) => p !== undefined,
      20_000,
      'the return in Ongoing',
    );
    expect(po!.purchaseOrderInfo.advanced?.purchaseOrderIsReturnType).toBe(true);
    expect((po as unknown as { supplierInfo: unknown }).supplierInfo).toMatchObject({
      supplierNumber: 'C10002',
      supplierName: 'Ola Hansen',
    });
    // The scrapped socks never go to the warehouse.
    expect(po!.purchaseOrderLines!.map((l) => [l.rowNumber, l.article?.articleNumber, l.advisedNumberOfItems])).toEqual(
      [['1', 'TENT-2P', 2]],
    );

    await receive(ret.returnNumber, '1', 1);
    await eventually(
      () => getReturnOrder(env.db, ret.returnNumber),
      (r) => r?.status === 'partly_received',
      20_000,
      'partly received in Multicase',
    );
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tentsBefore + 1);
    expect(await creditNotesOf(ret.returnNumber)).toEqual([]);

    await receive(ret.returnNumber, '1', 1);
    const [note] = await eventually(
      () => creditNotesOf(ret.returnNumber),
      (c) => c.length === 1,
      20_000,
      'the credit note',
    );
    expect(note!.invoice_id).toBe(invoiceId);
    expect(
      (await creditLines(note!.id as number)).map((l) => [
        l.product_number,
        Number(l.quantity),
        Number(l.unit_price),
        Number(l.vat_rate),
      ]),
    ).toEqual([
      ['TENT-2P', 2, 2000, 25],
      ['WOOL-SOCK', 1, 100, 25],
    ]);
    expect(Number(note!.amount_net)).toBe(4100);
    expect(Number(note!.vat_amount)).toBeCloseTo(1025, 2);
    expect((await getReturnOrder(env.db, ret.returnNumber))!.status).toBe('received');
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tentsBefore + 2);
    expect(await getStock(env.db, 'WOOL-SOCK', 'MAIN')).toBe(socksBefore);
    expect(
      (await returnHistory(ret.returnNumber)).map((h) => [h.product_number, Number(h.quantity_change), h.kind]),
    ).toEqual([
      ['TENT-2P', 1, 'return'],
      ['TENT-2P', 1, 'return'],
    ]);

    // A replay of the booking commands changes nothing: no second credit note, no stock movement.
    const bookings = (await readRecords(env.rt, topics.returnBook.name, 2)).filter(
      (r) => r.key === ongoingNumber(ret.returnNumber),
    );
    expect(bookings.length).toBeGreaterThan(0);
    const producer = await env.rt.producer();
    await producer.send(bookings.map((b) => ({ topic: b.topic, key: b.key, value: b.value })));
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await creditNotesOf(ret.returnNumber)).toHaveLength(1);
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(tentsBefore + 2);
  }, 120_000);

  it('a replace settlement creates no credit note; a return closed by the user credits only what arrived', async () => {
    const { orderNumber } = await shippedOrder(env);
    const replaced = await registerReturn(env.db, orderNumber, [{ position: 2, quantity: 1, handling: 'to_stock' }], {
      settlement: 'replace',
    });
    await sendReturnToWarehouse(env.db, replaced.returnNumber);
    await eventually(
      () => returnInOngoing(replaced.returnNumber),
      (p) => p !== undefined,
      20_000,
      'the replace return in Ongoing',
    );
    await receive(replaced.returnNumber, '1', 1);
    await eventually(
      () => getReturnOrder(env.db, replaced.returnNumber),
      (r) => r?.status === 'received',
      20_000,
      'received in Multicase',
    );

    const closed = await registerReturn(env.db, orderNumber, [{ position: 1, quantity: 3, handling: 'to_stock' }], {
      settlement: 'credit',
    });
    await sendReturnToWarehouse(env.db, closed.returnNumber);
    await eventually(
      () => returnInOngoing(closed.returnNumber),
      (p) => p !== undefined,
      20_000,
      'the second return in Ongoing',
    );
    await receive(closed.returnNumber, '1', 1);
    await eventually(
      () => getReturnOrder(env.db, closed.returnNumber),
      (r) => r?.status === 'partly_received',
      20_000,
      'partly received',
    );
    const numbers = await closeReturn(env.db, closed.returnNumber);
    expect(numbers).toHaveLength(1);

    expect(await creditNotesOf(replaced.returnNumber)).toEqual([]);
    const [note] = await creditNotesOf(closed.returnNumber);
    expect((await creditLines(note!.id as number)).map((l) => [l.product_number, Number(l.quantity)])).toEqual([
      ['TENT-2P', 1],
    ]);
    expect(Number(note!.amount_net)).toBe(2000);
  }, 120_000);
});
