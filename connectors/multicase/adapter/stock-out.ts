/**
 * Goods the warehouse sent out are taken off hand in Multicase (kind 'shipment', unless said) in
 * full: they have left. Multicase keeps on hand at or above what is allocated, so where they take
 * stock other orders hold, that allocation is released first (stock-falls.ts) and an exception,
 * stock_lost_allocation_released, names the orders; only what would take on hand below zero stays
 * unbooked, as stock_below_zero, whose stock the stock check then explains.
 */
import type { MulticaseTransaction } from './commands.js';
import type { NewException, RaisedBy } from './exceptions.js';
import { bookStockFall, raiseForFall } from './stock-falls.js';
import type { StockKind } from './tables.js';
import type { Quantity } from './values.js';

export interface StockOut {
  productId: number;
  productNumber: string;
  warehouseId: number;
  /** What left the warehouse (positive). */
  quantity: Quantity;
  /** The stock history's kind: 'shipment' unless said. */
  kind?: StockKind;
  /** The stock history's reference: the order or document it left on. */
  reference: string;
  cause: string;
  /** Where an exception is filed, should one be needed. */
  document: NewException['document'];
  salesOrderId?: number | null;
  pickingListId?: number | null;
}

/** Books the stock leaving in full as far as on hand goes; returns what was booked (positive). */
export async function takeOffHand(trx: MulticaseTransaction, out: StockOut, by: RaisedBy): Promise<Quantity> {
  const fall = await bookStockFall(trx, {
    productId: out.productId,
    warehouseId: out.warehouseId,
    quantity: out.quantity,
    kind: out.kind ?? 'shipment',
    reference: out.reference,
    cause: out.cause,
    eventId: by.eventId,
  });
  await raiseForFall(
    trx,
    fall,
    {
      releasedKind: 'stock_lost_allocation_released',
      document: out.document,
      productId: out.productId,
      productNumber: out.productNumber,
      warehouseId: out.warehouseId,
      what: `The warehouse sent out ${out.quantity} × ${out.productNumber} (${out.cause})`,
      pickingListId: out.pickingListId ?? null,
    },
    by,
  );
  return fall.booked;
}
