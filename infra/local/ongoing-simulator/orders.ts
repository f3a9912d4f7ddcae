/**
 * Outbound orders: `PUT /orders` upserts by `orderNumber` (201 on create, 200 on update) and is
 * refused once the warehouse has started work (status past Released); a PUT changes the fields it
 * gives ("" clears one; clearing.ts) and carries every line; `GET /orders` pages by
 * `orderIdFrom`/`maxOrdersToGet` and offers the change-detection filters integrations poll with;
 * `DELETE` cancels while the order is still untouched.
 */
import type { Knex } from 'knex';
import { requireArticles } from './articles.js';
import { applyPut } from './clearing.js';
import type { ApiRequest, RouteTable } from './context.js';
import { ApiError, field, idParam, invalid, notFound, refused, type Json, type Reply } from './http.js';
import { orderOut, type OrderLineRow, type OrderRow } from './order-shape.js';
import { ensureWayOfDelivery, ORDER_STATUS, requireTransporter } from './reference-data.js';
import { touchStock } from './stock.js';
import { withAssignedTransporter, withoutAssignedTransporter } from './transporter-assignment.js';

interface LineInput {
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
  data: Json;
}

interface OrderInput {
  goodsOwnerId: number;
  orderNumber: string;
  deliveryDate: Date;
  data: Json;
  lines: LineInput[];
}

const LINE_EXTRAS = [
  'comment',
  'shouldBePicked',
  'serialNumber',
  'batchNumber',
  'prices',
  'externalId',
  'customerArticleNumber',
  'lineType',
  'freeValues',
];

function parseOrder(req: ApiRequest): OrderInput {
  const body = req.body();
  const goodsOwnerId = req.goodsOwnerFromBody(body);
  const orderNumber = field.requiredString(body, 'orderNumber');
  const deliveryDate = field.time(body, 'deliveryDate');
  if (!deliveryDate) throw invalid('deliveryDate', 'is required.');
  const consignee = field.requiredObject(body, 'consignee');
  for (const n of ['vatNumber', 'organisationNumber']) field.string(consignee, n, `consignee.${n}`);
  field.object(consignee, 'invoiceAddress', 'consignee.invoiceAddress');
  for (const n of ['orderRemark', 'warehouseInstruction', 'deliveryInstruction', 'servicePointCode'])
    field.string(body, n);
  // A code given as "" clears the pair (clearing.ts); one left out of a pair given is a mistake.
  for (const [pair, code] of [
    ['wayOfDelivery', 'code'],
    ['termsOfDeliveryType', 'code'],
    ['transporter', 'transporterCode'],
  ] as const) {
    const given = field.object(body, pair);
    if (given && field.string(given, code, `${pair}.${code}`) === undefined)
      throw invalid(`${pair}.${code}`, 'is required.');
  }
  const transporter = field.object(body, 'transporter');
  if (transporter) field.string(transporter, 'transporterServiceCode', 'transporter.transporterServiceCode');
  const rawLines = field.array(body, 'orderLines') ?? [];
  const seen = new Set<string>();
  const lines = rawLines.map((l, i): LineInput => {
    const path = `orderLines[${i}]`;
    const rowNumber = field.requiredString(l, 'rowNumber', `${path}.rowNumber`);
    if (seen.has(rowNumber))
      throw invalid(
        `${path}.rowNumber`,
        `'${rowNumber}' is used by more than one line; rowNumber must be unique within the order.`,
      );
    seen.add(rowNumber);
    const numberOfItems = field.requiredNumber(l, 'numberOfItems', `${path}.numberOfItems`);
    if (numberOfItems < 0) throw invalid(`${path}.numberOfItems`, 'must not be negative.');
    const data: Json = {};
    for (const k of LINE_EXTRAS) if (l[k] !== undefined) data[k] = l[k];
    return {
      rowNumber,
      articleNumber: field.requiredString(l, 'articleNumber', `${path}.articleNumber`),
      numberOfItems,
      data,
    };
  });
  const { goodsOwnerId: _g, orderNumber: _n, deliveryDate: _d, orderLines: _l, ...data } = body;
  return { goodsOwnerId, orderNumber, deliveryDate, data, lines };
}

/** Work has started once the order is past Released (allocated, picked, sent …); cancelled is final. */
export function assertOrderEditable(order: OrderRow, action: string): void {
  if (order.status_number === ORDER_STATUS.cancelled)
    throw refused(`Order ${order.order_number} is cancelled and can not be ${action}.`);
  if (order.status_number > ORDER_STATUS.released) {
    throw refused(
      `Order ${order.order_number} can not be ${action}: the warehouse has started working on it (order status ${order.status_number}).`,
    );
  }
}

