/**
 * What goods receipts and return receipts share: the warehouse's report (cumulative totals per
 * warehouse line, rounded to Multicase's precision where the command is read), each line's ledger
 * entry (fact-ledger.ts), a change of stock booked whichever way it goes (a fall in full, through
 * stock-falls.ts), and the unplanned receipt: goods on a purchase order the integration did not
 * create, booked into the integrated warehouse with an exception instead of refused.
 */
import { ConfigurationFault } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta, type WarehouseLine } from './fact-ledger.js';
import { bookStockFall, raiseForFall, type FallContext } from './stock-falls.js';
import { bookStockMovement } from './stock.js';
import { tables } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

export interface ReceivedLine {
  /** The Multicase line the row number names (a purchase-order position, a return line); null: none. */
  position: number | null;
  /** Ongoing's row number: the warehouse line. */
  rowNumber: string | null;
  productNumber: string;
  totalReceived: Quantity;
}

/** Goods received on an Ongoing purchase order (a goods receipt, or a customer return). */
export interface WarehouseReceipt {
  /** The Ongoing purchase order's number. */
  ongoingNumber: string;
  ongoingPurchaseOrderId: number;
  /** Why the purchase order is not one the integration created; null: ours. */
  notOurs: string | null;
  /** The Multicase warehouse Ongoing runs, where an unplanned receipt is booked. */
  warehouseCode: string | null;
  lines: readonly ReceivedLine[];
}

export const roundedLines = <L extends { totalReceived: Quantity }>(lines: readonly L[]): L[] =>
  lines.map((l) => ({ ...l, totalReceived: roundQuantity(l.totalReceived) }));

/** A receipt line's entry in the fact ledger: the Ongoing purchase order and its row. */
export const ledgerLineOf = (
  kind: 'receipt' | 'return',
  r: WarehouseReceipt,
  l: ReceivedLine,
  productId: number | null,
): WarehouseLine => ({
  kind,
  documentId: r.ongoingPurchaseOrderId,
  // Commands from before row numbers were carried name the row by its position (the same text).
  lineKey: l.rowNumber ?? String(l.position ?? '?'),
  documentNumber: r.ongoingNumber,
  productId,
});

/** A Multicase product that carries stock, by number; undefined for an unknown number or a service item. */
export async function stockedProduct(trx: MulticaseTransaction, productNumber: string): Promise<number | undefined> {
  const p = readFirst(
    pick(tables.products, 'id', 'is_service'),
    await trx('multicase.products').where('product_number', productNumber).first('id', 'is_service'),
  );
  return p && !p.is_service ? p.id : undefined;
}

export async function warehouseIdOf(trx: MulticaseTransaction, code: string | null, record: string): Promise<number> {
  const w = code
    ? readFirst(pick(tables.warehouses, 'id'), await trx('multicase.warehouses').where('code', code).first('id'))
    : undefined;
  // The warehouse comes from MULTICASE_ONGOING_WAREHOUSE: no record can pass until it is fixed.
  if (!w)
    throw new ConfigurationFault(
      `${record}: warehouse ${code ?? '(none)'} (MULTICASE_ONGOING_WAREHOUSE) is not a Multicase warehouse`,
    );
  return w.id;
}

export interface StockChange {
  productId: number;
  warehouseId: number;
  /** Signed, not zero. */
  delta: Quantity;
  kind: 'receipt' | 'return';
  reference: string;
  causeIn: string;
  eventId: string;
}

/** Books a line's change of stock: a rise as goods in, a fall in full as a correction (with its exceptions). */
export async function bookReceivedChange(
  trx: MulticaseTransaction,
  change: StockChange,
  fall: Omit<FallContext, 'productId' | 'warehouseId' | 'releasedKind'>,
  by: RaisedBy,
): Promise<void> {
  if (change.delta > 0) {
    await bookStockMovement(trx, {
      productId: change.productId,
      warehouseId: change.warehouseId,
      quantityChange: change.delta,
      kind: change.kind,
      reference: change.reference,
      cause: change.causeIn,
      eventId: change.eventId,
    });
    return;
  }
  const booked = await bookStockFall(trx, {
    productId: change.productId,
    warehouseId: change.warehouseId,
    quantity: -change.delta,
    kind: 'correction',
    reference: change.reference,
    cause: 'received quantity corrected in the warehouse',
    eventId: change.eventId,
  });
  await raiseForFall(
    trx,
    booked,
    {
      ...fall,
      releasedKind: 'received_less_after_allocation',
      productId: change.productId,
      warehouseId: change.warehouseId,
    },
    by,
  );
}

