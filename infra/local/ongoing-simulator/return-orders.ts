/**
 * Announced returns: `PUT /returnOrders` upserts by `returnOrderNumber` against Ongoing's own
 * `orderId` and order-line ids; `GET /returnOrders` filters by numbers, customer order numbers,
 * `goodsReturnedFromDate` and status range (no cursor in the real API either).
 */
import type { Knex } from 'knex';
import type { ApiRequest, RouteTable } from './context.js';
import { field, idParam, invalid, notFound, refused, utc, type Json, type Reply } from './http.js';
import type { OrderLineRow, OrderRow } from './order-shape.js';
import { RETURN_ORDER_STATUS, statusOf, statusTexts } from './reference-data.js';
import type { Store } from './store.js';

export interface ReturnedItem {
  numberOfItems: number;
  returnTime: string;
  returnCause: { code: string; name: string } | null;
  returnComment: string | null;
  isReturnRemovedByInventory: boolean;
  batch: string | null;
  serial: string | null;
}

export interface ReturnOrderRow {
  return_order_id: number;
  goods_owner_id: number;
  return_order_number: string;
  order_id: number;
  status_number: number;
  in_date: Date | null;
  data: Json;
  last_returned_at: Date | null;
}

export interface ReturnOrderLineRow {
  id: number;
  return_order_id: number;
  row_number: string;
  order_line_id: number;
  to_be_returned: number;
  returned: number;
  return_cause: { code: string; name: string } | null;
  returned_items: ReturnedItem[];
}

interface LineJoined extends ReturnOrderLineRow {
  order_row_number: string;
  picked: number;
  article_system_id: number;
  article_number: string;
  article_name: string | null;
  product_code: string | null;
}

export async function returnOrderOut(
  store: Store,
  db: Knex | Knex.Transaction,
  rows: ReturnOrderRow[],
): Promise<Json[]> {
  if (rows.length === 0) return [];
  const lines: LineJoined[] = await db('return_order_lines as r')
    .join('order_lines as l', 'l.id', 'r.order_line_id')
    .join('articles as a', 'a.article_system_id', 'l.article_system_id')
    .whereIn(
      'r.return_order_id',
      rows.map((r) => r.return_order_id),
    )
    .orderBy('r.id')
    .select(
      'r.*',
      'l.row_number as order_row_number',
      'l.picked',
      'l.article_system_id',
      'a.article_number',
      db.raw(`a.data->>'articleName' AS article_name`),
      db.raw(`a.data->>'productCode' AS product_code`),
    );
  const orders: Pick<OrderRow, 'order_id' | 'order_number'>[] = await db('orders')
    .whereIn(
      'order_id',
      rows.map((r) => r.order_id),
    )
    .select('order_id', 'order_number');
  const orderNumbers = new Map(orders.map((o) => [o.order_id, o.order_number]));
  const texts = await statusTexts(db, 'returnOrder');
  return rows.map((r) => ({
    goodsOwner: { id: r.goods_owner_id, name: store.goodsOwner(r.goods_owner_id)?.name ?? null },
    returnOrderInfo: {
      returnOrderId: r.return_order_id,
      returnOrderNumber: r.return_order_number,
      comment: r.data.comment ?? null,
      inDate: utc(r.in_date),
      returnOrderStatus: statusOf(texts, r.status_number),
      tracking: r.data.tracking ?? null,
    },
    customerOrderInfo: { orderId: r.order_id, orderNumber: orderNumbers.get(r.order_id) ?? null },
    returnOrderLines: lines
      .filter((l) => l.return_order_id === r.return_order_id)
      .map((l) => ({
        returnOrderLineId: l.id,
        returnOrderRowNumber: l.row_number,
        customerOrderLine: { orderLineId: l.order_line_id, rowNumber: l.order_row_number },
        article: {
          articleSystemId: l.article_system_id,
          articleNumber: l.article_number,
          articleName: l.article_name,
          productCode: l.product_code,
        },
        returnCause: l.return_cause,
        returnedNumberOfItems: l.returned,
        pickedNumberOfItems: l.picked,
        toBeReturnedNumberOfItems: l.to_be_returned,
        returnedRemovedByInventoryNumberOfItems: 0,
        returnedArticleItems: l.returned_items,
      })),
  }));
}

function codeName(obj: Json, name: string, path: string): { code: string; name: string } | null {
  const v = field.object(obj, name, path);
  if (!v) return null;
  const code = field.requiredString(v, 'code', `${path}.code`);
  return { code, name: field.string(v, 'name', `${path}.name`) ?? code };
}

