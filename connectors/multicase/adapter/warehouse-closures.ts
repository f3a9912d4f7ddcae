/**
 * The warehouse cancelled an order of a picking list, or closed it with nothing picked: nothing of
 * it will ship. The picking list leaves the warehouse's hands in Multicase: its quantities are no
 * longer sent and their allocation is released (the back order is the user's to plan again), the
 * list is cancelled (or, closed at another status, marked shipped: the warehouse is done with it,
 * and there is nothing to cancel in Ongoing), and an integration exception says so, which notes it
 * in the order's history. A picking list that is not at the warehouse in Multicase any more
 * (cancelled by the user, which is how Ongoing got its cancel, or shipped, or moved to another
 * warehouse) changes nothing.
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { lockOrderAndPickingList, pickingListLines, updateOrderStatus } from './sales-orders.js';
import { tables } from './tables.js';
import { roundQuantity } from './values.js';

export interface WarehouseClosure {
  pickingListNumber: string;
  /** The Multicase warehouse Ongoing runs. */
  warehouseCode: string | null;
  statusNumber: number;
  statusText: string | null;
  /** Cancelled in the warehouse, or closed at another status. */
  cancelled: boolean;
}

export async function closePickingListInWarehouse(
  trx: MulticaseTransaction,
  closure: WarehouseClosure,
  by: RaisedBy,
): Promise<void> {
  const locked = await lockOrderAndPickingList(trx, closure.pickingListNumber);
  if (!locked || locked.list.status !== 'sent') return;
  const { order, list } = locked;
  const warehouse = readFirst(
    pick(tables.warehouses, 'code'),
    await trx('multicase.warehouses').where('id', order.warehouse_id).first('code'),
  );
  if (closure.warehouseCode !== null && warehouse?.code !== closure.warehouseCode) return;
  const lines = (await pickingListLines(trx, list.id)).filter((l) => !l.is_service);
  for (const l of lines)
    await trx('multicase.sales_order_lines')
      .where('id', l.sales_order_line_id)
      .update({
        quantity_sent: trx.raw('quantity_sent - ?', [l.quantity]),
        quantity_allocated: trx.raw('quantity_allocated - ?', [l.quantity]),
      });
  await trx('multicase.picking_lists')
    .where('id', list.id)
    .update({ status: closure.cancelled ? 'cancelled' : 'shipped', updated_at: trx.fn.now() });
  await updateOrderStatus(trx, order);
  const status = `${closure.statusNumber}${closure.statusText ? ` ${closure.statusText}` : ''}`;
  const what = lines.map((l) => `${l.quantity} × ${l.product_number}`).join(', ');
  await raiseException(
    trx,
    {
      kind: closure.cancelled ? 'order_cancelled_in_warehouse' : 'order_closed_short_in_warehouse',
      document: { type: 'picking_list', number: list.picking_list_number },
      salesOrderId: order.id,
      pickingListId: list.id,
      productId: lines.length === 1 ? lines[0]!.product_id : null,
      warehouseId: order.warehouse_id,
      expected: roundQuantity(lines.reduce((s, l) => s + l.quantity, 0)),
      reported: 0,
      booked: 0,
      reason:
        `The warehouse ${closure.cancelled ? 'cancelled' : 'closed'} picking list ${list.picking_list_number} of order ${order.order_number} ` +
        `with nothing picked (Ongoing status ${status}). ${what || 'Its quantities'} ${lines.length === 1 ? 'is' : 'are'} back on the order's back order, their allocation released.`,
      details: {
        statusNumber: closure.statusNumber,
        statusText: closure.statusText,
        lines: lines.map((l) => ({ productNumber: l.product_number, quantity: l.quantity })),
      },
    },
    by,
  );
}
