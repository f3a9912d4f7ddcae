/**
 * Purchase orders (inbound): `PUT /purchaseOrders` upserts by `purchaseOrderNumber`; a change is
 * taken until the order is fully received or cancelled, as long as lines with received goods keep
 * their article and at least what was received; cancelling is refused once anything was received; goods receipts are found with
 * `onlyPurchaseOrdersWithOrderLinesToReport=true` (some line reported ≠ received) and acknowledged
 * with the set-reported PATCHes, so a partial receipt reappears when the rest arrives. A PUT
 * may lower a line to what was received (closing short), never below; `PATCH …/purchaseOrderStatus`
 * sets a status from the list (to Cancelled only as the DELETE would). A PUT changes the fields it
 * gives ("" clears one; clearing.ts).
 */
import type { Knex } from 'knex';
import { requireArticles } from './articles.js';
import { applyPut } from './clearing.js';
import type { ApiRequest, RouteTable } from './context.js';
import { field, idParam, invalid, notFound, refused, type Json, type Reply } from './http.js';
import { PURCHASE_ORDER_STATUS, statusTexts } from './reference-data.js';
import { touchStock } from './stock.js';
import { purchaseOrderOut, type PurchaseOrderLineRow, type PurchaseOrderRow } from './purchase-order-shape.js';

export interface PurchaseOrderInput {
  goodsOwnerId: number;
  purchaseOrderNumber: string;
  /** undefined: left out (kept); null: cleared with "" (clearing.ts). */
  inDate: Date | null | undefined;
  data: Json;
  lines: { rowNumber: string; articleNumber: string; numberOfItems: number; data: Json }[];
}

function parsePurchaseOrder(req: ApiRequest): PurchaseOrderInput {
  const body = req.body();
  const goodsOwnerId = req.goodsOwnerFromBody(body);
  const purchaseOrderNumber = field.requiredString(body, 'purchaseOrderNumber');
  const inDate = body.inDate === '' ? null : field.time(body, 'inDate');
  field.string(body, 'purchaseOrderRemark');
  field.object(body, 'supplierInfo');
  const seen = new Set<string>();
  const lines = (field.array(body, 'purchaseOrderLines') ?? []).map((l, i) => {
    const path = `purchaseOrderLines[${i}]`;
    const rowNumber = field.requiredString(l, 'rowNumber', `${path}.rowNumber`);
    if (seen.has(rowNumber))
      throw invalid(
        `${path}.rowNumber`,
        `'${rowNumber}' is used by more than one line; rowNumber must be unique within the purchase order.`,
      );
    seen.add(rowNumber);
    const numberOfItems = field.requiredNumber(l, 'numberOfItems', `${path}.numberOfItems`);
    if (numberOfItems < 0) throw invalid(`${path}.numberOfItems`, 'must not be negative.');
    const data: Json = {};
    for (const k of ['comment', 'batchNumber', 'expiryDate', 'externalOrderLineId', 'prices'])
      if (l[k] !== undefined) data[k] = l[k];
    return {
      rowNumber,
      articleNumber: field.requiredString(l, 'articleNumber', `${path}.articleNumber`),
      numberOfItems,
      data,
    };
  });
  const { goodsOwnerId: _g, purchaseOrderNumber: _n, inDate: _i, purchaseOrderLines: _l, ...data } = body;
  return { goodsOwnerId, purchaseOrderNumber, inDate, data, lines };
}

async function receivingStarted(db: Knex | Knex.Transaction, purchaseOrderId: number): Promise<boolean> {
  return Boolean(
    await db('purchase_order_lines').where({ purchase_order_id: purchaseOrderId }).where('received', '>', 0).first(),
  );
}

/** Ongoing refuses to cancel a purchase order against which goods have been received. */
async function assertPurchaseOrderCancellable(trx: Knex.Transaction, po: PurchaseOrderRow): Promise<void> {
  if (po.status_number === PURCHASE_ORDER_STATUS.cancelled)
    throw refused(`Purchase order ${po.purchase_order_number} is cancelled and can not be cancelled.`);
  if (await receivingStarted(trx, po.purchase_order_id)) {
    throw refused(
      `Purchase order ${po.purchase_order_number} can not be cancelled: goods have been received against it (purchase order status ${po.status_number}).`,
    );
  }
}