async function saveOrder(
  trx: Knex.Transaction,
  input: OrderInput,
  existing: OrderRow | undefined,
): Promise<{ orderId: number; message: string }> {
  const notes: string[] = [];
  // The order as this PUT leaves it: given fields change, "" clears, the rest stays (clearing.ts).
  const stored = withoutAssignedTransporter(existing?.data ?? {});
  const data = await withAssignedTransporter(trx, input.goodsOwnerId, applyPut(stored, input.data));
  input = { ...input, data };
  const transporter = input.data.transporter as
    { transporterCode: string; transporterServiceCode?: string } | undefined;
  if (transporter) await requireTransporter(trx, transporter.transporterCode, transporter.transporterServiceCode);
  const wayOfDelivery = input.data.wayOfDelivery as { code: string; name?: string } | undefined;
  if (wayOfDelivery && (await ensureWayOfDelivery(trx, input.goodsOwnerId, wayOfDelivery.code, wayOfDelivery.name))) {
    notes.push(`Way of delivery ${wayOfDelivery.code} created.`);
  }
  const articles = await requireArticles(
    trx,
    input.goodsOwnerId,
    input.lines.map((l) => l.articleNumber),
    'orderLines',
  );

  let orderId: number;
  let oldLines: OrderLineRow[] = [];
  if (existing) {
    assertOrderEditable(existing, 'updated');
    orderId = existing.order_id;
    oldLines = await trx('order_lines').where({ order_id: orderId });
    await trx('orders')
      .where({ order_id: orderId })
      .update({
        order_number: input.orderNumber,
        delivery_date: input.deliveryDate,
        data: JSON.stringify(input.data),
        updated_at: trx.fn.now(),
      });
  } else {
    const [row] = await trx('orders')
      .insert({
        goods_owner_id: input.goodsOwnerId,
        order_number: input.orderNumber,
        status_number: ORDER_STATUS.open,
        delivery_date: input.deliveryDate,
        data: JSON.stringify(input.data),
      })
      .returning('order_id');
    orderId = (row as { order_id: number }).order_id;
  }

  const byRow = new Map(oldLines.map((l) => [l.row_number, l]));
  for (const line of input.lines) {
    const article = articles.get(line.articleNumber)!;
    const values = {
      article_system_id: article.article_system_id,
      ordered: line.numberOfItems,
      data: JSON.stringify(line.data),
    };
    const old = byRow.get(line.rowNumber);
    if (old) await trx('order_lines').where({ id: old.id }).update(values);
    else await trx('order_lines').insert({ order_id: orderId, row_number: line.rowNumber, ...values });
    byRow.delete(line.rowNumber);
  }
  // The PUT carries the whole order: lines it no longer lists are removed.
  if (byRow.size)
    await trx('order_lines')
      .whereIn(
        'id',
        [...byRow.values()].map((l) => l.id),
      )
      .delete();
  await touchStock(trx, [
    ...oldLines.map((l) => l.article_system_id),
    ...[...articles.values()].map((a) => a.article_system_id),
  ]);
  return {
    orderId,
    message: [existing ? `Order ${input.orderNumber} updated.` : `Order ${input.orderNumber} created.`, ...notes].join(
      '<br/>',
    ),
  };
}

async function putOrder(req: ApiRequest): Promise<Reply> {
  const input = parseOrder(req);
  return req.store.write(input.goodsOwnerId, async (trx) => {
    const existing: OrderRow | undefined = await trx('orders')
      .where({ goods_owner_id: input.goodsOwnerId, order_number: input.orderNumber })
      .first();
    const reply = await saveOrder(trx, input, existing);
    return { status: existing ? 200 : 201, body: reply };
  });
}

const TWO_DAYS_MS = 2 * 24 * 60 * 60 * 1000;

function existsLine(query: Knex.QueryBuilder, condition: string, bindings: unknown[] = []): void {
  query.whereExists(function (this: Knex.QueryBuilder) {
    this.select(1)
      .from('order_lines as l')
      .whereRaw('l.order_id = orders.order_id')
      .whereRaw(condition, bindings as Knex.RawBinding[]);
  });
}

