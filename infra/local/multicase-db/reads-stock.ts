/** Read helpers for stock: on hand, allocated and available, and the stock history. */
import type { Knex } from 'knex';
import type { StockLevels, StockTransaction } from './documents.js';

type Row = Record<string, unknown>;
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

function stockRow(db: Knex, productNumber: string, warehouseCode: string): Knex.QueryBuilder {
  return db('multicase.stock as s')
    .join('multicase.products as p', 'p.id', 's.product_id')
    .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
    .where({ 'p.product_number': productNumber, 'w.code': warehouseCode });
}

/** Stock on hand of a product in a warehouse; 0 when it has never had any. */
export async function getStock(db: Knex, productNumber: string, warehouseCode: string): Promise<number> {
  const r: Row | undefined = await stockRow(db, productNumber, warehouseCode).first('s.quantity');
  return r ? Number(r.quantity) : 0;
}

/** On hand, allocated to orders, and available (on hand − allocated); zeros when it has never had any. */
export async function getStockLevels(db: Knex, productNumber: string, warehouseCode: string): Promise<StockLevels> {
  const r: Row | undefined = await stockRow(db, productNumber, warehouseCode).first(
    's.quantity',
    's.allocated',
    's.available',
  );
  return {
    onHand: r ? Number(r.quantity) : 0,
    allocated: r ? Number(r.allocated) : 0,
    available: r ? Number(r.available) : 0,
  };
}

/** The stock history of a product, oldest first, optionally for one warehouse. */
export async function getStockTransactions(
  db: Knex,
  productNumber: string,
  warehouseCode?: string,
): Promise<StockTransaction[]> {
  const q = db('multicase.stock_transactions as t')
    .join('multicase.products as p', 'p.id', 't.product_id')
    .join('multicase.warehouses as w', 'w.id', 't.warehouse_id')
    .where('p.product_number', productNumber)
    .orderBy('t.id')
    .select('t.*', 'p.product_number', 'w.code as warehouse_code');
  if (warehouseCode !== undefined) q.where('w.code', warehouseCode);
  const rows: Row[] = await q;
  return rows.map((r) => ({
    id: String(r.id),
    productNumber: String(r.product_number),
    warehouseCode: String(r.warehouse_code),
    quantityChange: Number(r.quantity_change),
    balanceAfter: Number(r.balance_after),
    kind: r.kind as StockTransaction['kind'],
    reference: strOrNull(r.reference),
    cause: strOrNull(r.cause),
    eventId: strOrNull(r.event_id),
    createdAt: r.created_at as Date,
  }));
}
