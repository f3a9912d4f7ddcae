/**
 * What the warehouse did that Multicase's model cannot take in full is recorded in Multicase for a
 * person to resolve there, counted, and listed by `ops status`; it is never dead-lettered. One
 * kind so far: a stock discrepancy (`stock_discrepancies`), a stock change down that would have
 * taken on hand below zero or below what is allocated to orders, booked as far as the model allows.
 */
import { Counter } from 'prom-client';
import { registry } from '../../../runtime/metrics.js';
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { pick, readRows } from './columns.js';
import { tables } from './tables.js';
import { toNumber, toQuantity, type Quantity } from './values.js';

export const stockDiscrepancies = new Counter({
  name: 'pipeline_stock_discrepancies_total',
  help: "stock changes from the warehouse that Multicase's stock model could not take in full (below zero, or below what is allocated): booked as far as it allows, the rest recorded as a discrepancy",
  labelNames: ['stage', 'limit'],
  registers: [registry],
});

/** What a person does about an open stock discrepancy, once it is dealt with in Multicase. */
export const RESOLVE_DISCREPANCY = 'set multicase.stock_discrepancies.resolved_at';

/** What stopped a stock change down: on hand would go below zero, or below what is allocated. */
export type DiscrepancyLimit = 'zero' | 'allocated';

export interface StockDiscrepancy {
  productId: number;
  warehouseId: number;
  /** The warehouse's document, as the stock history names it. */
  reference: string;
  /** What the warehouse changed: booked + unbooked. */
  change: Quantity;
  booked: Quantity;
  unbooked: Quantity;
  /** The stock it met. */
  onHandBefore: Quantity;
  allocated: Quantity;
  cause: string | null;
  limit: DiscrepancyLimit;
}

/** Records a discrepancy; it is counted (for `stage`) once the transaction commits, not when it rolls back. */
export async function recordDiscrepancy(
  trx: MulticaseTransaction,
  d: StockDiscrepancy,
  counted: { stage: string; eventId: string },
): Promise<void> {
  await trx('multicase.stock_discrepancies').insert({
    product_id: d.productId,
    warehouse_id: d.warehouseId,
    reference: d.reference,
    quantity_change: d.change,
    quantity_booked: d.booked,
    quantity_unbooked: d.unbooked,
    on_hand_before: d.onHandBefore,
    allocated: d.allocated,
    cause: d.cause,
    event_id: counted.eventId,
  });
  void trx.executionPromise.then(
    () => stockDiscrepancies.inc({ stage: counted.stage, limit: d.limit }),
    () => undefined,
  );
}

/** What was recorded as not booked under one reference, for a product in a warehouse. */
export async function unbookedUnder(
  trx: MulticaseTransaction,
  where: { productId: number; warehouseId: number; reference: string },
): Promise<Quantity> {
  const row = await trx('multicase.stock_discrepancies')
    .where({ product_id: where.productId, warehouse_id: where.warehouseId, reference: where.reference })
    .first(trx.raw('coalesce(sum(quantity_unbooked), 0) AS quantity'));
  return toQuantity((row as { quantity: unknown }).quantity);
}

/** An unresolved stock discrepancy, as `ops status` lists it. */
export type OpenStockDiscrepancy = Omit<StockDiscrepancy, 'productId' | 'warehouseId' | 'limit'> & {
  createdAt: number;
  productNumber: string;
  warehouseCode: string;
};

const OPEN_COLUMNS = {
  ...pick(
    tables.stock_discrepancies,
    'created_at',
    'reference',
    'quantity_change',
    'quantity_booked',
    'quantity_unbooked',
    'on_hand_before',
    'allocated',
    'cause',
  ),
  product_number: tables.products.product_number,
  warehouse_code: tables.warehouses.code,
};

/** How many discrepancies are open, and the most recent `limit` of them. */
export async function openDiscrepancies(
  db: MulticaseDb,
  limit: number,
): Promise<{ open: number; recent: OpenStockDiscrepancy[] }> {
  const open = db('multicase.stock_discrepancies as d').whereNull('d.resolved_at');
  const [{ n }] = (await open.clone().count({ n: '*' })) as [{ n: unknown }];
  const rows = readRows(
    OPEN_COLUMNS,
    await open
      .clone()
      .join('multicase.products as p', 'p.id', 'd.product_id')
      .join('multicase.warehouses as w', 'w.id', 'd.warehouse_id')
      .orderBy('d.id', 'desc')
      .limit(limit)
      .select('d.*', 'p.product_number', 'w.code as warehouse_code'),
  );
  return {
    open: toNumber(n),
    recent: rows.map((d) => ({
      createdAt: d.created_at,
      productNumber: d.product_number,
      warehouseCode: d.warehouse_code,
      reference: d.reference,
      change: d.quantity_change,
      booked: d.quantity_booked,
      unbooked: d.quantity_unbooked,
      onHandBefore: d.on_hand_before,
      allocated: d.allocated,
      cause: d.cause,
    })),
  };
}
