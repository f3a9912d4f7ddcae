/**
 * Stock the warehouse reports gone (a count down, a picking discrepancy, a receipt or a return
 * corrected down) is booked in full: the warehouse holds the physical truth. Multicase's model
 * keeps on hand at or above what is allocated to orders, so allocation is released first, from
 * the order lines that hold it:
 *
 *   1. for a picking discrepancy, the order line on the picking list it was found on;
 *   2. then the other lines' allocation not sent to the warehouse, newest orders first;
 *   3. then allocation already sent (on picking lists at the warehouse), newest orders first:
 *      the warehouse cannot pick stock that is not there.
 *
 * Released quantities stay on their order as back order without allocation, for the user to
 * re-plan. Only what would take on hand below zero stays unbooked. raiseForFall raises the
 * exceptions, in the words of the document the fall came with.
 */
import type { MulticaseTransaction } from './commands.js';
import { boolean, pick, readRows } from './columns.js';
import { raiseException, type NewException, type RaisedBy } from './exceptions.js';
import { bookStockMovement, lockStock } from './stock.js';
import { tables, type StockKind } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

export interface StockFall {
  productId: number;
  warehouseId: number;
  /** How much the stock fell (positive). */
  quantity: Quantity;
  kind: StockKind;
  reference: string | null;
  cause: string;
  eventId: string;
  /** A picking discrepancy: the picking list it was found on, whose order line gives up its allocation first. */
  pickingListNumber?: string | null;
}

/** Allocation released from one order line. */
export interface Released {
  salesOrderId: number;
  orderNumber: string;
  position: number;
  quantity: Quantity;
  /** Of it, what had been sent to the warehouse. */
  sent: Quantity;
}

export interface FallBooked {
  booked: Quantity;
  /** What would have taken on hand below zero (positive; 0 when none). */
  notBooked: Quantity;
  released: Released[];
  onHandBefore: Quantity;
  allocatedBefore: Quantity;
}

/** How much of a fall stock of `onHand` (of which `allocated` is allocated) can book, and how much allocation must go first. */
export function planFall(
  fall: Quantity,
  onHand: Quantity,
  allocated: Quantity,
): { book: Quantity; notBooked: Quantity; release: Quantity } {
  const book = roundQuantity(Math.min(fall, Math.max(onHand, 0)));
  const release = roundQuantity(Math.max(0, allocated - (onHand - book)));
  return { book, notBooked: roundQuantity(fall - book), release };
}

const CANDIDATE = {
  ...pick(tables.sales_order_lines, 'id', 'sales_order_id', 'position', 'quantity_allocated', 'quantity_sent'),
  ...pick(tables.sales_orders, 'order_number'),
  on_list: boolean,
};

/** The order lines holding allocation of a product in a warehouse, locked, in the order they give it up. */
async function allocatedLines(
  trx: MulticaseTransaction,
  productId: number,
  warehouseId: number,
  pickingListNumber: string | null,
) {
  return readRows(
    CANDIDATE,
    await trx('multicase.sales_order_lines as l')
      .join('multicase.sales_orders as o', 'o.id', 'l.sales_order_id')
      .where({ 'l.product_id': productId, 'o.warehouse_id': warehouseId })
      .where('l.quantity_allocated', '>', 0)
      .orderBy([
        { column: 'o.order_date', order: 'desc' },
        { column: 'o.id', order: 'desc' },
        { column: 'l.position', order: 'desc' },
      ])
      .forUpdate('l')
      .select(
        'l.id',
        'l.sales_order_id',
        'l.position',
        'l.quantity_allocated',
        'l.quantity_sent',
        'o.order_number',
        trx.raw(
          `EXISTS (SELECT 1 FROM multicase.picking_list_lines pll JOIN multicase.picking_lists pl ON pl.id = pll.picking_list_id
                    WHERE pll.sales_order_line_id = l.id AND pl.picking_list_number = ?) AS on_list`,
          [pickingListNumber ?? ''],
        ),
      ),
  );
}

/** Releases `quantity` of allocation of a product in a warehouse from the order lines that hold it (see the file's comment). */
export async function releaseAllocation(
  trx: MulticaseTransaction,
  where: { productId: number; warehouseId: number; pickingListNumber?: string | null },
  quantity: Quantity,
): Promise<Released[]> {
  const lines = await allocatedLines(trx, where.productId, where.warehouseId, where.pickingListNumber ?? null);
  const taken = new Map<number, { unsent: Quantity; sent: Quantity }>();
  let left = quantity;
  const take = (line: (typeof lines)[number], from: 'unsent' | 'sent') => {
    const t = taken.get(line.id) ?? { unsent: 0, sent: 0 };
    const available =
      from === 'unsent' ? line.quantity_allocated - line.quantity_sent - t.unsent : line.quantity_sent - t.sent;
    const n = roundQuantity(Math.min(left, Math.max(available, 0)));
    if (n <= 0) return;
    t[from] = roundQuantity(t[from] + n);
    taken.set(line.id, t);
    left = roundQuantity(left - n);
  };
  const named = lines.filter((l) => l.on_list);
  for (const l of named) {
    take(l, 'unsent');
    take(l, 'sent');
  }
  for (const l of lines) take(l, 'unsent');
  for (const l of lines) take(l, 'sent');

  const released: Released[] = [];
  for (const l of lines) {
    const t = taken.get(l.id);
    if (!t) continue;
    const total = roundQuantity(t.unsent + t.sent);
    await trx('multicase.sales_order_lines')
      .where('id', l.id)
      .update({
        quantity_allocated: roundQuantity(l.quantity_allocated - total),
        quantity_sent: roundQuantity(l.quantity_sent - t.sent),
      });
    released.push({
      salesOrderId: l.sales_order_id,
      orderNumber: l.order_number,
      position: l.position,
      quantity: total,
      sent: t.sent,
    });
  }
  return released;
}