/**
 * Ongoing takes changes to a purchase order until it is fully received or cancelled (reference
 * §10); a line that has received goods keeps its article and cannot drop below, or lose, what was received.
 */
function assertPurchaseOrderChangeable(
  po: PurchaseOrderRow,
  old: PurchaseOrderLineRow[],
  input: PurchaseOrderInput,
  articleIds: Map<string, number>,
): void {
  const name = po.purchase_order_number;
  if (po.status_number === PURCHASE_ORDER_STATUS.cancelled)
    throw refused(`Purchase order ${name} is cancelled and can not be updated.`);
  if (po.status_number === PURCHASE_ORDER_STATUS.received)
    throw refused(`Purchase order ${name} is fully received and can not be updated.`);
  for (const line of old.filter((l) => l.received > 0)) {
    const next = input.lines.find((l) => l.rowNumber === line.row_number);
    if (!next)
      throw refused(
        `Purchase order ${name} row ${line.row_number} can not be removed: ${line.received} items have been received on it.`,
      );
    if (articleIds.get(next.articleNumber) !== line.article_system_id)
      throw refused(
        `Purchase order ${name} row ${line.row_number} can not change article: goods have been received on it.`,
      );
    if (next.numberOfItems < line.received)
      throw refused(
        `Purchase order ${name} row ${line.row_number} can not be advised ${next.numberOfItems} items: ${line.received} have been received.`,
      );
  }
}

export async function savePurchaseOrder(
  trx: Knex.Transaction,
  input: PurchaseOrderInput,
  existing: PurchaseOrderRow | undefined,
): Promise<Json> {
  const articles = await requireArticles(
    trx,
    input.goodsOwnerId,
    input.lines.map((l) => l.articleNumber),
    'purchaseOrderLines',
  );
  let id: number;
  let old: PurchaseOrderLineRow[] = [];
  if (existing) {
    id = existing.purchase_order_id;
    old = await trx('purchase_order_lines').where({ purchase_order_id: id });
    assertPurchaseOrderChangeable(
      existing,
      old,
      input,
      new Map([...articles].map(([n, a]) => [n, a.article_system_id])),
    );
    await trx('purchase_orders')
      .where({ purchase_order_id: id })
      .update({
        purchase_order_number: input.purchaseOrderNumber,
        ...(input.inDate !== undefined ? { in_date: input.inDate } : {}),
        data: JSON.stringify(applyPut(existing.data, input.data)),
        updated_at: trx.fn.now(),
      });
  } else {
    const [row] = await trx('purchase_orders')
      .insert({
        goods_owner_id: input.goodsOwnerId,
        purchase_order_number: input.purchaseOrderNumber,
        status_number: PURCHASE_ORDER_STATUS.notified,
        in_date: input.inDate ?? null,
        data: JSON.stringify(applyPut({}, input.data)),
      })
      .returning('purchase_order_id');
    id = (row as { purchase_order_id: number }).purchase_order_id;
  }
  const byRow = new Map(old.map((l) => [l.row_number, l]));
  for (const line of input.lines) {
    const values = {
      article_system_id: articles.get(line.articleNumber)!.article_system_id,
      advised: line.numberOfItems,
      data: JSON.stringify(line.data),
    };
    const prev = byRow.get(line.rowNumber);
    if (prev) await trx('purchase_order_lines').where({ id: prev.id }).update(values);
    else await trx('purchase_order_lines').insert({ purchase_order_id: id, row_number: line.rowNumber, ...values });
    byRow.delete(line.rowNumber);
  }
  if (byRow.size)
    await trx('purchase_order_lines')
      .whereIn(
        'id',
        [...byRow.values()].map((l) => l.id),
      )
      .delete();
  if (old.some((l) => l.received > 0)) {
    // A changed advice can complete a partly received order (or reopen it).
    const lines = await trx<PurchaseOrderLineRow>('purchase_order_lines').where({ purchase_order_id: id });
    const status = lines.every((l) => l.received >= l.advised)
      ? PURCHASE_ORDER_STATUS.received
      : PURCHASE_ORDER_STATUS.deflection;
    await trx('purchase_orders')
      .where({ purchase_order_id: id })
      .update({ status_number: status, status_changed_at: trx.fn.now() });
  }
  await touchStock(trx, [
    ...old.map((l) => l.article_system_id),
    ...[...articles.values()].map((a) => a.article_system_id),
  ]);
  return {
    purchaseOrderId: id,
    message: existing
      ? `Purchase order ${input.purchaseOrderNumber} updated.`
      : `Purchase order ${input.purchaseOrderNumber} created.`,
  };
}

