/**
 * What Multicase has booked for the warehouse's documents, for the stock reconciliation
 * (`ops reconcile`, pipeline/ops/reconcile-in-flight.ts): one read per flow, each per document and
 * article, in the warehouse the warehouse system runs. All of them run in one snapshot.
 *
 * The Ongoing flows read the fact ledger (fact-ledger.ts): what the integration accounted for per
 * warehouse document, booked or raised as an exception (whose stock it did not book the
 * reconciliation shows apart, from the open exceptions). A document booked before the ledger
 * existed is read from the Multicase documents, as before.
 */
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { quantity, readRows, text } from './columns.js';
import { accountedPerDocument, type FactKind } from './fact-ledger.js';
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

/** The ledger's figures for the documents it has, and `before` (the pre-ledger read) for the others. */
async function ledgerOrBefore(
  trx: MulticaseTransaction,
  kinds: FactKind[],
  documents: string[],
  before: (documents: string[]) => Promise<BookedQuantity[]>,
): Promise<BookedQuantity[]> {
  const inLedger = (await Promise.all(kinds.map((k) => accountedPerDocument(trx, k, documents)))).flat();
  const known = new Set(inLedger.map((d) => d.document));
  const rest = documents.filter((d) => !known.has(d));
  return [...inLedger, ...(rest.length > 0 ? await before(rest) : [])];
}

/** Flows 3 and 7: what was accounted for of the goods received on the warehouse's purchase orders (a return's too). */
export function receivedOnWarehousePurchaseOrders(
  trx: MulticaseTransaction,
  warehouse: string,
  ongoingNumbers: string[],
  before: (documents: string[]) => Promise<BookedQuantity[]>,
): Promise<BookedQuantity[]> {
  return ledgerOrBefore(trx, ['receipt', 'return'], ongoingNumbers, before);
}

/** Flow 3 before the ledger: received on the purchase orders' lines. */
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
 * Flow 8: accounted for under the warehouse's references: the ledger; before it, booked as
 * adjustments plus what an exception says was not booked.
 */
export function adjustmentsHandled(
  trx: MulticaseTransaction,
  warehouse: string,
  references: string[],
): Promise<BookedQuantity[]> {
  return ledgerOrBefore(trx, ['adjustment'], references, async (rest) => {
    const booked = await stockBookedUnder(trx, warehouse, rest, ['adjustment']);
    const notBooked = readRows(
      BOOKED,
      await trx('multicase.integration_exceptions as d')
        .join('multicase.warehouses as w', 'w.id', 'd.warehouse_id')
        .join('multicase.products as p', 'p.id', 'd.product_id')
        .where({ 'w.code': warehouse, 'd.document_type': 'inventory_adjustment' })
        .whereRaw('d.document_number = ANY(?)', [rest])
        .groupBy('d.document_number', 'p.product_number')
        .select(
          'd.document_number as document',
          'p.product_number as article',
          trx.raw('sum(d.stock_not_booked) AS quantity'),
        ),
    );
    return [...booked, ...notBooked];
  });
}

/**
 * Flow 7 before the ledger: the stock booked for the returns (kind 'return', or 'correction' when
 * the warehouse lowered a received quantity), referenced by the return number. Stock history rather
 * than the return lines: lines handled in Multicase only are received there without touching stock.
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
