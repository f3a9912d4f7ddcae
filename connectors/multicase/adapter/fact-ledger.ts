/**
 * What the integration has booked per warehouse line. The warehouse reports cumulative totals per
 * line of its own documents (received so far on a purchase-order line, picked so far on an order
 * line, adjusted so far per inventory and article); the booking is the difference to what this
 * ledger says was accounted for (booked, or raised as an exception), not to a Multicase document's
 * columns, which a hand-made purchase order, a row not on the order or an unknown order do not
 * have. The row is read under a lock and updated in the booking's transaction, so a repeat books
 * nothing and every later report books its own difference.
 *
 * A line the ledger has never seen starts at `seed`: what Multicase's document already holds for
 * it (a purchase-order line's received quantity), so that documents booked before the ledger
 * existed are not booked twice.
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst, readRows } from './columns.js';
import { tables } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

/** What the warehouse reported: goods received on a purchase order, a return received, goods shipped, a stock adjustment. */
export type FactKind = 'receipt' | 'return' | 'shipment' | 'adjustment' | (string & {});

export interface WarehouseLine {
  kind: FactKind;
  /** The warehouse's document: its id (an Ongoing purchase order or order id, an inventory id). */
  documentId: string | number;
  /** The line within it: an Ongoing line id, or an article. */
  lineKey: string | number;
  /** The warehouse's number of the document, as the stock check names it. */
  documentNumber: string;
  productId?: number | null;
}

const keyOf = (line: WarehouseLine) => ({
  fact_kind: line.kind,
  document_id: String(line.documentId),
  line_key: String(line.lineKey),
});

/**
 * Locks the line's ledger row (creating it at `seed`) and returns what was accounted for so far,
 * and the difference `reportedTotal` makes, both rounded to Multicase's precision.
 */
export async function lineDelta(
  trx: MulticaseTransaction,
  line: WarehouseLine,
  reportedTotal: Quantity,
  seed: Quantity = 0,
): Promise<{ accounted: Quantity; delta: Quantity }> {
  await trx('multicase.warehouse_fact_ledger')
    .insert({
      ...keyOf(line),
      document_number: line.documentNumber,
      product_id: line.productId ?? null,
      booked_total: roundQuantity(seed),
    })
    .onConflict(['fact_kind', 'document_id', 'line_key'])
    .ignore();
  const row = readFirst(
    pick(tables.warehouse_fact_ledger, 'booked_total'),
    await trx('multicase.warehouse_fact_ledger').where(keyOf(line)).forUpdate().first('booked_total'),
  )!;
  return { accounted: row.booked_total, delta: roundQuantity(reportedTotal - row.booked_total) };
}

/** Records that the line's total up to `total` is accounted for (after its booking, in the same transaction). */
export async function accountFor(
  trx: MulticaseTransaction,
  line: WarehouseLine,
  total: Quantity,
  eventId: string,
): Promise<void> {
  await trx('multicase.warehouse_fact_ledger')
    .where(keyOf(line))
    .update({
      booked_total: roundQuantity(total),
      document_number: line.documentNumber,
      product_id: line.productId ?? null,
      event_id: eventId,
      updated_at: trx.fn.now(),
    });
}

/** What the ledger holds of one fact kind for the warehouse's documents, per document number and article. */
export async function accountedPerDocument(
  trx: MulticaseTransaction,
  kind: FactKind,
  documentNumbers: string[],
): Promise<{ document: string; article: string; quantity: Quantity }[]> {
  return readRows(
    {
      document: tables.warehouse_fact_ledger.document_number,
      article: tables.products.product_number,
      quantity: tables.warehouse_fact_ledger.booked_total,
    },
    await trx('multicase.warehouse_fact_ledger as f')
      .join('multicase.products as p', 'p.id', 'f.product_id')
      .where('f.fact_kind', kind)
      .whereRaw('f.document_number = ANY(?)', [documentNumbers])
      .groupBy('f.document_number', 'p.product_number')
      .select(
        'f.document_number as document',
        'p.product_number as article',
        trx.raw('sum(f.booked_total) AS quantity'),
      ),
  );
}