async function listOrders(req: ApiRequest): Promise<Reply> {
  const goodsOwnerId = req.goodsOwnerFromQuery();
  const q = req.query;
  const query = req.store.db<OrderRow>('orders').where({ goods_owner_id: goodsOwnerId });
  const range = (column: string, from: Date | number | undefined, to: Date | number | undefined) => {
    if (from !== undefined) query.where(column, '>=', from);
    if (to !== undefined) query.where(column, '<=', to);
  };
  const orderNumber = q.get('orderNumber');
  if (orderNumber !== undefined) query.where('order_number', orderNumber);
  const orderNumbers = q.all('orderNumbers');
  if (orderNumbers.length) query.whereIn('order_number', orderNumbers);
  range('order_id', q.int('orderIdFrom'), undefined);
  range('status_number', q.int('orderStatusFrom'), q.int('orderStatusTo'));
  range('status_changed_at', q.time('orderStatusChangedTimeFrom'), undefined);
  range('created_at', q.time('orderCreatedTimeFrom'), q.time('orderCreatedTimeTo'));
  range('shipped_time', q.time('shippedTimeFrom'), q.time('shippedTimeTo'));
  range('last_picking_time', q.time('lastPickingTimeFrom'), undefined);
  range('last_returned_at', q.time('lastReturnedFrom'), undefined);
  const updatedFrom = q.time('orderUpdatedTimeFrom');
  if (updatedFrom) {
    if (Date.now() - updatedFrom.getTime() > TWO_DAYS_MS)
      throw new ApiError(400, 'orderUpdatedTimeFrom must be within 2 days.');
    query.where('updated_at', '>=', updatedFrom);
  }
  const backOrderFor = q.int('backOrderForOrderId');
  if (backOrderFor !== undefined) query.whereRaw(`(data->>'backOrderForOrderId')::int = ?`, [backOrderFor]);
  const referenceNumbers = q.all('referenceNumbers');
  if (referenceNumbers.length) query.whereRaw(`data->>'referenceNumber' = ANY(?)`, [referenceNumbers]);
  if (q.bool('onlyOrdersWithOrderLinesToReport')) existsLine(query, 'coalesce(l.reported, 0) < l.picked');
  if (q.bool('onlyOrdersWithOrderLinesToReportReturned'))
    existsLine(query, 'coalesce(l.reported_returned, 0) < l.returned');
  const articleNumbers = q.all('articleNumbers');
  if (articleNumbers.length) {
    existsLine(
      query,
      'l.article_system_id IN (SELECT article_system_id FROM articles WHERE goods_owner_id = ? AND article_number = ANY(?))',
      [goodsOwnerId, articleNumbers],
    );
  }
  const max = q.int('maxOrdersToGet');
  if (max !== undefined) {
    if (max < 0) throw invalid('maxOrdersToGet', 'must not be negative.');
    query.limit(max);
  }
  const rows = await query.orderBy('order_id');
  return { body: await orderOut(req.store, req.store.db, rows) };
}

/** An order by id for a request, or 404 (also when it belongs to a goods owner the user may not see). */
export async function findOrder(req: ApiRequest, orderId: number): Promise<OrderRow> {
  const row: OrderRow | undefined = await req.store.db('orders').where({ order_id: orderId }).first();
  if (!row || !req.mayAccess(row.goods_owner_id)) throw notFound(`No order with orderId ${orderId} was found.`);
  return row;
}

async function getOrder(req: ApiRequest): Promise<Reply> {
  const row = await findOrder(req, idParam(req.params, 'orderId'));
  const [out] = await orderOut(req.store, req.store.db, [row]);
  return { body: out };
}

async function cancelOrder(
  req: ApiRequest,
  goodsOwnerId: number,
  where: Record<string, unknown>,
  label: string,
): Promise<Reply> {
  return req.store.write(goodsOwnerId, async (trx) => {
    const order: OrderRow | undefined = await trx('orders').where(where).first();
    if (!order) throw notFound(`No order with ${label} was found.`);
    if (order.status_number !== ORDER_STATUS.cancelled) {
      assertOrderEditable(order, 'cancelled');
      await trx('orders')
        .where({ order_id: order.order_id })
        .update({ status_number: ORDER_STATUS.cancelled, status_changed_at: trx.fn.now(), updated_at: trx.fn.now() });
      const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id });
      await touchStock(
        trx,
        lines.map((l) => l.article_system_id),
      );
    }
    return { body: { orderId: order.order_id, message: `Order ${order.order_number} cancelled.` } };
  });
}

export function registerOrderRoutes(router: RouteTable): void {
  router.add('GET', '/orders', listOrders);
  router.add('GET', '/orders/{orderId}', getOrder);
  router.add('PUT', '/orders', putOrder);
  router.add('DELETE', '/orders/{orderId}', async (req) => {
    const order = await findOrder(req, idParam(req.params, 'orderId'));
    return cancelOrder(req, order.goods_owner_id, { order_id: order.order_id }, `orderId ${order.order_id}`);
  });
  router.add('DELETE', '/orders', async (req) => {
    const goodsOwnerId = req.goodsOwnerFromQuery();
    const orderNumber = req.query.get('orderNumber');
    if (orderNumber === undefined) throw invalid('orderNumber', 'is required.');
    return cancelOrder(
      req,
      goodsOwnerId,
      { goods_owner_id: goodsOwnerId, order_number: orderNumber },
      `orderNumber '${orderNumber}'`,
    );
  });
}
