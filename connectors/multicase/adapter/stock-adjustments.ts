/**
 * A stock change the warehouse made (a count, damage, a picking discrepancy), booked into stock and
 * stock history as kind 'adjustment', referenced by the warehouse's document.
 *
 * The adjustment carries its total; what is booked is the difference to what the fact ledger
 * (fact-ledger.ts) says was accounted for under the same reference (booked, or raised as an
 * exception), so a repeat books nothing even if it comes with another command id.
 *
 * The warehouse holds the physical truth, but Multicase's model keeps on hand at or above zero and
 * at or above what is allocated to orders. A change down that would cross that line is booked as
 * far as the model allows; the rest is raised as an integration exception (exceptions.ts).
 */
import { ConfigurationFault, UnmappableError, ValidationError } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta, type WarehouseLine } from './fact-ledger.js';
import { orderNumberOfPickingList } from './sales-orders.js';
import { bookedUnder, bookStockMovement, lockStock } from './stock.js';
import { tables } from './tables.js';
import { roundQuantity, toQuantity, type Quantity } from './values.js';

/** What stopped a stock change down: on hand would go below zero, or below what is allocated. */
export type DiscrepancyLimit = 'zero' | 'allocated';

/** What a change meets in Multicase and how much of it can be booked. */
export interface AdjustmentPlan {
  /** Booked into stock (signed; 0 books nothing). */
  book: Quantity;
  /** Not booked: the discrepancy (signed; 0 when none). */
  unbooked: Quantity;
  /** What stopped it, when something did. */
  limit: DiscrepancyLimit | null;
}

/**
 * How much of `delta` (what is still to book) stock of `onHand`, of which `allocated` is allocated
 * to orders, can take: all of a rise; of a fall, down to the allocated quantity (or zero).
 */
export function planAdjustment(delta: Quantity, onHand: Quantity, allocated: Quantity): AdjustmentPlan {
  if (delta >= 0) return { book: roundQuantity(delta), unbooked: 0, limit: null };
  const floor = Math.max(allocated, 0);
  const room = Math.max(0, roundQuantity(onHand - floor));
  const book = -Math.min(-delta, room);
  const unbooked = roundQuantity(delta - book);
  if (unbooked === 0) return { book: roundQuantity(book), unbooked: 0, limit: null };
  return { book: roundQuantity(book), unbooked, limit: onHand + delta < 0 ? 'zero' : 'allocated' };
}

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
  /** The adjustment's total change. */
  quantityChange: Quantity;
  /** Why, as the warehouse says it. */
  cause: string;
  /** For a picking discrepancy: the picking list it was found on. */
  pickingListNumber: string | null;
}

async function productAndWarehouse(trx: MulticaseTransaction, a: WarehouseAdjustment) {
  const record = `stock adjustment ${a.adjustmentId}`;
  const product = readFirst(
    pick(tables.products, 'id', 'is_service'),
    await trx('multicase.products').where('product_number', a.productNumber).first('id', 'is_service'),
  );
  if (!product)
    throw new UnmappableError(`${record}: field productNumber ${a.productNumber} is not a Multicase product`);
  if (product.is_service)
    throw new ValidationError(
      record,
      'productNumber',
      `names ${a.productNumber}, a service item, which carries no stock`,
    );
  if (!a.warehouseCode) throw new ValidationError(record, 'warehouseCode', 'is missing');
  if (!Number.isFinite(a.quantityChange))
    throw new ValidationError(record, 'quantityChange', `is not a number: ${a.quantityChange}`);
  const warehouse = readFirst(
    pick(tables.warehouses, 'id'),
    await trx('multicase.warehouses').where('code', a.warehouseCode).first('id'),
  );
  // The warehouse comes from MULTICASE_ONGOING_WAREHOUSE: no record can pass until it is fixed.
  if (!warehouse)
    throw new ConfigurationFault(
      `${record}: warehouse ${a.warehouseCode} (MULTICASE_ONGOING_WAREHOUSE) is not a Multicase warehouse`,
    );
  return { productId: product.id, warehouseId: warehouse.id, reference: a.adjustmentId };
}

/** The ledger line of an adjustment: the warehouse's reference, per product. */
const ledgerLine = (a: WarehouseAdjustment, productId: number): WarehouseLine => ({
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
 * Books what of the adjustment is not accounted for yet, as far as the stock model allows, and
 * raises the rest as an exception. Null when there was nothing left to book.
 */
export async function bookWarehouseAdjustment(
  trx: MulticaseTransaction,
  a: WarehouseAdjustment,
  command: RaisedBy,
): Promise<AdjustmentPlan | null> {
  const where = await productAndWarehouse(trx, a);
  // Lock the stock row first, so what was accounted for and the balance are read under the lock.
  const stock = await lockStock(trx, where.productId, where.warehouseId);
  const line = ledgerLine(a, where.productId);
  const total = roundQuantity(a.quantityChange);
  const { delta } = await lineDelta(trx, line, total, await accountedBeforeTheLedger(trx, where));
  if (delta === 0) return null;
  const plan = planAdjustment(delta, stock.quantity, stock.allocated);

  const orderNumber = a.pickingListNumber ? await orderNumberOfPickingList(trx, a.pickingListNumber) : null;
  const cause = withWhereFound(a.cause, a.pickingListNumber, orderNumber);
  if (plan.book !== 0) {
    await bookStockMovement(trx, {
      ...where,
      quantityChange: plan.book,
      kind: 'adjustment',
      cause,
      eventId: command.eventId,
    });
  }
  if (plan.unbooked !== 0) {
    await raiseException(
      trx,
      {
        kind: 'stock_below_zero',
        document: { type: 'inventory_adjustment', number: a.adjustmentId },
        productId: where.productId,
        warehouseId: where.warehouseId,
        reported: delta,
        booked: plan.book,
        stockNotBooked: plan.unbooked,
        reason:
          `Stock of ${a.productNumber} changed by ${delta} in the warehouse (${a.adjustmentId}, ${cause}); ` +
          `Multicase booked ${plan.book} and could not book ${plan.unbooked} (on hand ${stock.quantity}, allocated ${stock.allocated}).`,
        details: { onHandBefore: stock.quantity, allocated: stock.allocated, cause, limit: plan.limit },
      },
      command,
    );
  }
  await accountFor(trx, line, total, command.eventId);
  return plan;
}