/** Books a fall of stock in full, releasing allocation as far as needed; only what would go below zero is left unbooked. */
export async function bookStockFall(trx: MulticaseTransaction, fall: StockFall): Promise<FallBooked> {
  const stock = await lockStock(trx, fall.productId, fall.warehouseId);
  const plan = planFall(fall.quantity, stock.quantity, stock.allocated);
  const released =
    plan.release > 0
      ? await releaseAllocation(
          trx,
          {
            productId: fall.productId,
            warehouseId: fall.warehouseId,
            pickingListNumber: fall.pickingListNumber ?? null,
          },
          plan.release,
        )
      : [];
  if (plan.book > 0)
    await bookStockMovement(trx, {
      productId: fall.productId,
      warehouseId: fall.warehouseId,
      quantityChange: -plan.book,
      kind: fall.kind,
      reference: fall.reference,
      cause: fall.cause,
      eventId: fall.eventId,
    });
  return {
    booked: plan.book,
    notBooked: plan.notBooked,
    released,
    onHandBefore: stock.quantity,
    allocatedBefore: stock.allocated,
  };
}

/** "order 100012 line 1: 2 (1 of it sent)", for an exception's reason. */
export const describeReleased = (released: readonly Released[]): string =>
  released
    .map(
      (r) =>
        `order ${r.orderNumber} line ${r.position}: ${r.quantity}${r.sent > 0 ? ` (${r.sent} of it on a picking list at the warehouse)` : ''}`,
    )
    .join('; ');

/** Where a fall came from, for its exceptions. */
export interface FallContext {
  /** The exception's kind when allocation was released. */
  releasedKind: 'received_less_after_allocation' | 'stock_lost_allocation_released';
  document: NewException['document'];
  productId: number;
  productNumber: string;
  warehouseId: number;
  /** How the fall happened, as the start of a sentence: "Ongoing inventory 12 counted TENT-2P down by 3". */
  what: string;
  purchaseOrderId?: number | null;
  returnOrderId?: number | null;
  pickingListId?: number | null;
}

/** The exceptions a fall gives rise to: allocation released from orders (named), and what went below zero. */
export async function raiseForFall(
  trx: MulticaseTransaction,
  fall: FallBooked,
  ctx: FallContext,
  by: RaisedBy,
): Promise<void> {
  const on = {
    document: ctx.document,
    productId: ctx.productId,
    warehouseId: ctx.warehouseId,
    purchaseOrderId: ctx.purchaseOrderId ?? null,
    returnOrderId: ctx.returnOrderId ?? null,
    pickingListId: ctx.pickingListId ?? null,
  };
  const released = roundQuantity(fall.released.reduce((n, r) => n + r.quantity, 0));
  if (released > 0)
    await raiseException(
      trx,
      {
        ...on,
        kind: ctx.releasedKind,
        salesOrderIds: fall.released.map((r) => r.salesOrderId),
        reported: -(fall.booked + fall.notBooked),
        booked: -fall.booked,
        reason:
          `${ctx.what}; Multicase had ${fall.onHandBefore} on hand with ${fall.allocatedBefore} allocated, so ` +
          `allocation of ${released} × ${ctx.productNumber} was released (${describeReleased(fall.released)}) and the fall booked in full.`,
        details: { released: fall.released, onHandBefore: fall.onHandBefore, allocatedBefore: fall.allocatedBefore },
      },
      by,
    );
  if (fall.notBooked > 0)
    await raiseException(
      trx,
      {
        ...on,
        kind: 'stock_below_zero',
        reported: -(fall.booked + fall.notBooked),
        booked: -fall.booked,
        stockNotBooked: -fall.notBooked,
        reason:
          `${ctx.what}; Multicase had only ${fall.onHandBefore} on hand: ${fall.booked} booked, ` +
          `${fall.notBooked} × ${ctx.productNumber} could not be (on hand never goes below zero).`,
        details: { onHandBefore: fall.onHandBefore, allocatedBefore: fall.allocatedBefore },
      },
      by,
    );
}
