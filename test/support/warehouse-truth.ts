/**
 * What the end-to-end tests of issue 17 check after the warehouse did something Multicase's
 * documents did not expect: Ongoing has nothing left to report, no dead letter was written, the
 * stock check finds no drift, and the exceptions raised; plus the common way an order reaches the
 * warehouse.
 */
import { expect } from 'vitest';
import { sendOrderToWarehouse, type PickingList } from '../../infra/local/multicase-db/actions.js';
import { reconcileStock } from '../../pipeline/ops/reconcile.js';
import type { StockReport } from '../../pipeline/ops/reconcile-diff.js';
import { eventually, type TestEnvironment } from './environment.js';
import { deadLettersOf } from './ledgers.js';

/** Orders with picked or returned quantities Ongoing still offers to report: none once all is booked. */
export async function unreportedInOngoing(env: TestEnvironment): Promise<string[]> {
  const picked = await env.api.getOrders({ onlyOrdersWithOrderLinesToReport: true });
  const returned = await env.api.getOrders({ onlyOrdersWithOrderLinesToReportReturned: true });
  return [
    ...picked.map((o) => `picked on ${o.orderInfo.orderNumber}`),
    ...returned.map((o) => `returned on ${o.orderInfo.orderNumber}`),
  ];
}

export async function expectNothingUnreported(env: TestEnvironment): Promise<void> {
  await eventually(
    () => unreportedInOngoing(env),
    (left) => left.length === 0,
    30_000,
    'nothing left to report in Ongoing',
  );
}

/** The dead letters of the test's namespace, one line each (expected: none, or those named). */
export const deadLetters = (env: TestEnvironment): Promise<string[]> => deadLettersOf(env);

/** `ops reconcile` until nothing is in flight; the report then. */
export async function settledStockCheck(env: TestEnvironment): Promise<StockReport> {
  return eventually(
    () => reconcileStock({ ongoing: env.api, db: env.db, warehouse: 'MAIN' }, { maxPasses: 1 }),
    (r) => r.withInFlight === 0,
    30_000,
    'the stock check with nothing in flight',
  );
}

export async function expectNoDrift(env: TestEnvironment): Promise<void> {
  const report = await settledStockCheck(env);
  expect(report.articles.filter((a) => a.drift !== 0)).toEqual([]);
}

/** The integration exceptions raised so far, oldest first. */
export const exceptionsRaised = (env: TestEnvironment) =>
  env
    .db('multicase.integration_exceptions as e')
    .leftJoin('multicase.products as p', 'p.id', 'e.product_id')
    .orderBy('e.id')
    .select('e.*', 'p.product_number');

/** The exceptions of `kind` naming `document`, once there are `count` of them. */
export const exceptionsOn = (env: TestEnvironment, kind: string, document: string, count = 1) =>
  eventually(
    async () => (await exceptionsRaised(env)).filter((e) => e.kind === kind && e.document_number === document),
    (found) => found.length >= count,
    30_000,
    `${count} ${kind} on ${document}`,
  );

/** Sends the order to the warehouse and waits until Ongoing has it. */
export async function sentToOngoing(env: TestEnvironment, orderNumber: string): Promise<PickingList> {
  const list = await sendOrderToWarehouse(env.db, orderNumber, undefined, { allocate: true });
  await eventually(
    () => env.api.getOrders({ orderNumber: list.pickingListNumber }),
    (o) => o.length === 1,
    20_000,
    `picking list ${list.pickingListNumber} in Ongoing`,
  );
  return list;
}

/** The invoices of an order, each as its [article, quantity] lines. */
export async function invoicedLines(env: TestEnvironment, orderNumber: string): Promise<[string, number][][]> {
  const invoices: { id: number }[] = await env
    .db('multicase.invoices as i')
    .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('i.id')
    .select('i.id');
  return Promise.all(
    invoices.map(async (i) =>
      (
        await env
          .db('multicase.invoice_lines as l')
          .join('multicase.products as p', 'p.id', 'l.product_id')
          .where('l.invoice_id', i.id)
          .orderBy('l.position')
          .select('p.product_number', 'l.quantity')
      ).map((l: { product_number: string; quantity: string }) => [l.product_number, Number(l.quantity)]),
    ),
  );
}
