/**
 * The other reading of a partial delivery (research note §4, P2): the warehouse closes the order at
 * what it sent and moves the rest to a back order, a new order of its own (new order id, number
 * and line ids) whose `orderInfo.advanced.backOrderInfo.backOrderForOrderId` names the original,
 * found with `GET /orders?backOrderForOrderId=`. Ongoing does not say whether the back order keeps
 * the original's row numbers; the simulator copies them, with the line's other data.
 */
import type { Knex } from 'knex';
import type { OrderLineRow, OrderRow } from './order-shape.js';
import { ORDER_STATUS } from './reference-data.js';
import { touchStock } from './stock.js';
import { conflict } from './operator-common.js';

/** Creates the back order of an order sent in part; returns its order id. */
export async function splitBackOrder(
  trx: Knex.Transaction,
  order: OrderRow,
  backOrderNumber: string | undefined,
): Promise<number> {
  if (order.status_number < ORDER_STATUS.sent || order.status_number === ORDER_STATUS.cancelled)
    throw conflict(`Order ${order.order_number} is not sent: only the rest of a sent order goes to a back order.`);
  const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id }).orderBy('id');
  const rest = lines.filter((l) => l.ordered > l.picked);
  if (rest.length === 0) throw conflict(`Order ${order.order_number} has nothing left for a back order.`);
  const number = backOrderNumber ?? `${order.order_number}-B`;
  if (await trx('orders').where({ goods_owner_id: order.goods_owner_id, order_number: number }).first())
    throw conflict(`Order number ${number} is taken.`);
  const [created] = await trx('orders')
    .insert({
      goods_owner_id: order.goods_owner_id,
      order_number: number,
      status_number: ORDER_STATUS.open,
      delivery_date: order.delivery_date,
      data: JSON.stringify({ ...order.data, backOrderForOrderId: order.order_id }),
    })
    .returning('order_id');
  const orderId = (created as { order_id: number }).order_id;
  await trx('order_lines').insert(
    rest.map((l) => ({
      order_id: orderId,
      row_number: l.row_number,
      article_system_id: l.article_system_id,
      ordered: l.ordered - l.picked,
      data: JSON.stringify(l.data),
    })),
  );
  await touchStock(
    trx,
    rest.map((l) => l.article_system_id),
  );
  return orderId;
}
