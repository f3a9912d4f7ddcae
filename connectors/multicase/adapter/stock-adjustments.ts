/**
 * A stock change the warehouse made (a count, damage, a picking discrepancy), booked into stock and
 * stock history as kind 'adjustment', referenced by the warehouse's document.
 *
 * The adjustment carries its pair's total (every item of the inventory and article, read
 * unfiltered by the source); what is booked is the difference to what the fact ledger says was
 * accounted for under the same reference (booked, or raised as an exception), so a repeat books
 * nothing even under another command id, and items added to an inventory later book their own
 * difference, with the right sign.
 *
 * The warehouse holds the physical truth: a fall is booked in full, releasing allocation from
 * orders first where on hand would drop below what is allocated (stock-falls.ts; a picking
 * discrepancy's own picking list first), raised as stock_lost_allocation_released. Only what
 * would take on hand below zero is not booked (stock_below_zero). An article Multicase does not
 * stock is raised, never dead-lettered.
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta, type WarehouseLine } from './fact-ledger.js';
import { warehouseIdOf } from './receipts.js';
import { orderNumberOfPickingList } from './sales-orders.js';
import { bookStockFall, raiseForFall } from './stock-falls.js';
import { bookedUnder, bookStockMovement } from './stock.js';
import { tables } from './tables.js';
import { roundQuantity, toQuantity, type Quantity } from './values.js';

export { planFall } from './stock-falls.js';

/** The stock-history cause of a picking discrepancy names where it was found. */
export function withWhereFound(cause: string, pickingListNumber: string | null, orderNumber: string | null): string {
  if (!pickingListNumber) return cause;
  return `${cause} (picking list ${pickingListNumber}${orderNumber ? `, order ${orderNumber}` : ''})`;
}

export interface WarehouseAdjustment {
  /** The warehouse's document, e.g. 'inventory 123/article 45': the reference in the stock history. */
  adjustmentId: string;
  productNumber: string;
  /** The Multicase warehouse the warehouse system runs. */
  warehouseCode: string | null;
  /** The adjustment's total change (its inventory and article, every item). */
  quantityChange: Quantity;
  /** Why, as the warehouse says it. */
  cause: string;
  /** For a picking discrepancy: the picking list it was found on. */
  pickingListNumber: string | null;
}

/** What an adjustment booked: the change, what of a fall could not be (below zero), the allocation released. */
export interface AdjustmentBooked {
  change: Quantity;
  booked: Quantity;
  notBooked: Quantity;
  released: Quantity;
}

/** The ledger line of an adjustment: the warehouse's reference, per product. */
const ledgerLine = (a: WarehouseAdjustment, productId: number | null): WarehouseLine => ({
  kind: 'adjustment',
  documentId: a.adjustmentId,
  lineKey: a.productNumber,
  documentNumber: a.adjustmentId,
  productId,
});

/** Before the ledger: what the stock history booked under the reference, and what was left unbooked. */
async function accountedBeforeTheLedger(
  trx: MulticaseTransaction,
  where: { productId: number; warehouseId: number; reference: string },
): Promise<Quantity> {
  const booked = await bookedUnder(trx, { ...where, kind: 'adjustment' });
  const row = await trx('multicase.integration_exceptions')
    .where({ document_type: 'inventory_adjustment', document_number: where.reference, product_id: where.productId })
    .first(trx.raw('coalesce(sum(stock_not_booked), 0) AS quantity'));
  return roundQuantity(booked + toQuantity((row as { quantity: unknown }).quantity));
}

/**
 * Books what of the adjustment is not accounted for yet, in full (see above), and raises what
 * Multicase could not reconcile. Null when there was nothing left to book.
 */
export async function bookWarehouseAdjustment(
  trx: MulticaseTransaction,
  a: WarehouseAdjustment,
  by: RaisedBy,
): Promise<AdjustmentBooked | null> {
  const record = `stock adjustment ${a.adjustmentId}`;
  const warehouseId = await warehouseIdOf(trx, a.warehouseCode, record);
  const product = readFirst(
    pick(tables.products, 'id', 'is_service'),
    await trx('multicase.products').where('product_number', a.productNumber).first('id', 'is_service'),
  );
  const productId = product && !product.is_service ? product.id : null;
  const line = ledgerLine(a, productId);
  const total = roundQuantity(a.quantityChange);
  const seed =
    productId === null ? 0 : await accountedBeforeTheLedger(trx, { productId, warehouseId, reference: a.adjustmentId });
  const { delta } = await lineDelta(trx, line, total, seed);
  if (delta === 0) return null;
  const document = { type: 'inventory_adjustment' as const, number: a.adjustmentId };
  if (productId === null) {
    await raiseException(
      trx,
      {
        kind: 'article_not_stocked_in_multicase',
        document,
        productId: product?.id ?? null,
        reported: delta,
        booked: 0,
        reason: `The warehouse changed the stock of ${a.productNumber} by ${delta} (${a.adjustmentId}, ${a.cause}), but Multicase has no stocked product ${a.productNumber}${product ? ' (it is a service item)' : ''}: nothing booked.`,
      },
      by,
    );
    await accountFor(trx, line, total, by.eventId);
    return { change: delta, booked: 0, notBooked: 0, released: 0 };
  }
  const orderNumber = a.pickingListNumber ? await orderNumberOfPickingList(trx, a.pickingListNumber) : null;
  const cause = withWhereFound(a.cause, a.pickingListNumber, orderNumber);
  const where = { productId, warehouseId, reference: a.adjustmentId };
  let outcome: AdjustmentBooked;
  if (delta > 0) {
    await bookStockMovement(trx, { ...where, quantityChange: delta, kind: 'adjustment', cause, eventId: by.eventId });
    outcome = { change: delta, booked: delta, notBooked: 0, released: 0 };
  } else {
    const fall = await bookStockFall(trx, {
      ...where,
      quantity: -delta,
      kind: 'adjustment',
      cause,
      eventId: by.eventId,
      pickingListNumber: a.pickingListNumber,
    });
    const pickingList = a.pickingListNumber
      ? readFirst(
          pick(tables.picking_lists, 'id'),
          await trx('multicase.picking_lists').where('picking_list_number', a.pickingListNumber).first('id'),
        )
      : undefined;
    await raiseForFall(
      trx,
      fall,
      {
        releasedKind: 'stock_lost_allocation_released',
        document,
        productId,
        productNumber: a.productNumber,
        warehouseId,
        pickingListId: pickingList?.id ?? null,
        what: `The warehouse took ${-delta} × ${a.productNumber} off stock (${a.adjustmentId}, ${cause})`,
      },
      by,
    );
    outcome = {
      change: delta,
      booked: -fall.booked,
      notBooked: -fall.notBooked,
      released: roundQuantity(fall.released.reduce((n, r) => n + r.quantity, 0)),
    };
  }
  await accountFor(trx, line, total, by.eventId);
  return outcome;
}