async function listPurchaseOrders(req: ApiRequest): Promise<Reply> {
  const goodsOwnerId = req.goodsOwnerFromQuery();
  const q = req.query;
  const query = req.store.db<PurchaseOrderRow>('purchase_orders').where({ goods_owner_id: goodsOwnerId });
  const range = (column: string, from: Date | number | undefined, to: Date | number | undefined) => {
    if (from !== undefined) query.where(column, '>=', from);
    if (to !== undefined) query.where(column, '<=', to);
  };
  const number = q.get('purchaseOrderNumber');
  if (number !== undefined) query.where('purchase_order_number', number);
  const numbers = q.all('purchaseOrderNumbers');
  if (numbers.length) query.whereIn('purchase_order_number', numbers);
  range('purchase_order_id', q.int('purchaseOrderIdFrom'), undefined);
  range('status_number', q.int('purchaseOrderStatusFrom'), q.int('purchaseOrderStatusTo'));
  range('status_changed_at', q.time('purchaseOrderStatusChangedTimeFrom'), undefined);
  range('last_receive_time', q.time('lastReceiveTimeFrom'), q.time('lastReceiveTimeTo'));
  range('in_date', q.time('inDateFrom'), q.time('inDateTo'));
  if (q.bool('onlyPurchaseOrdersWithOrderLinesToReport')) {
    query.whereExists(function (this: Knex.QueryBuilder) {
      this.select(1)
        .from('purchase_order_lines as l')
        .whereRaw('l.purchase_order_id = purchase_orders.purchase_order_id')
        .whereRaw('coalesce(l.reported, 0) <> l.received');
    });
  }
  const max = q.int('maxPurchaseOrdersToGet');
  if (max !== undefined) {
    if (max < 0) throw invalid('maxPurchaseOrdersToGet', 'must not be negative.');
    query.limit(max);
  }
  const rows = await query.orderBy('purchase_order_id');
  return { body: await purchaseOrderOut(req.store, req.store.db, rows) };
}

async function findPurchaseOrder(req: ApiRequest, id: number): Promise<PurchaseOrderRow> {
  const row: PurchaseOrderRow | undefined = await req.store
    .db('purchase_orders')
    .where({ purchase_order_id: id })
    .first();
  if (!row || !req.mayAccess(row.goods_owner_id))
    throw notFound(`No purchase order with purchaseOrderId ${id} was found.`);
  return row;
}

async function cancelPurchaseOrder(
  req: ApiRequest,
  goodsOwnerId: number,
  where: Record<string, unknown>,
  label: string,
): Promise<Reply> {
  return req.store.write(goodsOwnerId, async (trx) => {
    const po: PurchaseOrderRow | undefined = await trx('purchase_orders').where(where).first();
    if (!po) throw notFound(`No purchase order with ${label} was found.`);
    if (po.status_number !== PURCHASE_ORDER_STATUS.cancelled) {
      await assertPurchaseOrderCancellable(trx, po);
      await trx('purchase_orders').where({ purchase_order_id: po.purchase_order_id }).update({
        status_number: PURCHASE_ORDER_STATUS.cancelled,
        status_changed_at: trx.fn.now(),
        updated_at: trx.fn.now(),
      });
      const lines: PurchaseOrderLineRow[] = await trx('purchase_order_lines').where({
        purchase_order_id: po.purchase_order_id,
      });
      await touchStock(
        trx,
        lines.map((l) => l.article_system_id),
      );
    }
    return {
      body: { purchaseOrderId: po.purchase_order_id, message: `Purchase order ${po.purchase_order_number} cancelled.` },
    };
  });
}

function patchPurchaseOrder(change: (trx: Knex.Transaction, po: PurchaseOrderRow, req: ApiRequest) => Promise<string>) {
  return async (req: ApiRequest): Promise<Reply> => {
    const po = await findPurchaseOrder(req, idParam(req.params, 'purchaseOrderId'));
    return req.store.write(po.goods_owner_id, async (trx) => {
      const message = await change(trx, po, req);
      await trx('purchase_orders')
        .where({ purchase_order_id: po.purchase_order_id })
        .update({ updated_at: trx.fn.now() });
      return { body: { purchaseOrderId: po.purchase_order_id, message } };
    });
  };
}

