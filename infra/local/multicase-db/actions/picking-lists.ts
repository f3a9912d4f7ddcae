/**
 * Picking lists: the user sends an order (or some of its lines) to the warehouse, and may cancel
 * a picking list while it is still there. A picking list holds allocated quantities of goods
 * only; service lines (freight, fees) are never picked. What is not sent stays on the order as a
 * back order.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { allocateNumber } from '../../../../connectors/multicase/adapter/number-series.js';
import { addOrderHistory } from '../../../../connectors/multicase/adapter/order-history.js';
import { getPickingList, type PickingList } from '../reads.js';
import { lineField, positive, uniquePositions, type Row } from './checks.js';
import { allocateOrderLines, type LineRequest } from './allocation.js';
import { WORKABLE_STATUSES, lockOrder, orderLines, qty, toSend, type OrderLine } from './order-rules.js';

export interface SendOptions {
  /**
   * First allocate, from available stock, what the sent lines still need (by hand for this
   * order), as a user does with "allocate and send". Default true. With false only what is
   * already allocated is sent, and a send with nothing allocated is refused.
   */
  allocate?: boolean;
}

/** Ordered, not delivered and not on a picking list at the warehouse. */
const open = (l: OrderLine) => Math.max(qty(l.quantity - l.delivered - l.sent), 0);

/**
 * The user sends an order (all its allocated, not yet sent quantities, or the given lines) to the
 * warehouse: a new picking list, the lines' sent quantities raised, the order marked
 * sent_to_warehouse, and an order-history entry. This is what the `multicase.order.released`
 * flow captures.
 */
export async function sendOrderToWarehouse(
  db: Knex,
  orderNumber: string,
  only?: LineRequest[],
  options: SendOptions = {},
): Promise<PickingList> {
  return db.transaction(async (trx) => {
    const { record, order } = await lockOrder(trx, orderNumber);
    if (!(WORKABLE_STATUSES as readonly string[]).includes(order.status as string))
      throw new ValidationError(
        record,
        'status',
        `is ${order.status as string}: only an open or partly shipped order can be sent to the warehouse`,
      );

    let lines = await orderLines(trx, order.id as number);
    const byPosition = (p: number) => lines.find((l) => l.position === p);
    if (only !== undefined) {
      uniquePositions(
        record,
        only.map((w) => w.position),
      );
      for (const want of only) {
        const line = byPosition(want.position);
        if (!line) throw new ValidationError(record, `lines[position ${want.position}]`, 'names no line of the order');
        if (line.isService)
          throw new ValidationError(
            record,
            lineField(want.position, 'position'),
            `names a service item (${line.productNumber}), which is never picked`,
          );
        if (want.quantity === undefined) continue;
        const quantity = positive(record, lineField(want.position, 'quantity'), want.quantity);
        if (quantity > open(line))
          throw new ValidationError(
            record,
            lineField(want.position, 'quantity'),
            `is ${quantity} but ${open(line)} is open`,
          );
      }
    }

    if (options.allocate !== false) {
      const requests =
        only === undefined
          ? undefined
          : only
              .map((w) => ({
                position: w.position,
                quantity: qty((w.quantity ?? open(byPosition(w.position)!)) - toSend(byPosition(w.position)!)),
              }))
              .filter((r) => r.quantity > 0);
      if (requests === undefined || requests.length > 0) await allocateOrderLines(trx, record, order, requests, false);
      lines = await orderLines(trx, order.id as number);
    }

    let pick: { line: OrderLine; quantity: number }[];
    if (only === undefined)
      pick = lines.filter((l) => !l.isService && toSend(l) > 0).map((line) => ({ line, quantity: toSend(line) }));
    else {
      pick = only.map((want) => {
        const line = byPosition(want.position)!;
        const sendable = toSend(line);
        const quantity = want.quantity ?? sendable;
        if (sendable <= 0 || quantity > sendable)
          throw new ValidationError(
            record,
            lineField(want.position, 'quantity'),
            `is ${quantity} but only ${sendable} of ${line.productNumber} is allocated and not yet sent`,
          );
        return { line, quantity };
      });
    }
    if (pick.length === 0)
      throw new ValidationError(
        record,
        'lines',
        'has nothing left to send to the warehouse: nothing is allocated that is not yet sent',
      );

    const number = await allocateNumber(trx, 'picking_list');
    const [list] = await trx('multicase.picking_lists')
      .insert({ picking_list_number: number, sales_order_id: order.id })
      .returning('id');
    await trx('multicase.picking_list_lines').insert(
      pick.map((p, i) => ({
        picking_list_id: list.id,
        position: i + 1,
        sales_order_line_id: p.line.id,
        quantity: p.quantity,
      })),
    );
    for (const p of pick)
      await trx('multicase.sales_order_lines')
        .where({ id: p.line.id })
        .update({ quantity_sent: qty(p.line.sent + p.quantity) });
    if (order.status === 'open')
      await trx('multicase.sales_orders').where({ id: order.id }).update({ status: 'sent_to_warehouse' });
    await addOrderHistory(trx, {
      salesOrderId: order.id as number,
      type: 'sent_to_warehouse',
      text: `Picking list ${number} sent to the warehouse`,
    });
    return (await getPickingList(trx, number))!;
  });
}

