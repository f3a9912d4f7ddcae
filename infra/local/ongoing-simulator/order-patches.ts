/**
 * One-field PATCHes on an order: status, transporter, waybill, and the "reporting back"
 * acknowledgements. Each order line keeps `reportedNumberOfItems` beside `pickedNumberOfItems`
 * (and `reportedReturnedNumberOfItems` beside `returnedNumberOfItems`); an integration lists
 * orders whose lines differ, processes them and writes the quantity back, so partial picks and
 * returns reappear until acknowledged.
 */
import type { Knex } from 'knex';
import type { ApiRequest, RouteTable } from './context.js';
import { field, idParam, notFound, refused, type Json, type Reply } from './http.js';
import type { OrderLineRow, OrderRow } from './order-shape.js';
import { findOrder } from './orders.js';
import { ORDER_STATUS, requireTransporter } from './reference-data.js';

type OrderChange = (
  trx: Knex.Transaction,
  order: OrderRow,
  body: Json | undefined,
  params: Record<string, string>,
) => Promise<string>;

/** Wraps a change to one order in its goods owner's write turn and answers `{orderId, message}`. */
function patch(change: OrderChange, needsBody = true) {
  return async (req: ApiRequest): Promise<Reply> => {
    const order = await findOrder(req, idParam(req.params, 'orderId'));
    const body = needsBody ? req.body() : undefined;
    return req.store.write(order.goods_owner_id, async (trx) => {
      const fresh: OrderRow = await trx('orders').where({ order_id: order.order_id }).first();
      const message = await change(trx, fresh, body, req.params);
      await trx('orders').where({ order_id: order.order_id }).update({ updated_at: trx.fn.now() });
      return { body: { orderId: order.order_id, message } };
    });
  };
}

async function orderLine(
  trx: Knex.Transaction,
  order: OrderRow,
  params: Record<string, string>,
): Promise<OrderLineRow> {
  const lineId = idParam(params, 'orderLineId');
  const line: OrderLineRow | undefined = await trx('order_lines')
    .where({ id: lineId, order_id: order.order_id })
    .first();
  if (!line) throw notFound(`Order ${order.order_number} has no order line with id ${lineId}.`);
  return line;
}

export function registerOrderPatchRoutes(router: RouteTable): void {
  router.add(
    'PATCH',
    '/orders/{orderId}/orderStatus',
    patch(async (trx, order, body) => {
      const number = field.requiredInt(body!, 'orderStatusNumber');
      const known = await trx('statuses').where({ kind: 'order', number }).first();
      if (!known)
        throw refused(`Order status ${number} does not exist. Valid statuses are listed by GET /orders/statuses.`);
      if (order.status_number > ORDER_STATUS.released) {
        throw refused(
          `The status of order ${order.order_number} can not be changed: goods have been allocated (order status ${order.status_number}).`,
        );
      }
      await trx('orders')
        .where({ order_id: order.order_id })
        .update({ status_number: number, status_changed_at: trx.fn.now() });
      return `Order status set to ${number}.`;
    }),
  );

  router.add(
    'PATCH',
    '/orders/{orderId}/transporter',
    patch(async (trx, order, body) => {
      const transporterCode = field.requiredString(body!, 'transporterCode');
      const transporterServiceCode = field.string(body!, 'transporterServiceCode');
      await requireTransporter(trx, transporterCode, transporterServiceCode);
      if (order.status_number >= ORDER_STATUS.sent && order.status_number !== ORDER_STATUS.cancelled) {
        throw refused(`The transporter of order ${order.order_number} can not be changed: it has been sent.`);
      }
      const data = {
        ...order.data,
        transporter: { transporterCode, ...(transporterServiceCode ? { transporterServiceCode } : {}) },
      };
      await trx('orders')
        .where({ order_id: order.order_id })
        .update({ data: JSON.stringify(data) });
      return 'Transporter updated.';
    }),
  );

  router.add(
    'PATCH',
    '/orders/{orderId}/setReportedNumberOfItemsToPickedNumberOfItems',
    patch(async (trx, order) => {
      const n = await trx('order_lines')
        .where({ order_id: order.order_id })
        .update({ reported: trx.ref('picked') });
      return `Reported number of items set to picked number of items on ${n} order line(s).`;
    }, false),
  );

  router.add(
    'PATCH',
    '/orders/{orderId}/setReportedReturnedNumberOfItemsToReturnedNumberOfItems',
    patch(async (trx, order) => {
      const n = await trx('order_lines')
        .where({ order_id: order.order_id })
        .update({ reported_returned: trx.ref('returned') });
      return `Reported returned number of items set to returned number of items on ${n} order line(s).`;
    }, false),
  );

  for (const [segment, column, bodyField] of [
    ['reportedNumberOfItems', 'reported', 'reportedNumberOfItems'],
    ['reportedReturnedNumberOfItems', 'reported_returned', 'reportedReturnedNumberOfItems'],
  ] as const) {
    router.add(
      'PATCH',
      `/orders/{orderId}/lines/{orderLineId}/${segment}`,
      patch(async (trx, order, body, params) => {
        const value = field.requiredNumber(body!, bodyField);
        const line = await orderLine(trx, order, params);
        await trx('order_lines')
          .where({ id: line.id })
          .update({ [column]: value });
        return `${bodyField} set to ${value} on order line ${line.id}.`;
      }),
    );
  }
}