export function registerPurchaseOrderRoutes(router: RouteTable): void {
  router.add('GET', '/purchaseOrders', listPurchaseOrders);
  router.add('GET', '/purchaseOrders/{purchaseOrderId}', async (req) => {
    const po = await findPurchaseOrder(req, idParam(req.params, 'purchaseOrderId'));
    const [out] = await purchaseOrderOut(req.store, req.store.db, [po]);
    return { body: out };
  });
  router.add('PUT', '/purchaseOrders', async (req) => {
    const input = parsePurchaseOrder(req);
    return req.store.write(input.goodsOwnerId, async (trx) => {
      const existing: PurchaseOrderRow | undefined = await trx('purchase_orders')
        .where({ goods_owner_id: input.goodsOwnerId, purchase_order_number: input.purchaseOrderNumber })
        .first();
      return { body: await savePurchaseOrder(trx, input, existing) };
    });
  });
  router.add('DELETE', '/purchaseOrders/{purchaseOrderId}', async (req) => {
    const po = await findPurchaseOrder(req, idParam(req.params, 'purchaseOrderId'));
    return cancelPurchaseOrder(
      req,
      po.goods_owner_id,
      { purchase_order_id: po.purchase_order_id },
      `purchaseOrderId ${po.purchase_order_id}`,
    );
  });
  router.add('DELETE', '/purchaseOrders', async (req) => {
    const goodsOwnerId = req.goodsOwnerFromQuery();
    const number = req.query.get('purchaseOrderNumber');
    if (number === undefined) throw invalid('purchaseOrderNumber', 'is required.');
    return cancelPurchaseOrder(
      req,
      goodsOwnerId,
      { goods_owner_id: goodsOwnerId, purchase_order_number: number },
      `purchaseOrderNumber '${number}'`,
    );
  });
  router.add(
    'PATCH',
    '/purchaseOrders/{purchaseOrderId}/purchaseOrderStatus',
    patchPurchaseOrder(async (trx, po, req) => {
      const number = field.requiredInt(req.body(), 'purchaseOrderStatusNumber');
      if (!(await statusTexts(trx, 'purchaseOrder')).has(number))
        throw refused(`Purchase order status ${number} does not exist. Valid statuses: GET /purchaseOrders/statuses.`);
      if (po.status_number === PURCHASE_ORDER_STATUS.cancelled)
        throw refused(`Purchase order ${po.purchase_order_number} is cancelled and its status can not be changed.`);
      // Cancelling by status is cancelling: refused as the DELETE is, once goods were received.
      if (number === PURCHASE_ORDER_STATUS.cancelled) await assertPurchaseOrderCancellable(trx, po);
      if (number !== po.status_number)
        await trx('purchase_orders')
          .where({ purchase_order_id: po.purchase_order_id })
          .update({ status_number: number, status_changed_at: trx.fn.now() });
      return `Purchase order status set to ${number}.`;
    }),
  );
  router.add(
    'PATCH',
    '/purchaseOrders/{purchaseOrderId}/setReportedNumberOfItemsToReceivedNumberOfItems',
    patchPurchaseOrder(async (trx, po) => {
      const n = await trx('purchase_order_lines')
        .where({ purchase_order_id: po.purchase_order_id })
        .update({ reported: trx.ref('received') });
      return `Reported number of items set to received number of items on ${n} purchase order line(s).`;
    }),
  );
  router.add(
    'PATCH',
    '/purchaseOrders/{purchaseOrderId}/lines/{lineId}/reportedNumberOfItems',
    patchPurchaseOrder(async (trx, po, req) => {
      const value = field.requiredNumber(req.body(), 'reportedNumberOfItems');
      const lineId = idParam(req.params, 'lineId');
      const n = await trx('purchase_order_lines')
        .where({ id: lineId, purchase_order_id: po.purchase_order_id })
        .update({ reported: value });
      if (!n) throw notFound(`Purchase order ${po.purchase_order_number} has no line with id ${lineId}.`);
      return `reportedNumberOfItems set to ${value} on purchase order line ${lineId}.`;
    }),
  );
}