/** An article the warehouse moved that Multicase does not stock: nothing to book, a person decides. */
export async function raiseNotStocked(
  trx: MulticaseTransaction,
  at: {
    document: { type: 'purchase_order' | 'return' | 'ongoing_purchase_order'; number: string };
    purchaseOrderId?: number;
    returnOrderId?: number;
  },
  line: ReceivedLine,
  delta: Quantity,
  by: RaisedBy,
): Promise<void> {
  await raiseException(
    trx,
    {
      kind: 'article_not_stocked_in_multicase',
      document: at.document,
      purchaseOrderId: at.purchaseOrderId ?? null,
      returnOrderId: at.returnOrderId ?? null,
      reported: line.totalReceived,
      booked: 0,
      reason: `${delta} × ${line.productNumber} ${delta > 0 ? 'received' : 'taken off'} on row ${line.rowNumber ?? '?'} of Ongoing purchase order ${at.document.number}, but Multicase has no stocked product ${line.productNumber}: nothing booked.`,
      details: { rowNumber: line.rowNumber, productNumber: line.productNumber, delta },
    },
    by,
  );
}

/**
 * Goods received on a purchase order the integration did not create (made by hand in the
 * warehouse, or one it knows under another Ongoing id): booked into the integrated warehouse as an
 * unplanned receipt referenced "Ongoing purchase order <number>", every later report by its own
 * difference (the ledger), and raised as receipt_on_unknown_purchase_order with the lines.
 */
export async function bookUnplannedReceipt(
  trx: MulticaseTransaction,
  r: WarehouseReceipt,
  as: { fact: 'receipt' | 'return'; notOurs: string },
  by: RaisedBy,
): Promise<void> {
  const record = `unplanned receipt on Ongoing purchase order ${r.ongoingNumber}`;
  const warehouseId = await warehouseIdOf(trx, r.warehouseCode, record);
  const reference = `Ongoing purchase order ${r.ongoingNumber}`;
  const document = { type: 'ongoing_purchase_order' as const, number: r.ongoingNumber };
  const booked: { productId: number; productNumber: string; delta: Quantity; total: Quantity }[] = [];
  for (const l of roundedLines(r.lines)) {
    const productId = await stockedProduct(trx, l.productNumber);
    const line = ledgerLineOf(as.fact, r, l, productId ?? null);
    const { delta } = await lineDelta(trx, line, l.totalReceived);
    if (delta === 0) continue;
    if (productId === undefined) await raiseNotStocked(trx, { document }, l, delta, by);
    else {
      await bookReceivedChange(
        trx,
        {
          productId,
          warehouseId,
          delta,
          kind: as.fact,
          reference,
          causeIn: `unplanned receipt: ${as.notOurs}`,
          eventId: by.eventId,
        },
        {
          document,
          productNumber: l.productNumber,
          what: `Ongoing purchase order ${r.ongoingNumber} row ${l.rowNumber ?? '?'}: received ${l.productNumber} corrected down by ${-delta}`,
        },
        by,
      );
      booked.push({ productId, productNumber: l.productNumber, delta, total: l.totalReceived });
    }
    await accountFor(trx, line, l.totalReceived, by.eventId);
  }
  if (booked.length === 0) return;
  const what = booked.map((b) => `${b.delta > 0 ? '+' : ''}${b.delta} × ${b.productNumber} (${b.total} so far)`);
  await raiseException(
    trx,
    {
      kind: 'receipt_on_unknown_purchase_order',
      document,
      productId: booked.length === 1 ? booked[0]!.productId : null,
      warehouseId,
      reported: booked.length === 1 ? booked[0]!.total : null,
      booked: booked.length === 1 ? booked[0]!.delta : null,
      reason: `${as.notOurs}. Booked as an unplanned receipt: ${what.join(', ')}.`,
      details: { ongoingPurchaseOrderId: r.ongoingPurchaseOrderId, lines: booked },
    },
    by,
  );
}
