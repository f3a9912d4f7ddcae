/**
 * What Multicase has booked for the warehouse's documents, for the stock reconciliation
 * (`ops reconcile`, pipeline/ops/reconcile-in-flight.ts): one read per flow, each per document and
 * article, in the warehouse the warehouse system runs. All of them run in one snapshot.
 */
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { quantity, readRows, text } from './columns.js';
import { onHandStock } from './stock.js';
import type { Quantity } from './values.js';

export { onHandStock };

// Documents are matched with = ANY(array): one bind parameter however many there are.

/** A quantity booked for one document (its number, or the reference the stock history names) and article. */
export interface BookedQuantity {
  document: string;
  article: string;
  quantity: Quantity;
}

const BOOKED = { document: text, article: text, quantity };

/** Runs `read` in one repeatable-read, read-only transaction: every read sees the same moment. */
export function inSnapshot<T>(db: MulticaseDb, read: (trx: MulticaseTransaction) => Promise<T>): Promise<T> {
  return db.transaction(read, { isolationLevel: 'repeatable read', readOnly: true });
}

/** Flow 3: received on the purchase orders' lines. */
export async function receivedOnPurchaseOrders(
  trx: MulticaseTransaction,
  warehouse: string,
  purchaseOrderNumbers: string[],
): Promise<BookedQuantity[]> {
  return readRows(
    BOOKED,
    await trx('multicase.purchase_order_lines as l')
      .join('multicase.purchase_orders as po', 'po.id', 'l.purchase_order_id')
      .join('multicase.warehouses as w', 'w.id', 'po.warehouse_id')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('w.code', warehouse)
      .whereRaw('po.purchase_order_number = ANY(?)', [purchaseOrderNumbers])
      .groupBy('po.purchase_order_number', 'p.product_number')
      .select(
        'po.purchase_order_number as document',
        'p.product_number as article',
        trx.raw('sum(l.quantity_received) AS quantity'),
      ),
  );
}

/** Flow 6: delivered (stocked products only) on the picking lists, as positive quantities. */
export async function deliveredOnPickingLists(
  trx: MulticaseTransaction,
  warehouse: string,
  pickingListNumbers: string[],
): Promise<BookedQuantity[]> {
  return readRows(
    BOOKED,
    await trx('multicase.delivery_lines as dl')
      .join('multicase.deliveries as d', 'd.id', 'dl.delivery_id')
      .join('multicase.picking_lists as pl', 'pl.id', 'd.picking_list_id')
      .join('multicase.sales_orders as o', 'o.id', 'd.sales_order_id')
      .join('multicase.warehouses as w', 'w.id', 'o.warehouse_id')
      .join('multicase.sales_order_lines as l', 'l.id', 'dl.sales_order_line_id')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where({ 'w.code': warehouse, 'p.is_service': false })
      .whereRaw('pl.picking_list_number = ANY(?)', [pickingListNumbers])
      .groupBy('pl.picking_list_number', 'p.product_number')
      .select(
        'pl.picking_list_number as document',
        'p.product_number as article',
        trx.raw('sum(dl.quantity) AS quantity'),
      ),
  );
}

/**
 * Flow 8: booked as adjustments under the warehouse's references. An adjustment whose rest was
 * raised as an exception (exceptions.ts) is listed too, with 0 when nothing of it was booked,
 * so that it counts as handled.
 */
export async function adjustmentsHandled(
  trx: MulticaseTransaction,
  warehouse: string,
  references: string[],
): Promise<BookedQuantity[]> {
  const booked = await stockBookedUnder(trx, warehouse, references, ['adjustment']);
  const recorded = readRows(
    BOOKED,
    await trx('multicase.integration_exceptions as d')
      .join('multicase.warehouses as w', 'w.id', 'd.warehouse_id')
      .join('multicase.products as p', 'p.id', 'd.product_id')
      .where({ 'w.code': warehouse, 'd.document_type': 'inventory_adjustment' })
      .whereRaw('d.document_number = ANY(?)', [references])
      .distinct('d.document_number as document', 'p.product_number as article', trx.raw('0 AS quantity')),
  );
  return [...booked, ...recorded];
}

/**
 * Flow 7: the stock booked for the returns (kind 'return', or 'correction' when the warehouse
 * lowered a received quantity), referenced by the return number. Stock history rather than the
 * return lines: lines handled in Multicase only are received there without touching stock.
 */
export function returnsBooked(
  trx: MulticaseTransaction,
  warehouse: string,
  returnNumbers: string[],
): Promise<BookedQuantity[]> {
  return stockBookedUnder(trx, warehouse, returnNumbers, ['return', 'correction']);
}

async function stockBookedUnder(
  trx: MulticaseTransaction,
  warehouse: string,
  references: string[],
  kinds: string[],
): Promise<BookedQuantity[]> {
  return readRows(
    BOOKED,
    await trx('multicase.stock_transactions as t')
      .join('multicase.warehouses as w', 'w.id', 't.warehouse_id')
      .join('multicase.products as p', 'p.id', 't.product_id')
      .where('w.code', warehouse)
      .whereIn('t.kind', kinds)
      .whereRaw('t.reference = ANY(?)', [references])
      .groupBy('t.reference', 'p.product_number')
      .select('t.reference as document', 'p.product_number as article', trx.raw('sum(t.quantity_change) AS quantity')),
  );
}
