/**
 * The small writes every Multicase sink needs inside its transaction: claiming an event id
 * (idempotency), allocating document numbers, booking stock with its history, and adding an
 * order-history entry. Each takes the caller's transaction and never opens its own.
 */
import type { Knex } from 'knex';

/**
 * Claims `eventId` for this transaction. Returns false when it was already applied (by a
 * committed transaction), in which case the caller must skip its effects. A concurrent claim of
 * the same id waits for the other transaction and then returns false if it committed.
 */
export async function recordAppliedEvent(trx: Knex.Transaction, eventId: string, topic: string): Promise<boolean> {
  const inserted = await trx('multicase.applied_events')
    .insert({ event_id: eventId, topic })
    .onConflict('event_id')
    .ignore()
    .returning('event_id');
  return inserted.length === 1;
}

/**
 * Multicase's document-number series: the sequence each is drawn from and its first number.
 * Multicase owns these sequences; sinks only allocate from them, so this is the contract the
 * sinks rely on (the local stand-in schema creates the sequences from this same list).
 */
export const NUMBER_SERIES = {
  sales_order: { sequence: 'sales_order_number_seq', start: 100001 },
  purchase_order: { sequence: 'purchase_order_number_seq', start: 200001 },
  picking_list: { sequence: 'picking_list_number_seq', start: 300001 },
  return_order: { sequence: 'return_number_seq', start: 400001 },
  invoice: { sequence: 'invoice_number_seq', start: 500001 },
  packing_slip: { sequence: 'packing_slip_number_seq', start: 600001 },
  credit_note: { sequence: 'credit_note_number_seq', start: 700001 },
} as const;

export type NumberSeries = keyof typeof NUMBER_SERIES;

/**
 * The next number of a document series ('500001', …). Sequences never hand out a number twice,
 * even to concurrent transactions, but a rolled-back transaction leaves a gap.
 */
export async function allocateNumber(db: Knex, series: NumberSeries): Promise<string> {
  const seq = NUMBER_SERIES[series].sequence;
  const result = await db.raw(`SELECT nextval('multicase.${seq}')::text AS n`);
  return (result.rows[0] as { n: string }).n;
}

export type StockKind = 'receipt' | 'shipment' | 'return' | 'adjustment' | 'correction';

export interface StockChange {
  productId: number;
  warehouseId: number;
  /** Signed, non-zero: + for receipts and returns, - for shipments. */
  quantityChange: number;
  kind: StockKind;
  /** The business document: PO number, order number, return number, Ongoing inventory id. */
  reference: string | null;
  cause?: string | null;
  eventId?: string | null;
}

/**
 * Changes stock and writes the stock-history row in one call (multicase.book_stock_change);
 * returns the new balance. Throws a check_violation (SQLSTATE 23514) naming the product and
 * warehouse when the balance would go negative or the product is a service item.
 */
export async function bookStockChange(db: Knex, change: StockChange): Promise<number> {
  const result = await db.raw('SELECT multicase.book_stock_change(?, ?, ?, ?, ?, ?, ?)::text AS balance', [
    change.productId,
    change.warehouseId,
    change.quantityChange,
    change.kind,
    change.reference,
    change.cause ?? null,
    change.eventId ?? null,
  ]);
  return Number((result.rows[0] as { balance: string }).balance);
}

/** An amount in the document currency, rounded to cents. */
export const money = (n: number): number => Math.round(n * 100) / 100;

/** Stock is kept to three decimals in Multicase; so is every sum of quantities, against float noise (+ 0 turns -0 into 0). */
export const qty = (n: number): number => Math.round(n * 1000) / 1000 + 0;

/** Net amount and VAT of an invoice's or a credit note's lines, each line's VAT at its own rate. */
export function documentTotals(lines: readonly { line_amount: number; vat_rate: number }[]): {
  net: number;
  vat: number;
} {
  return {
    net: money(lines.reduce((sum, l) => sum + l.line_amount, 0)),
    vat: money(lines.reduce((sum, l) => sum + (l.line_amount * l.vat_rate) / 100, 0)),
  };
}

export type OrderHistoryType =
  'sent_to_warehouse' | 'shipped' | 'tracking' | 'invoiced' | 'returned' | 'credited' | 'note';

export async function addOrderHistory(
  db: Knex,
  entry: { salesOrderId: number; type: OrderHistoryType; text: string; link?: string | null; eventId?: string | null },
): Promise<void> {
  await db('multicase.order_history').insert({
    sales_order_id: entry.salesOrderId,
    entry_type: entry.type,
    text: entry.text,
    link: entry.link ?? null,
    event_id: entry.eventId ?? null,
  });
}
