/**
 * Stock in Multicase: on hand per product and warehouse (`stock`), and its history, one row per
 * change with the balance it left (`stock_transactions`). Every change goes through Multicase's
 * own book_stock_change, so the two never disagree.
 */
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { pick, readRow, readRows } from './columns.js';
import { tables, type StockKind, type StockRow } from './tables.js';
import { toQuantity, type Quantity } from './values.js';

export interface StockMovement {
  productId: number;
  warehouseId: number;
  /** Signed, non-zero: + for receipts and returns, - for shipments. */
  quantityChange: Quantity;
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
export async function bookStockMovement(db: MulticaseDb, movement: StockMovement): Promise<Quantity> {
  const result = await db.raw('SELECT multicase.book_stock_change(?, ?, ?, ?, ?, ?, ?) AS balance', [
    movement.productId,
    movement.warehouseId,
    movement.quantityChange,
    movement.kind,
    movement.reference,
    movement.cause ?? null,
    movement.eventId ?? null,
  ]);
  return toQuantity((result.rows[0] as { balance: unknown }).balance);
}

/**
 * Locks the stock row of a product in a warehouse (creating it at zero), so that what is read
 * next about it is read under the lock; returns what it holds.
 */
export async function lockStock(
  trx: MulticaseTransaction,
  productId: number,
  warehouseId: number,
): Promise<Pick<StockRow, 'quantity' | 'allocated'>> {
  await trx('multicase.stock')
    .insert({ product_id: productId, warehouse_id: warehouseId, quantity: 0 })
    .onConflict(['product_id', 'warehouse_id'])
    .ignore();
  const row = await trx('multicase.stock')
    .where({ product_id: productId, warehouse_id: warehouseId })
    .forUpdate()
    .first('quantity', 'allocated');
  return readRow(pick(tables.stock, 'quantity', 'allocated'), row);
}

/** The stock history's sum of one kind under one reference, for a product in a warehouse. */
export async function bookedUnder(
  trx: MulticaseTransaction,
  where: { productId: number; warehouseId: number; reference: string; kind: StockKind },
): Promise<Quantity> {
  const row = await trx('multicase.stock_transactions')
    .where({
      product_id: where.productId,
      warehouse_id: where.warehouseId,
      reference: where.reference,
      kind: where.kind,
    })
    .first(trx.raw('coalesce(sum(quantity_change), 0) AS quantity'));
  return toQuantity((row as { quantity: unknown }).quantity);
}

/** On-hand stock per product number in the warehouse with `warehouseCode`. */
export async function onHandStock(trx: MulticaseTransaction, warehouseCode: string): Promise<Map<string, Quantity>> {
  const rows = readRows(
    { product_number: tables.products.product_number, quantity: tables.stock.quantity },
    await trx('multicase.stock as s')
      .join('multicase.products as p', 'p.id', 's.product_id')
      .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
      .where('w.code', warehouseCode)
      .select('p.product_number', 's.quantity'),
  );
  return new Map(rows.map((r) => [r.product_number, r.quantity]));
}
