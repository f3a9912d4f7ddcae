/**
 * Flow 8, Multicase side: book a stock change the warehouse made (a count, damage, a picking
 * discrepancy) into stock and stock history, kind 'adjustment', referenced by the Ongoing
 * adjustment and caused by Ongoing's cause code and name (and, for a picking discrepancy, the
 * picking list and order it was found on).
 *
 * The command carries the adjustment's total; what is booked is the difference to what was
 * already accounted for under the same reference (booked, or recorded as a discrepancy), so a
 * repeat books nothing even if it comes with another command id.
 *
 * Ongoing holds the physical truth, but Multicase's model keeps on hand at or above zero and at
 * or above what is allocated to orders (allocation is Multicase's own business: the sink does not
 * take it away from orders). A change down that would cross that line is booked as far as the
 * model allows; the rest is recorded in `stock_discrepancies`, counted in
 * `pipeline_stock_discrepancies_total` and listed by `ops status`. It is never dead-lettered for it.
 */
import type { Knex } from 'knex';
import { topics } from '../../schemas/catalog.js';
import type { StockAdjustment } from '../../schemas/types.generated.js';
import { ConfigurationFault, UnmappableError, ValidationError } from '../../runtime/errors.js';
import { metrics } from '../../runtime/metrics.js';
import { bookStockChange, qty } from './bookkeeping.js';
import type { MulticaseCommandHandler } from './sink.js';

type Row = Record<string, unknown>;

const STAGE = 'sink.multicase.stock-adjustment';

/** What a change meets in Multicase and how much of it can be booked. */
export interface AdjustmentPlan {
  /** Booked into stock (signed; 0 books nothing). */
  book: number;
  /** Not booked: the discrepancy (signed; 0 when none). */
  unbooked: number;
  /** What stopped it, when something did. */
  limit: 'zero' | 'allocated' | null;
}

/**
 * How much of `delta` (what is still to book) stock of `onHand`, of which `allocated` is allocated
 * to orders, can take: all of a rise; of a fall, down to the allocated quantity (or zero).
 */
export function planAdjustment(delta: number, onHand: number, allocated: number): AdjustmentPlan {
  if (delta >= 0) return { book: qty(delta), unbooked: 0, limit: null };
  const floor = Math.max(allocated, 0);
  const room = Math.max(0, qty(onHand - floor));
  const book = -Math.min(-delta, room);
  const unbooked = qty(delta - book);
  if (unbooked === 0) return { book: qty(book), unbooked: 0, limit: null };
  return { book: qty(book), unbooked, limit: onHand + delta < 0 ? 'zero' : 'allocated' };
}

/** The stock-history cause: Ongoing's cause code and name, and where a picking discrepancy was found. */
export function causeText(
  a: Pick<StockAdjustment, 'causeCode' | 'causeName' | 'pickingListNumber'>,
  orderNumber: string | null,
): string {
  const cause =
    [a.causeCode, a.causeName].filter((x) => x && x.trim() !== '').join(' ') || 'stock changed in the warehouse';
  if (!a.pickingListNumber) return cause;
  return `${cause} (picking list ${a.pickingListNumber}${orderNumber ? `, order ${orderNumber}` : ''})`;
}

async function accountedFor(
  trx: Knex.Transaction,
  where: { product_id: number; warehouse_id: number; reference: string },
): Promise<number> {
  const [booked, unbooked] = await Promise.all([
    trx('multicase.stock_transactions')
      .where({ ...where, kind: 'adjustment' })
      .first(trx.raw('coalesce(sum(quantity_change), 0)::float8 AS q')),
    trx('multicase.stock_discrepancies')
      .where(where)
      .first(trx.raw('coalesce(sum(quantity_unbooked), 0)::float8 AS q')),
  ]);
  return qty(Number((booked as Row).q) + Number((unbooked as Row).q));
}

export async function bookStockAdjustment(
  trx: Knex.Transaction,
  a: StockAdjustment,
  eventId: string,
): Promise<AdjustmentPlan | null> {
  const record = `stock adjustment ${a.adjustmentId}`;
  const product: Row | undefined = await trx('multicase.products')
    .where('product_number', a.productNumber)
    .first('id', 'is_service');
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
  const warehouse: Row | undefined = await trx('multicase.warehouses').where('code', a.warehouseCode).first('id');
  // The warehouse comes from MULTICASE_ONGOING_WAREHOUSE: no record can pass until it is fixed.
  if (!warehouse)
    throw new ConfigurationFault(
      `${record}: warehouse ${a.warehouseCode} (MULTICASE_ONGOING_WAREHOUSE) is not a Multicase warehouse`,
    );
  const where = { product_id: Number(product.id), warehouse_id: Number(warehouse.id), reference: a.adjustmentId };

  // Lock the stock row first, so what was accounted for and the balance are read under the lock.
  await trx('multicase.stock')
    .insert({ product_id: where.product_id, warehouse_id: where.warehouse_id, quantity: 0 })
    .onConflict(['product_id', 'warehouse_id'])
    .ignore();
  const stock: Row = await trx('multicase.stock')
    .where({ product_id: where.product_id, warehouse_id: where.warehouse_id })
    .forUpdate()
    .first('quantity', 'allocated');
  const delta = qty(a.quantityChange - (await accountedFor(trx, where)));
  if (delta === 0) return null;
  const onHand = Number(stock.quantity);
  const allocated = Number(stock.allocated);
  const plan = planAdjustment(delta, onHand, allocated);

  let orderNumber: string | null = null;
  if (a.pickingListNumber) {
    const found: Row | undefined = await trx('multicase.picking_lists as pl')
      .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
      .where('pl.picking_list_number', a.pickingListNumber)
      .first('o.order_number');
    orderNumber = found ? String(found.order_number) : null;
  }
  const cause = causeText(a, orderNumber);
  if (plan.book !== 0) {
    await bookStockChange(trx, {
      productId: where.product_id,
      warehouseId: where.warehouse_id,
      quantityChange: plan.book,
      kind: 'adjustment',
      reference: a.adjustmentId,
      cause,
      eventId,
    });
  }
  if (plan.unbooked !== 0) {
    await trx('multicase.stock_discrepancies').insert({
      ...where,
      quantity_change: delta,
      quantity_booked: plan.book,
      quantity_unbooked: plan.unbooked,
      on_hand_before: onHand,
      allocated,
      cause,
      event_id: eventId,
    });
    // Counted once the booking is committed, not for a transaction that rolls back.
    void trx.executionPromise.then(
      () => metrics.stockDiscrepancies.inc({ stage: STAGE, limit: plan.limit ?? 'zero' }),
      () => undefined,
    );
  }
  return plan;
}

export const stockAdjustmentHandler: MulticaseCommandHandler<StockAdjustment> = {
  name: STAGE,
  input: topics.stockAdjust,
  apply: async (trx, payload, command) => {
    await bookStockAdjustment(trx, payload, command.commandId);
  },
};
