/**
 * What every end-to-end test of a warehouse fact (issue 17) checks after the warehouse did it: the
 * integration exceptions raised and the notes in the documents' histories, that Ongoing has nothing
 * left to report, that no dead letter was written, and that the stock reconciliation finds no drift
 * beyond what the open exceptions explain.
 */
import { expect } from 'vitest';
import { createSalesOrder, sendOrderToWarehouse } from '../../infra/local/multicase-db/actions.js';
import { reconcileStock } from '../../pipeline/ops/reconcile.js';
import type { StockReport } from '../../pipeline/ops/reconcile-diff.js';
import { eventually, type TestEnvironment } from './environment.js';

export interface ExceptionRow {
  id: number;
  kind: string;
  status: string;
  document_type: string;
  document_number: string;
  quantity_expected: number | null;
  quantity_reported: number | null;
  quantity_booked: number | null;
  stock_not_booked: number;
  reason: string;
  details: Record<string, unknown>;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The exceptions filed under a document (its number), oldest first. */
export async function exceptionsOn(env: TestEnvironment, documentNumber: string): Promise<ExceptionRow[]> {
  const rows: Record<string, unknown>[] = await env
    .db('multicase.integration_exceptions')
    .where('document_number', documentNumber)
    .orderBy('id');
  return rows.map((r) => ({
    ...(r as unknown as ExceptionRow),
    id: Number(r.id),
    quantity_expected: num(r.quantity_expected),
    quantity_reported: num(r.quantity_reported),
    quantity_booked: num(r.quantity_booked),
    stock_not_booked: Number(r.stock_not_booked),
  }));
}

/** The notes in a purchase order's or a return's history. */
export async function documentHistory(
  env: TestEnvironment,
  document: { purchaseOrderNumber: string } | { returnNumber: string },
): Promise<string[]> {
  const q = env.db('multicase.document_history as h').orderBy('h.id');
  if ('purchaseOrderNumber' in document)
    q.join('multicase.purchase_orders as d', 'd.id', 'h.purchase_order_id').where(
      'd.purchase_order_number',
      document.purchaseOrderNumber,
    );
  else
    q.join('multicase.return_orders as d', 'd.id', 'h.return_order_id').where('d.return_number', document.returnNumber);
  return (await q.select('h.text')).map((r: { text: string }) => r.text);
}

/** A product's stock history in the integrated warehouse: [kind, change, reference]. */
export async function stockHistory(env: TestEnvironment, productNumber: string): Promise<[string, number, string][]> {
  const rows: { kind: string; quantity_change: string; reference: string }[] = await env
    .db('multicase.stock_transactions as t')
    .join('multicase.products as p', 'p.id', 't.product_id')
    .join('multicase.warehouses as w', 'w.id', 't.warehouse_id')
    .where({ 'p.product_number': productNumber, 'w.code': 'MAIN' })
    .orderBy('t.id')
    .select('t.kind', 't.quantity_change', 't.reference');
  return rows.map((r) => [r.kind, Number(r.quantity_change), r.reference]);
}

/** Records on every dead-letter topic of the test's namespace, per topic (topics without any left out). */
export async function deadLetters(env: TestEnvironment): Promise<Record<string, number>> {
  const admin = await env.rt.kafka.admin();
  try {
    // The admin works within the namespace: names come without its prefix.
    const dlqs = (await admin.listTopics()).filter((t) => t.startsWith('dlq.'));
    const out: Record<string, number> = {};
    for (const t of dlqs) {
      const n = (await admin.endOffsets(t)).reduce((s, p) => s + Number(p.offset), 0);
      if (n > 0) out[t] = n;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Ongoing has nothing left to report: purchase orders, orders and inventory adjustments. */
export function nothingUnreported(env: TestEnvironment, timeoutMs = 30_000) {
  return eventually(
    async () => ({
      purchaseOrders: (await env.api.getPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true })).map(
        (p) => p.purchaseOrderInfo.purchaseOrderNumber,
      ),
      orders: (await env.api.getOrders({ onlyOrdersWithOrderLinesToReport: true })).map((o) => o.orderInfo.orderNumber),
      adjustments: (await env.api.getInventoryAdjustments({ isReported: false })).length,
    }),
    (r) => r.purchaseOrders.length === 0 && r.orders.length === 0 && r.adjustments === 0,
    timeoutMs,
    'nothing left unreported in Ongoing',
  );
}

/** The stock reconciliation finds no drift: every difference is in flight (none, once settled) or explained by open exceptions. */
export async function noDriftBeyondExceptions(env: TestEnvironment): Promise<StockReport> {
  const report = await eventually(
    () => reconcileStock({ ongoing: env.api, db: env.db, warehouse: 'MAIN' }, { settleMs: 200 }),
    (r) => r.drifted === 0 && r.withInFlight === 0,
    30_000,
    'a stock reconciliation without drift or anything in flight',
  );
  expect(report.articles.filter((a) => a.drift !== 0)).toEqual([]);
  return report;
}

/** The explained column of the reconciliation, per article (only where it is not 0). */
export const explained = (report: StockReport): Record<string, number> =>
  Object.fromEntries(report.articles.filter((a) => a.explained !== 0).map((a) => [a.article, a.explained]));

/** An order of 3 tents and 4 pairs of socks, sent, picked, shipped and invoiced through flows 4 and 6. */
export async function shippedOrder(env: TestEnvironment): Promise<{ orderNumber: string; invoiceId: number }> {
  const order = await createSalesOrder(env.db, {
    customerNumber: 'C10002',
    shippingMethod: 'BRING-PIP',
    warehouseCode: 'MAIN',
    lines: [
      { productNumber: 'TENT-2P', quantity: 3, unitPrice: 2000 },
      { productNumber: 'WOOL-SOCK', quantity: 4, unitPrice: 100 },
    ],
  });
  const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
  await eventually(
    () => env.api.getOrders({ orderNumber: picking.pickingListNumber }),
    (o) => o.length === 1,
    20_000,
    'order in Ongoing',
  );
  await env.control.fulfilOrder({ orderNumber: picking.pickingListNumber });
  const [invoice] = await eventually(
    () =>
      env
        .db('multicase.invoices as i')
        .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
        .where('o.order_number', order.orderNumber)
        .select('i.id'),
    (i) => i.length === 1,
    30_000,
    'the invoice',
  );
  return { orderNumber: order.orderNumber, invoiceId: (invoice as { id: number }).id };
}
