/**
 * Sales orders and their picking lists (what a user sent to the warehouse), as the shipment and
 * the stock adjustments read and change them.
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst, readRow, readRows } from './columns.js';
import { tables, type PickingListRow, type SalesOrderRow } from './tables.js';
import { toQuantity, type Quantity } from './values.js';

/**
 * The picking list numbered `pickingListNumber` and its order, both locked: the order header before
 * the picking list, as the user actions lock them, so neither side deadlocks. Null when Multicase
 * has no such picking list.
 */
export async function lockOrderAndPickingList(
  trx: MulticaseTransaction,
  pickingListNumber: string,
): Promise<{ order: SalesOrderRow; list: PickingListRow } | null> {
  const found = readFirst(
    pick(tables.picking_lists, 'id', 'sales_order_id'),
    await trx('multicase.picking_lists').where('picking_list_number', pickingListNumber).first('id', 'sales_order_id'),
  );
  if (!found) return null;
  const order = readRow(
    tables.sales_orders,
    await trx('multicase.sales_orders').where('id', found.sales_order_id).forUpdate().first(),
  );
  const list = readRow(
    tables.picking_lists,
    await trx('multicase.picking_lists').where('id', found.id).forUpdate().first(),
  );
  return { order, list };
}

const ORDER_LINE = {
  ...pick(
    tables.sales_order_lines,
    'id',
    'position',
    'product_id',
    'quantity',
    'quantity_delivered',
    'quantity_allocated',
    'quantity_sent',
  ),
  ...pick(tables.products, 'product_number', 'is_service'),
};

/** The lines of an order (locked with it) with their product: what each holds delivered, allocated and sent. */
export async function orderLinesOf(trx: MulticaseTransaction, salesOrderId: number) {
  return readRows(
    ORDER_LINE,
    await trx('multicase.sales_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('l.sales_order_id', salesOrderId)
      .orderBy('l.position')
      .select(
        'l.id',
        'l.position',
        'l.product_id',
        'l.quantity',
        'l.quantity_delivered',
        'l.quantity_allocated',
        'l.quantity_sent',
        'p.product_number',
        'p.is_service',
      ),
  );
}

export type OrderLine = Awaited<ReturnType<typeof orderLinesOf>>[number];

const LIST_LINE = {
  ...pick(tables.picking_list_lines, 'position', 'quantity', 'sales_order_line_id'),
  ...pick(tables.sales_order_lines, 'product_id'),
  ...pick(tables.products, 'product_number', 'is_service'),
};

/** The lines of a picking list, with the product each order line is for. */
export async function pickingListLines(trx: MulticaseTransaction, pickingListId: number) {
  return readRows(
    LIST_LINE,
    await trx('multicase.picking_list_lines as pll')
      .join('multicase.sales_order_lines as l', 'l.id', 'pll.sales_order_line_id')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('pll.picking_list_id', pickingListId)
      .select(
        'pll.position',
        'pll.quantity',
        'pll.sales_order_line_id',
        'l.product_id',
        'p.product_number',
        'p.is_service',
      ),
  );
}

export type PickingListLine = Awaited<ReturnType<typeof pickingListLines>>[number];

/** What earlier deliveries of a picking list delivered, per order line. */
export async function deliveredOnPickingList(
  trx: MulticaseTransaction,
  pickingListId: number,
): Promise<Map<number, Quantity>> {
  const rows: { sales_order_line_id: number; delivered: unknown }[] = await trx('multicase.delivery_lines as dl')
    .join('multicase.deliveries as d', 'd.id', 'dl.delivery_id')
    .where('d.picking_list_id', pickingListId)
    .groupBy('dl.sales_order_line_id')
    .select('dl.sales_order_line_id', trx.raw('sum(dl.quantity) AS delivered'));
  return new Map(rows.map((r) => [r.sales_order_line_id, toQuantity(r.delivered)]));
}

export async function closePickingList(trx: MulticaseTransaction, pickingListId: number): Promise<void> {
  await trx('multicase.picking_lists')
    .where('id', pickingListId)
    .update({ status: 'shipped', updated_at: trx.fn.now() });
}

/** The order's status as its stocked lines stand: shipped, partly shipped, at the warehouse, or open. */
export async function updateOrderStatus(trx: MulticaseTransaction, order: SalesOrderRow): Promise<void> {
  const lines = readRows(
    pick(tables.sales_order_lines, 'quantity', 'quantity_delivered', 'quantity_sent'),
    await trx('multicase.sales_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where({ 'l.sales_order_id': order.id, 'p.is_service': false })
      .select('l.quantity', 'l.quantity_delivered', 'l.quantity_sent'),
  );
  const complete = lines.every((l) => l.quantity_delivered >= l.quantity);
  const any = lines.some((l) => l.quantity_delivered > 0);
  const atWarehouse = lines.some((l) => l.quantity_sent > 0);
  const status = complete ? 'shipped' : any ? 'partly_shipped' : atWarehouse ? 'sent_to_warehouse' : 'open';
  if (status !== order.status)
    await trx('multicase.sales_orders').where('id', order.id).update({ status, updated_at: trx.fn.now() });
}

/** The order a picking list belongs to, by number; null when there is no such picking list. */
export async function orderNumberOfPickingList(
  trx: MulticaseTransaction,
  pickingListNumber: string,
): Promise<string | null> {
  const found = readFirst(
    pick(tables.sales_orders, 'order_number'),
    await trx('multicase.picking_lists as pl')
      .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
      .where('pl.picking_list_number', pickingListNumber)
      .first('o.order_number'),
  );
  return found?.order_number ?? null;
}
