/**
 * The operator receiving a return order: the goods come back on its customer order's lines. A
 * return order may also be registered in the warehouse itself (a parcel the customer or carrier
 * sent back that nobody announced): made against the outbound order and received at once.
 */
import type { Knex } from 'knex';
import type { ReceiveReturnLine, RegisterReturnRequest } from './control.js';
import { notFound } from './http.js';
import type { OrderLineRow, OrderRow } from './order-shape.js';
import { RETURN_ORDER_STATUS } from './reference-data.js';
import type { ReturnOrderLineRow, ReturnOrderRow, ReturnedItem } from './return-orders.js';
import { conflict, now, pickLineFor, quantity } from './operator-common.js';
import { returnGoodsOnOrder } from './operator-orders.js';

export async function receiveReturnOrder(
  trx: Knex.Transaction,
  ro: ReturnOrderRow,
  wanted: ReceiveReturnLine[] | undefined,
): Promise<void> {
  if (ro.status_number === RETURN_ORDER_STATUS.cancelled)
    throw conflict(`Return order ${ro.return_order_number} is cancelled.`);
  const lines: ReturnOrderLineRow[] = await trx('return_order_lines')
    .where({ return_order_id: ro.return_order_id })
    .orderBy('id');
  const plan = wanted
    ? wanted.map((w) => {
        const line = lines.find((l) =>
          w.returnOrderLineId !== undefined
            ? l.id === w.returnOrderLineId
            : l.row_number === String(w.returnOrderRowNumber),
        );
        if (!line)
          throw notFound(
            `Return order ${ro.return_order_number} has no line ${w.returnOrderLineId ?? w.returnOrderRowNumber}.`,
          );
        return { line, input: w };
      })
    : lines
        .filter((l) => l.to_be_returned > l.returned)
        .map((l) => ({ line: l, input: { numberOfItems: l.to_be_returned - l.returned } as ReceiveReturnLine }));
  const order: OrderRow = await trx('orders').where({ order_id: ro.order_id }).first();
  for (const { line, input } of plan) {
    const n = quantity(input.numberOfItems, `return order line ${line.id}`);
    if (n === 0) continue;
    const cause = input.returnCause ?? line.return_cause ?? null;
    await returnGoodsOnOrder(trx, order, [
      { orderLineId: line.order_line_id, numberOfItems: n, ...(cause ? { returnCause: cause } : {}) },
    ]);
    const item: ReturnedItem = {
      numberOfItems: n,
      returnTime: now(),
      returnCause: cause,
      returnComment: input.comment ?? null,
      isReturnRemovedByInventory: false,
      batch: null,
      serial: null,
    };
    line.returned += n;
    line.returned_items = [...line.returned_items, item];
    await trx('return_order_lines')
      .where({ id: line.id })
      .update({ returned: line.returned, returned_items: JSON.stringify(line.returned_items) });
  }
  const complete = lines.every((l) => l.returned >= l.to_be_returned);
  const anything = lines.some((l) => l.returned > 0);
  const status = complete ? RETURN_ORDER_STATUS.received : anything ? RETURN_ORDER_STATUS.arrived : ro.status_number;
  await trx('return_orders')
    .where({ return_order_id: ro.return_order_id })
    .update({ status_number: status, last_returned_at: trx.fn.now(), updated_at: trx.fn.now() });
}

/** A return order the warehouse registers against an outbound order and receives at once; returns its id. */
export async function registerReturnOrder(
  trx: Knex.Transaction,
  order: OrderRow,
  request: RegisterReturnRequest,
): Promise<number> {
  const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id }).orderBy('id');
  if (!request.lines?.length) throw conflict('lines is required: [{orderLineId | rowNumber, numberOfItems}].');
  const count = await trx('return_orders').where({ order_id: order.order_id }).count<{ n: string }[]>('* as n');
  const number = request.returnOrderNumber ?? `RO-${order.order_number}-${Number(count[0]?.n ?? 0) + 1}`;
  const [created] = await trx('return_orders')
    .insert({
      goods_owner_id: order.goods_owner_id,
      return_order_number: number,
      order_id: order.order_id,
      status_number: RETURN_ORDER_STATUS.notified,
      data: JSON.stringify(request.comment ? { comment: request.comment } : {}),
    })
    .returning('return_order_id');
  const returnOrderId = (created as { return_order_id: number }).return_order_id;
  await trx('return_order_lines').insert(
    request.lines.map((l, i) => ({
      return_order_id: returnOrderId,
      row_number: String(i + 1),
      order_line_id: pickLineFor(lines, l, `Order ${order.order_number}`).id,
      to_be_returned: quantity(l.numberOfItems, `return line ${i + 1}`),
      return_cause: l.returnCause ? JSON.stringify(l.returnCause) : null,
    })),
  );
  const ro: ReturnOrderRow = await trx('return_orders').where({ return_order_id: returnOrderId }).first();
  await receiveReturnOrder(
    trx,
    ro,
    request.lines.map((l, i) => ({
      returnOrderRowNumber: String(i + 1),
      numberOfItems: l.numberOfItems,
      ...(l.comment ? { comment: l.comment } : {}),
    })),
  );
  return returnOrderId;
}
