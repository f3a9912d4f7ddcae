/**
 * Goods the warehouse sent out are taken off hand in Multicase (kind 'shipment'), as far as its
 * stock model allows: never below zero, never below what is allocated to orders. What it cannot
 * take (Multicase had less than the warehouse sent) is raised as an integration exception,
 * stock_below_zero, whose stock the stock check then explains.
 */
import type { MulticaseTransaction } from './commands.js';
import { raiseException, type NewException, type RaisedBy } from './exceptions.js';
import { planAdjustment } from './stock-adjustments.js';
import { bookStockMovement, lockStock } from './stock.js';
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

/** Books what the model allows of the stock leaving; returns what was booked (positive). */
export async function takeOffHand(trx: MulticaseTransaction, out: StockOut, by: RaisedBy): Promise<Quantity> {
  const stock = await lockStock(trx, out.productId, out.warehouseId);
  const plan = planAdjustment(-out.quantity, stock.quantity, stock.allocated);
  if (plan.book !== 0)
    await bookStockMovement(trx, {
      productId: out.productId,
      warehouseId: out.warehouseId,
      quantityChange: plan.book,
      kind: out.kind ?? 'shipment',
      reference: out.reference,
      cause: out.cause,
      eventId: by.eventId,
    });
  if (plan.unbooked !== 0)
    await raiseException(
      trx,
      {
        kind: 'stock_below_zero',
        document: out.document,
        salesOrderId: out.salesOrderId ?? null,
        pickingListId: out.pickingListId ?? null,
        productId: out.productId,
        warehouseId: out.warehouseId,
        reported: out.quantity,
        booked: -plan.book,
        stockNotBooked: plan.unbooked,
        reason:
          `The warehouse sent out ${out.quantity} × ${out.productNumber} (${out.cause}); Multicase took ${-plan.book} off hand ` +
          `and could not take ${-plan.unbooked} (on hand ${stock.quantity}, allocated ${stock.allocated}).`,
        details: { onHandBefore: stock.quantity, allocated: stock.allocated, limit: plan.limit },
      },
      by,
    );
  return -plan.book;
}