/**
 * Gives the quantities of a picking list still at the warehouse (status sent) back to its order:
 * they are no longer sent, but stay allocated. An order with nothing else at the warehouse and
 * nothing delivered becomes open again.
 */
export async function cancelPickingList(db: Knex, pickingListNumber: string): Promise<PickingList> {
  const record = `picking list ${String(pickingListNumber)}`;
  return db.transaction(async (trx) => {
    const found: Row | undefined = await trx('multicase.picking_lists as pl')
      .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
      .where('pl.picking_list_number', pickingListNumber)
      .first('o.order_number');
    if (!found) throw new ValidationError(record, 'pickingListNumber', 'names no known picking list');
    const { order } = await lockOrder(trx, found.order_number);
    const list: Row = await trx('multicase.picking_lists')
      .where({ picking_list_number: pickingListNumber })
      .forUpdate()
      .first('id', 'status');
    if (list.status !== 'sent')
      throw new ValidationError(
        record,
        'status',
        `is ${list.status as string}: only a picking list still at the warehouse (sent) can be cancelled`,
      );

    // Service lines on lists sent before migration 0010 were never counted as sent.
    const picked: Row[] = await trx('multicase.picking_list_lines as pll')
      .join('multicase.sales_order_lines as l', 'l.id', 'pll.sales_order_line_id')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where({ 'pll.picking_list_id': list.id, 'p.is_service': false })
      .select('pll.sales_order_line_id', 'pll.quantity');
    for (const p of picked)
      await trx('multicase.sales_order_lines')
        .where({ id: p.sales_order_line_id })
        .decrement('quantity_sent', Number(p.quantity));
    await trx('multicase.picking_lists').where({ id: list.id }).update({ status: 'cancelled' });

    const othersSent = await trx('multicase.picking_lists')
      .where({ sales_order_id: order.id, status: 'sent' })
      .first('id');
    const delivered = await trx('multicase.sales_order_lines')
      .where({ sales_order_id: order.id })
      .where('quantity_delivered', '>', 0)
      .first('id');
    if (order.status === 'sent_to_warehouse' && !othersSent && !delivered)
      await trx('multicase.sales_orders').where({ id: order.id }).update({ status: 'open' });
    await addOrderHistory(trx, {
      salesOrderId: order.id as number,
      type: 'note',
      text: `Picking list ${pickingListNumber} cancelled; its quantities are back on the order`,
    });
    return (await getPickingList(trx, pickingListNumber))!;
  });
}