async function putReturnOrder(req: ApiRequest): Promise<Reply> {
  const body = req.body();
  const goodsOwnerId = req.goodsOwnerFromBody(body);
  const returnOrderNumber = field.requiredString(body, 'returnOrderNumber');
  const orderId = field.requiredInt(field.requiredObject(body, 'customerOrder'), 'orderId', 'customerOrder.orderId');
  const inDate = field.time(body, 'inDate');
  const seen = new Set<string>();
  const lines = (field.array(body, 'returnOrderLines') ?? []).map((l, i) => {
    const path = `returnOrderLines[${i}]`;
    const rowNumber = field.requiredString(l, 'returnOrderRowNumber', `${path}.returnOrderRowNumber`);
    if (seen.has(rowNumber))
      throw invalid(`${path}.returnOrderRowNumber`, `'${rowNumber}' is used by more than one line.`);
    seen.add(rowNumber);
    return {
      rowNumber,
      orderLineId: field.requiredInt(
        field.requiredObject(l, 'customerOrderLine', `${path}.customerOrderLine`),
        'orderLineId',
        `${path}.customerOrderLine.orderLineId`,
      ),
      toBeReturned: field.requiredNumber(l, 'toBeReturnedNumberOfItems', `${path}.toBeReturnedNumberOfItems`),
      returnCause: codeName(l, 'returnCause', `${path}.returnCause`),
    };
  });
  const data: Json = {};
  if (body.comment !== undefined) data.comment = body.comment;
  if (body.tracking !== undefined) data.tracking = body.tracking;

  return req.store.write(goodsOwnerId, async (trx) => {
    const order: OrderRow | undefined = await trx('orders')
      .where({ order_id: orderId, goods_owner_id: goodsOwnerId })
      .first();
    if (!order)
      throw refused(`customerOrder.orderId: no order with orderId ${orderId} exists for goods owner ${goodsOwnerId}.`);
    const orderLines: OrderLineRow[] = await trx('order_lines').where({ order_id: orderId });
    for (const l of lines) {
      if (!orderLines.some((ol) => ol.id === l.orderLineId))
        throw refused(`customerOrderLine.orderLineId ${l.orderLineId} is not a line of order ${order.order_number}.`);
    }
    const existing: ReturnOrderRow | undefined = await trx('return_orders')
      .where({ goods_owner_id: goodsOwnerId, return_order_number: returnOrderNumber })
      .first();
    let id: number;
    let old: ReturnOrderLineRow[] = [];
    if (existing) {
      old = await trx('return_order_lines').where({ return_order_id: existing.return_order_id });
      if (existing.status_number === RETURN_ORDER_STATUS.cancelled)
        throw refused(`Return order ${returnOrderNumber} is cancelled and can not be updated.`);
      if (old.some((l) => l.returned > 0))
        throw refused(`Return order ${returnOrderNumber} can not be updated: goods have been returned against it.`);
      id = existing.return_order_id;
      await trx('return_orders')
        .where({ return_order_id: id })
        .update({ order_id: orderId, in_date: inDate ?? null, data: JSON.stringify(data), updated_at: trx.fn.now() });
    } else {
      const [row] = await trx('return_orders')
        .insert({
          goods_owner_id: goodsOwnerId,
          return_order_number: returnOrderNumber,
          order_id: orderId,
          status_number: RETURN_ORDER_STATUS.notified,
          in_date: inDate ?? null,
          data: JSON.stringify(data),
        })
        .returning('return_order_id');
      id = (row as { return_order_id: number }).return_order_id;
    }
    const byRow = new Map(old.map((l) => [l.row_number, l]));
    for (const l of lines) {
      const values = {
        order_line_id: l.orderLineId,
        to_be_returned: l.toBeReturned,
        return_cause: l.returnCause ? JSON.stringify(l.returnCause) : null,
      };
      const prev = byRow.get(l.rowNumber);
      if (prev) await trx('return_order_lines').where({ id: prev.id }).update(values);
      else await trx('return_order_lines').insert({ return_order_id: id, row_number: l.rowNumber, ...values });
      byRow.delete(l.rowNumber);
    }
    if (byRow.size)
      await trx('return_order_lines')
        .whereIn(
          'id',
          [...byRow.values()].map((l) => l.id),
        )
        .delete();
    return {
      body: {
        returnOrderId: id,
        message: existing ? `Return order ${returnOrderNumber} updated.` : `Return order ${returnOrderNumber} created.`,
      },
    };
  });
}

async function listReturnOrders(req: ApiRequest): Promise<Reply> {
  const goodsOwnerId = req.goodsOwnerFromQuery();
  const q = req.query;
  const query = req.store.db<ReturnOrderRow>('return_orders').where({ goods_owner_id: goodsOwnerId });
  const numbers = q.all('returnOrderNumbers');
  if (numbers.length) query.whereIn('return_order_number', numbers);
  const customerOrderNumbers = q.all('customerOrderNumbers');
  if (customerOrderNumbers.length)
    query.whereIn(
      'order_id',
      req.store
        .db('orders')
        .where({ goods_owner_id: goodsOwnerId })
        .whereIn('order_number', customerOrderNumbers)
        .select('order_id'),
    );
  const returnedFrom = q.time('goodsReturnedFromDate');
  if (returnedFrom) query.where('last_returned_at', '>=', returnedFrom);
  const statusFrom = q.int('returnOrderStatusFrom');
  if (statusFrom !== undefined) query.where('status_number', '>=', statusFrom);
  const statusTo = q.int('returnOrderStatusTo');
  if (statusTo !== undefined) query.where('status_number', '<=', statusTo);
  const rows = await query.orderBy('return_order_id');
  return { body: await returnOrderOut(req.store, req.store.db, rows) };
}

export function registerReturnOrderRoutes(router: RouteTable): void {
  router.add('PUT', '/returnOrders', putReturnOrder);
  router.add('GET', '/returnOrders', listReturnOrders);
  router.add('GET', '/returnOrders/{returnOrderId}', async (req) => {
    const id = idParam(req.params, 'returnOrderId');
    const row: ReturnOrderRow | undefined = await req.store.db('return_orders').where({ return_order_id: id }).first();
    if (!row || !req.mayAccess(row.goods_owner_id))
      throw notFound(`No return order with returnOrderId ${id} was found.`);
    const [out] = await returnOrderOut(req.store, req.store.db, [row]);
    return { body: out };
  });
}
