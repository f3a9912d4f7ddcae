/**
 * An order's history in Multicase: where the user who works the order reads what happened to it
 * (sent, shipped, tracking, invoiced, returned, credited) and notes from the warehouse.
 */
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import { tables, type OrderHistoryType } from './tables.js';

export interface OrderHistoryEntry {
  salesOrderId: number;
  type: OrderHistoryType;
  text: string;
  /** The tracking URL of a 'tracking' entry. */
  link?: string | null;
  eventId?: string | null;
}

export async function addOrderHistory(db: MulticaseDb, entry: OrderHistoryEntry): Promise<void> {
  await db('multicase.order_history').insert({
    sales_order_id: entry.salesOrderId,
    entry_type: entry.type,
    text: entry.text,
    link: entry.link ?? null,
    event_id: entry.eventId ?? null,
  });
}

/** A note in the history of the order numbered `orderNumber`; false when there is no such order. */
export async function noteOnOrder(
  trx: MulticaseTransaction,
  note: { orderNumber: string; text: string },
  eventId: string,
): Promise<boolean> {
  const order = readFirst(
    pick(tables.sales_orders, 'id'),
    await trx('multicase.sales_orders').where('order_number', note.orderNumber).first('id'),
  );
  if (!order) return false;
  await addOrderHistory(trx, { salesOrderId: order.id, type: 'note', text: note.text, eventId });
  return true;
}
