/**
 * Allocation: reserving available stock for order lines, by order date (oldest orders first, per
 * product and warehouse) or by hand for one order, in part when stock is short. Only allocated
 * quantities can be sent to the warehouse. The trigger sales_order_lines_allocate_stock moves
 * each line's allocation onto stock.allocated; these actions only set the lines.
 *
 * Locking: order headers first (in id order), then stock rows (in product order), as the other
 * order actions do, so concurrent actions do not deadlock.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { getSalesOrder, type SalesOrder } from '../reads.js';
import { lineField, positive, text, uniquePositions, warehouseId, type Row } from './checks.js';
import {
  WORKABLE_STATUSES,
  lockAvailable,
  lockOrder,
  orderLines,
  qty,
  requireWorkable,
  toAllocate,
  toSend,
  type OrderLine,
} from './order-rules.js';

export interface AllocateOptions {
  /** One order, by hand; without it, every workable order by order date. */
  orderNumber?: string;
  productNumber?: string;
  warehouseCode?: string;
  /** By hand only: these lines, each up to `quantity` (default: all it still needs). */
  lines?: { position: number; quantity?: number }[];
}

export interface Allocation {
  orderNumber: string;
  position: number;
  productNumber: string;
  warehouseCode: string;
  quantity: number;
}

export interface LineRequest {
  position: number;
  quantity?: number;
}

async function setAllocated(trx: Knex, lineId: number, allocated: number): Promise<void> {
  await trx('multicase.sales_order_lines')
    .where({ id: lineId })
    .update({ quantity_allocated: qty(allocated) });
}

/**
 * Allocates for the lines of one locked order what they still need, or the requested quantities,
 * as far as available stock goes. Strict (by hand): an explicit quantity beyond what is still to
 * allocate or available is refused. Not strict (a send allocating first): quantities are upper
 * bounds. Without a quantity a line takes what there is (partial allocation).
 */
export async function allocateOrderLines(
  trx: Knex,
  record: string,
  order: Row,
  requests?: LineRequest[],
  strict = true,
): Promise<Allocation[]> {
  const lines = await orderLines(trx, order.id as number);
  let wanted: { line: OrderLine; quantity: number; explicit: boolean }[];
  if (requests === undefined)
    wanted = lines
      .filter((l) => toAllocate(l) > 0)
      .map((line) => ({ line, quantity: toAllocate(line), explicit: false }));
  else {
    uniquePositions(
      record,
      requests.map((r) => r.position),
    );
    wanted = requests.map((r) => {
      const line = lines.find((l) => l.position === r.position);
      if (!line) throw new ValidationError(record, `lines[position ${r.position}]`, 'names no line of the order');
      if (line.isService)
        throw new ValidationError(
          record,
          lineField(r.position, 'position'),
          `names a service item (${line.productNumber}), which is never allocated`,
        );
      const open = toAllocate(line);
      if (r.quantity === undefined) return { line, quantity: open, explicit: false };
      const quantity = positive(record, lineField(r.position, 'quantity'), r.quantity);
      if (!strict) return { line, quantity: Math.min(quantity, open), explicit: false };
      if (quantity > open)
        throw new ValidationError(
          record,
          lineField(r.position, 'quantity'),
          `is ${quantity} but only ${open} is still to allocate`,
        );
      return { line, quantity, explicit: true };
    });
  }
  const warehouse = order.warehouse_id as number;
  const available = await lockAvailable(
    trx,
    warehouse,
    wanted.map((w) => w.line.productId),
  );
  const code = ((await trx('multicase.warehouses').where({ id: warehouse }).first('code')) as Row).code as string;
  const done: Allocation[] = [];
  for (const w of wanted) {
    const left = available.get(w.line.productId) ?? 0;
    if (w.explicit && w.quantity > left)
      throw new ValidationError(
        record,
        lineField(w.line.position, 'quantity'),
        `is ${w.quantity} but only ${left} of ${w.line.productNumber} is available in ${code}`,
      );
    const grant = qty(Math.min(w.quantity, left));
    if (grant <= 0) continue;
    available.set(w.line.productId, qty(left - grant));
    await setAllocated(trx, w.line.id, w.line.allocated + grant);
    w.line.allocated = qty(w.line.allocated + grant);
    done.push({
      orderNumber: order.order_number as string,
      position: w.line.position,
      productNumber: w.line.productNumber,
      warehouseCode: code,
      quantity: grant,
    });
  }
  return done;
}

/** Order lines still to allocate, oldest order first (order date, then order id, then position). */
function candidates(
  trx: Knex,
  productNumber: string | undefined,
  warehouse: number | undefined,
  orderIds?: number[],
): Knex.QueryBuilder {
  const q = trx('multicase.sales_order_lines as l')
    .join('multicase.sales_orders as o', 'o.id', 'l.sales_order_id')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .join('multicase.warehouses as w', 'w.id', 'o.warehouse_id')
    .whereIn('o.status', WORKABLE_STATUSES as unknown as string[])
    .where('p.is_service', false)
    .whereRaw('l.quantity - l.quantity_delivered - l.quantity_allocated > 0');
  if (productNumber !== undefined) q.where('p.product_number', productNumber);
  if (warehouse !== undefined) q.where('o.warehouse_id', warehouse);
  if (orderIds !== undefined) q.whereIn('o.id', orderIds);
  return q;
}

