/**
 * What the order actions share: the freight method and its pickup point, payment terms, the
 * locked order header and its lines with their quantities as numbers.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { optionalText, type Row } from './checks.js';

/** Statuses in which an order can still be allocated, sent, changed. */
export const WORKABLE_STATUSES = ['open', 'sent_to_warehouse', 'partly_shipped'] as const;

export interface ShippingMethodRow {
  id: number;
  shortName: string;
  needsPickupPoint: boolean;
}

/** The freight method by FreightID (number) or short name; refuses unknown and inactive ones. */
export async function shippingMethod(db: Knex, record: string, method: unknown): Promise<ShippingMethodRow> {
  if (typeof method !== 'number' && typeof method !== 'string')
    throw new ValidationError(
      record,
      'shippingMethod',
      `must be a FreightID or a short name, got ${JSON.stringify(method)}`,
    );
  const row: Row | undefined = await db('multicase.shipping_methods')
    .where(typeof method === 'number' ? { id: method } : { short_name: method })
    .first('id', 'short_name', 'active', 'needs_pickup_point');
  if (!row) throw new ValidationError(record, 'shippingMethod', `names no known shipping method (${String(method)})`);
  if (!row.active)
    throw new ValidationError(record, 'shippingMethod', `names an inactive shipping method (${String(method)})`);
  return {
    id: row.id as number,
    shortName: row.short_name as string,
    needsPickupPoint: row.needs_pickup_point as boolean,
  };
}

/** The pickup-point code, required when the freight method needs one. */
export function pickupPoint(record: string, method: ShippingMethodRow, code: unknown): string | null {
  const value = optionalText(record, 'pickupPointCode', code);
  if (value === null && method.needsPickupPoint)
    throw new ValidationError(
      record,
      'pickupPointCode',
      `is required: shipping method ${method.shortName} delivers to a pickup point`,
    );
  return value;
}

/** Days from invoice date to due date: a whole number from 0 to 365, or absent. */
export function paymentTermsDays(record: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 365)
    throw new ValidationError(
      record,
      'paymentTermsDays',
      `must be a whole number of days from 0 to 365, got ${String(value)}`,
    );
  return value;
}

/** Locks the order header (FOR UPDATE) before any of its lines are touched. */
export async function lockOrder(trx: Knex, orderNumber: unknown): Promise<{ record: string; order: Row }> {
  const record = `sales order ${String(orderNumber)}`;
  if (typeof orderNumber !== 'string' || orderNumber.trim() === '')
    throw new ValidationError(record, 'orderNumber', 'is required and must be non-empty text');
  const order: Row | undefined = await trx('multicase.sales_orders')
    .where({ order_number: orderNumber })
    .forUpdate()
    .first();
  if (!order) throw new ValidationError(record, 'orderNumber', 'names no known sales order');
  return { record, order };
}

export function requireWorkable(record: string, order: Row, doing: string): void {
  if (!(WORKABLE_STATUSES as readonly string[]).includes(order.status as string))
    throw new ValidationError(
      record,
      'status',
      `is ${order.status as string}: only an open, sent or partly shipped order can be ${doing}`,
    );
}

export interface OrderLine {
  id: number;
  position: number;
  productId: number;
  productNumber: string;
  isService: boolean;
  quantity: number;
  delivered: number;
  allocated: number;
  sent: number;
}

/** Ordered, not yet delivered, not allocated: what allocation can still reserve. */
export const toAllocate = (l: OrderLine) => (l.isService ? 0 : Math.max(l.quantity - l.delivered - l.allocated, 0));
/** Allocated and not yet on a picking list at the warehouse: what a send can pick. */
export const toSend = (l: OrderLine) => l.allocated - l.sent;

export async function orderLines(trx: Knex, salesOrderId: number): Promise<OrderLine[]> {
  const rows: Row[] = await trx('multicase.sales_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.sales_order_id', salesOrderId)
    .orderBy('l.position')
    .select(
      'l.id',
      'l.position',
      'l.product_id',
      'p.product_number',
      'p.is_service',
      'l.quantity',
      'l.quantity_delivered',
      'l.quantity_allocated',
      'l.quantity_sent',
    );
  return rows.map((r) => ({
    id: r.id as number,
    position: r.position as number,
    productId: r.product_id as number,
    productNumber: r.product_number as string,
    isService: r.is_service as boolean,
    quantity: Number(r.quantity),
    delivered: Number(r.quantity_delivered),
    allocated: Number(r.quantity_allocated),
    sent: Number(r.quantity_sent),
  }));
}

/** Locks the stock rows of the products in a warehouse (in product order) and returns what is available. */
export async function lockAvailable(
  trx: Knex,
  warehouseId: number,
  productIds: number[],
): Promise<Map<number, number>> {
  const ids = [...new Set(productIds)].sort((a, b) => a - b);
  if (ids.length === 0) return new Map();
  const rows: Row[] = await trx('multicase.stock')
    .where({ warehouse_id: warehouseId })
    .whereIn('product_id', ids)
    .orderBy('product_id')
    .forUpdate()
    .select('product_id', 'available');
  return new Map(rows.map((r) => [r.product_id as number, Number(r.available)]));
}

/** Numbers as pg returns numeric(14,3): round away binary fractions before comparing or storing. */
export const qty = (n: number) => Math.round(n * 1000) / 1000;