async function allocateByOrderDate(
  trx: Knex,
  productNumber: string | undefined,
  warehouse: number | undefined,
): Promise<Allocation[]> {
  const ids = ((await candidates(trx, productNumber, warehouse).distinct('o.id')) as Row[]).map((r) => r.id as number);
  if (ids.length === 0) return [];
  const locked = (
    (await trx('multicase.sales_orders').whereIn('id', ids).orderBy('id').forUpdate().select('id')) as Row[]
  ).map((r) => r.id as number);
  const rows: Row[] = await candidates(trx, productNumber, warehouse, locked)
    .orderBy([{ column: 'o.order_date' }, { column: 'o.id' }, { column: 'l.position' }])
    .select(
      'l.id',
      'l.position',
      'l.product_id',
      'l.quantity_allocated',
      'o.order_number',
      'o.warehouse_id',
      'p.product_number',
      'w.code as warehouse_code',
    )
    .select(trx.raw('l.quantity - l.quantity_delivered - l.quantity_allocated AS open'));
  const available = new Map<string, number>();
  for (const wid of [...new Set(rows.map((r) => r.warehouse_id as number))].sort((a, b) => a - b)) {
    const levels = await lockAvailable(
      trx,
      wid,
      rows.filter((r) => r.warehouse_id === wid).map((r) => r.product_id as number),
    );
    for (const [product, n] of levels) available.set(`${product}/${wid}`, n);
  }
  const done: Allocation[] = [];
  for (const r of rows) {
    const key = `${r.product_id as number}/${r.warehouse_id as number}`;
    const grant = qty(Math.min(Number(r.open), available.get(key) ?? 0));
    if (grant <= 0) continue;
    available.set(key, qty((available.get(key) ?? 0) - grant));
    await setAllocated(trx, r.id as number, Number(r.quantity_allocated) + grant);
    done.push({
      orderNumber: r.order_number as string,
      position: r.position as number,
      productNumber: r.product_number as string,
      warehouseCode: r.warehouse_code as string,
      quantity: grant,
    });
  }
  return done;
}

/**
 * Allocates available stock: by order date across every open, sent or partly shipped order
 * (optionally for one product and/or warehouse), or by hand for one order. Returns what it
 * allocated; stock that runs short leaves the younger orders' lines (partly) unallocated.
 */
export async function allocate(db: Knex, options: AllocateOptions = {}): Promise<Allocation[]> {
  return db.transaction(async (trx) => {
    if (options.orderNumber === undefined) {
      const record = 'allocation';
      if (options.lines !== undefined)
        throw new ValidationError(record, 'lines', 'can only be given with orderNumber (allocation by hand)');
      let productNumber: string | undefined;
      if (options.productNumber !== undefined) {
        productNumber = text(record, 'productNumber', options.productNumber);
        if (!(await trx('multicase.products').where({ product_number: productNumber }).first('id')))
          throw new ValidationError(record, 'productNumber', `names no known product (${productNumber})`);
      }
      const warehouse =
        options.warehouseCode === undefined ? undefined : await warehouseId(trx, record, options.warehouseCode);
      return allocateByOrderDate(trx, productNumber, warehouse);
    }
    const { record, order } = await lockOrder(trx, options.orderNumber);
    requireWorkable(record, order, 'allocated');
    if (
      options.warehouseCode !== undefined &&
      (await warehouseId(trx, record, options.warehouseCode)) !== order.warehouse_id
    )
      throw new ValidationError(record, 'warehouseCode', `is not the order's warehouse (${options.warehouseCode})`);
    let requests = options.lines;
    if (options.productNumber !== undefined) {
      const lines = await orderLines(trx, order.id as number);
      const matching = lines.filter((l) => l.productNumber === options.productNumber);
      if (matching.length === 0)
        throw new ValidationError(
          record,
          'productNumber',
          `names no product of the order (${String(options.productNumber)})`,
        );
      requests =
        requests === undefined
          ? matching.map((l) => ({ position: l.position }))
          : requests.filter((r) => matching.some((l) => l.position === r.position));
    }
    return allocateOrderLines(trx, record, order, requests);
  });
}

/**
 * Releases the allocation of an order's lines that is not on a picking list at the warehouse:
 * all of it, or the given lines (each up to `quantity`). Sent quantities stay allocated; cancel
 * the picking list first.
 */
export async function deallocate(db: Knex, orderNumber: string, lines?: LineRequest[]): Promise<SalesOrder> {
  return db.transaction(async (trx) => {
    const { record, order } = await lockOrder(trx, orderNumber);
    const all = await orderLines(trx, order.id as number);
    if (lines === undefined) {
      for (const l of all) if (toSend(l) > 0) await setAllocated(trx, l.id, l.sent);
    } else {
      uniquePositions(
        record,
        lines.map((r) => r.position),
      );
      for (const r of lines) {
        const line = all.find((l) => l.position === r.position);
        if (!line) throw new ValidationError(record, `lines[position ${r.position}]`, 'names no line of the order');
        const free = toSend(line);
        const quantity =
          r.quantity === undefined ? free : positive(record, lineField(r.position, 'quantity'), r.quantity);
        if (free <= 0 || quantity > free)
          throw new ValidationError(
            record,
            lineField(r.position, 'quantity'),
            `is ${quantity} but only ${free} is allocated and not sent`,
          );
        await setAllocated(trx, line.id, line.allocated - quantity);
      }
    }
    return (await getSalesOrder(trx, orderNumber))!;
  });
}
