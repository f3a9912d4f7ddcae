/**
 * The warehouse staff: what happens on the floor between API calls. Receiving against a purchase
 * order (and correcting a miscounted receipt), allocating, picking (with discrepancies), packing and sending an order, taking returns
 * back and correcting stock. Each action runs in the goods owner's write turn like an API write
 * (but is not rate-limited) and moves quantities, statuses and stock exactly as the API then
 * reports them. Stock availability is not enforced: the ERP keeps allocating from its own stock,
 * so a pick may drive the simulated stock below zero.
 */
import type { Knex } from 'knex';
import type {
  AdjustStockRequest,
  OrderLineQuantity,
  PickLine,
  ReceivedCorrection,
  ReceiveLine,
  ReceiveReturnLine,
  ReturnLine,
  ShipOptions,
} from './control.js';
import { ApiError, notFound, type Json } from './http.js';
import { recordInventory } from './inventory-adjustments.js';
import type { OrderLineRow, OrderRow, Parcel, PickedItem, Tracking } from './order-shape.js';
import type { PurchaseOrderLineRow, PurchaseOrderRow, ReceivedItem } from './purchase-orders.js';
import { ORDER_STATUS, PURCHASE_ORDER_STATUS, RETURN_ORDER_STATUS } from './reference-data.js';
import type { ReturnOrderLineRow, ReturnOrderRow, ReturnedItem } from './return-orders.js';
import { nextId } from './schema.js';
import { changeStock, touchStock } from './stock.js';
import { transporterOfOrder } from './transporter-assignment.js';

/** A control-path refusal (the operator can not do that now). */
export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}

const now = () => new Date().toISOString();

function pickLineFor<L extends { id: number; row_number: string }>(
  lines: L[],
  ref: { rowNumber?: string; orderLineId?: number; purchaseOrderLineId?: number },
  what: string,
): L {
  const id = ref.orderLineId ?? ref.purchaseOrderLineId;
  const line = lines.find((l) => (id !== undefined ? l.id === id : l.row_number === String(ref.rowNumber)));
  if (!line) throw notFound(`${what} has no line ${id ?? ref.rowNumber}.`);
  return line;
}

function quantity(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new ApiError(400, `${what}: numberOfItems must be a non-negative number.`);
  return n;
}

// ---------------------------------------------------------------- purchase orders

export async function receivePurchaseOrder(
  trx: Knex.Transaction,
  po: PurchaseOrderRow,
  wanted: ReceiveLine[] | undefined,
): Promise<void> {
  if (po.status_number === PURCHASE_ORDER_STATUS.cancelled)
    throw conflict(`Purchase order ${po.purchase_order_number} is cancelled.`);
  const lines: PurchaseOrderLineRow[] = await trx('purchase_order_lines')
    .where({ purchase_order_id: po.purchase_order_id })
    .orderBy('id');
  const plan: { line: PurchaseOrderLineRow; input: ReceiveLine }[] = wanted
    ? wanted.map((w) => ({ line: pickLineFor(lines, w, `Purchase order ${po.purchase_order_number}`), input: w }))
    : lines
        .filter((l) => l.advised > l.received)
        .map((l) => ({ line: l, input: { numberOfItems: l.advised - l.received } }));
  for (const { line, input } of plan) {
    const n = quantity(input.numberOfItems, `purchase order line ${line.id}`);
    if (n === 0) continue;
    const item: ReceivedItem = {
      originalArticleItemId: await nextId(trx, 'article_item_seq'),
      numberOfItems: n,
      inDate: now(),
      serial: input.serial ?? null,
      batchNumber: input.batchNumber ?? null,
      expiryDate: input.expiryDate ?? null,
      location: input.location ?? 'IN-01',
      comment: input.comment ?? null,
    };
    line.received += n;
    line.article_items = [...line.article_items, item];
    await trx('purchase_order_lines')
      .where({ id: line.id })
      .update({ received: line.received, article_items: JSON.stringify(line.article_items) });
    await changeStock(trx, line.article_system_id, n, { inbound: true });
  }
  const complete = lines.every((l) => l.received >= l.advised);
  const anything = lines.some((l) => l.received > 0);
  const status = complete
    ? PURCHASE_ORDER_STATUS.received
    : anything
      ? PURCHASE_ORDER_STATUS.deflection
      : po.status_number;
  await trx('purchase_orders')
    .where({ purchase_order_id: po.purchase_order_id })
    .update({
      last_receive_time: trx.fn.now(),
      updated_at: trx.fn.now(),
      ...(status !== po.status_number ? { status_number: status, status_changed_at: trx.fn.now() } : {}),
    });
}

/** Received quantities → purchase-order status: 500 when every line is complete, 400 when anything came, else as it was before receiving. */
function receivingStatus(po: PurchaseOrderRow, lines: PurchaseOrderLineRow[]): number {
  if (lines.every((l) => l.received >= l.advised)) return PURCHASE_ORDER_STATUS.received;
  if (lines.some((l) => l.received > 0)) return PURCHASE_ORDER_STATUS.deflection;
  return po.status_number === PURCHASE_ORDER_STATUS.deflection || po.status_number === PURCHASE_ORDER_STATUS.received
    ? PURCHASE_ORDER_STATUS.notified
    : po.status_number;
}

/**
 * A receipt corrected after the fact (a miscount): each line's received quantity is set to the
 * counted total. The stock follows the difference; fewer units take from the line's newest article
 * items, more units arrive as a new item. The reported quantity is left alone, so the line is "to
 * report" again until the integration reports the corrected total.
 */
export async function setReceivedQuantity(
  trx: Knex.Transaction,
  po: PurchaseOrderRow,
  corrections: ReceivedCorrection[],
): Promise<void> {
  if (po.status_number === PURCHASE_ORDER_STATUS.cancelled)
    throw conflict(`Purchase order ${po.purchase_order_number} is cancelled.`);
  const lines: PurchaseOrderLineRow[] = await trx('purchase_order_lines')
    .where({ purchase_order_id: po.purchase_order_id })
    .orderBy('id');
  for (const c of corrections) {
    const line = pickLineFor(lines, c, `Purchase order ${po.purchase_order_number}`);
    const target = c.receivedNumberOfItems;
    if (typeof target !== 'number' || !Number.isFinite(target) || target < 0) {
      throw new ApiError(400, `purchase order line ${line.id}: receivedNumberOfItems must be a non-negative number.`);
    }
    const delta = target - line.received;
    if (delta === 0) continue;
    let items: ReceivedItem[];
    if (delta > 0) {
      items = [
        ...line.article_items,
        {
          originalArticleItemId: await nextId(trx, 'article_item_seq'),
          numberOfItems: delta,
          inDate: now(),
          serial: null,
          batchNumber: null,
          expiryDate: null,
          location: 'IN-01',
          comment: c.comment ?? 'received quantity corrected',
        },
      ];
    } else {
      let take = -delta;
      items = [];
      for (const item of [...line.article_items].reverse()) {
        const n = Math.min(take, item.numberOfItems);
        take -= n;
        if (item.numberOfItems > n) items.unshift({ ...item, numberOfItems: item.numberOfItems - n });
      }
    }
    line.received = target;
    line.article_items = items;
    await trx('purchase_order_lines')
      .where({ id: line.id })
      .update({ received: target, article_items: JSON.stringify(items) });
    await changeStock(trx, line.article_system_id, delta, { inbound: delta > 0 });
  }
  const status = receivingStatus(po, lines);
  await trx('purchase_orders')
    .where({ purchase_order_id: po.purchase_order_id })
    .update({
      updated_at: trx.fn.now(),
      ...(status !== po.status_number ? { status_number: status, status_changed_at: trx.fn.now() } : {}),
    });
}

// ---------------------------------------------------------------- orders

function assertWorkable(order: OrderRow): void {
  if (order.status_number === ORDER_STATUS.cancelled) throw conflict(`Order ${order.order_number} is cancelled.`);
  if (order.status_number >= ORDER_STATUS.sent)
    throw conflict(`Order ${order.order_number} has already been sent (order status ${order.status_number}).`);
}

async function setStatus(
  trx: Knex.Transaction,
  order: OrderRow,
  status: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await trx('orders')
    .where({ order_id: order.order_id })
    .update({
      ...extra,
      updated_at: trx.fn.now(),
      ...(status !== order.status_number ? { status_number: status, status_changed_at: trx.fn.now() } : {}),
    });
  order.status_number = status;
}

export async function allocateOrder(
  trx: Knex.Transaction,
  order: OrderRow,
  wanted: OrderLineQuantity[] | undefined,
): Promise<void> {
  assertWorkable(order);
  const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id }).orderBy('id');
  const plan = wanted
    ? wanted.map((w) => ({
        line: pickLineFor(lines, w, `Order ${order.order_number}`),
        n: quantity(w.numberOfItems, 'allocate'),
      }))
    : lines.map((l) => ({ line: l, n: l.ordered - l.allocated }));
  for (const { line, n } of plan) {
    const allocated = Math.min(line.ordered, line.allocated + n);
    await trx('order_lines').where({ id: line.id }).update({ allocated });
    await touchStock(trx, [line.article_system_id]);
  }
  if (order.status_number < ORDER_STATUS.allocated) await setStatus(trx, order, ORDER_STATUS.allocated);
}

export async function pickOrder(trx: Knex.Transaction, order: OrderRow, wanted: PickLine[] | undefined): Promise<void> {
  assertWorkable(order);
  const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id }).orderBy('id');
  const plan: { line: OrderLineRow; input: PickLine }[] = wanted
    ? wanted.map((w) => ({ line: pickLineFor(lines, w, `Order ${order.order_number}`), input: w }))
    : lines
        .filter((l) => l.ordered > l.picked)
        .map((l) => ({ line: l, input: { numberOfItems: l.ordered - l.picked } }));
  const discrepancies: { articleSystemId: number; missing: number }[] = [];
  let pickedAnything = false;
  for (const { line, input } of plan) {
    const n = quantity(input.numberOfItems, `order line ${line.id}`);
    if (line.picked + n > line.ordered)
      throw conflict(
        `Order line ${line.id} (row ${line.row_number}) has ${line.ordered - line.picked} left to pick, not ${n}.`,
      );
    if (input.missingNumberOfItems)
      discrepancies.push({
        articleSystemId: line.article_system_id,
        missing: quantity(input.missingNumberOfItems, 'missingNumberOfItems'),
      });
    if (n === 0) continue;
    pickedAnything = true;
    const item: PickedItem = {
      articleItemId: await nextId(trx, 'article_item_seq'),
      numberOfItems: n,
      inDate: null,
      pickedTime: now(),
      location: input.location ?? 'A-01-01',
      batchNumber: input.batchNumber ?? null,
      serial: input.serial ?? null,
      isReturned: false,
      returnDate: null,
      returnCause: null,
    };
    await trx('order_lines')
      .where({ id: line.id })
      .update({
        picked: line.picked + n,
        allocated: Math.max(line.allocated, line.picked + n),
        picked_items: JSON.stringify([...line.picked_items, item]),
      });
    await changeStock(trx, line.article_system_id, -n);
  }
  if (discrepancies.length) {
    await recordInventory(
      trx,
      discrepancies.map((d) => ({
        goodsOwnerId: order.goods_owner_id,
        articleSystemId: d.articleSystemId,
        numberOfItems: -d.missing,
        cause: { code: 'PICKDIFF', name: 'Picking discrepancy' },
        comment: `Not found while picking order ${order.order_number}`,
      })),
    );
  }
  if (pickedAnything)
    await setStatus(trx, order, Math.max(order.status_number, ORDER_STATUS.picked), {
      last_picking_time: trx.fn.now(),
    });
}

const TRACKING_URLS: Record<string, string> = {
  plab: 'https://tracking.postnord.com/se/?id=',
  dhl: 'https://www.dhl.com/se-sv/home/tracking.html?tracking-id=',
  bring: 'https://tracking.bring.se/tracking/',
  ups: 'https://www.ups.com/track?tracknum=',
};

export async function shipOrder(trx: Knex.Transaction, order: OrderRow, options: ShipOptions): Promise<void> {
  assertWorkable(order);
  let lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id });
  if (!lines.some((l) => l.picked > 0)) {
    await pickOrder(trx, order, undefined);
    lines = await trx('order_lines').where({ order_id: order.order_id });
  }
  for (const l of lines) await trx('order_lines').where({ id: l.id }).update({ packed: l.picked });
  const waybill = options.waybill ?? `SIM${String(order.order_id).padStart(9, '0')}SE`;
  const code = ((await transporterOfOrder(trx, order))?.transporterCode ?? '').toLowerCase();
  const trackingUrl =
    options.trackingUrl ??
    `${TRACKING_URLS[code] ?? 'https://tracking.ongoing-simulator.invalid/?id='}${encodeURIComponent(waybill)}`;
  const parcels: Parcel[] = [...order.parcels];
  for (let i = 0; i < Math.max(1, options.parcels ?? 1); i++) {
    const id = await nextId(trx, 'parcel_seq');
    parcels.push({
      id,
      parcelNumber: `00373${String(id).padStart(13, '0')}`,
      isReturnParcel: false,
      tracking: { trackingUrl },
    });
  }
  const tracking: Tracking[] = [...order.tracking, { waybill, trackingUrl, created: now() }];
  await setStatus(trx, order, ORDER_STATUS.sent, {
    way_bill: waybill,
    shipped_time: trx.fn.now(),
    tracking: JSON.stringify(tracking),
    parcels: JSON.stringify(parcels),
  });
}

export async function setOrderStatusByOperator(trx: Knex.Transaction, order: OrderRow, status: number): Promise<void> {
  if (!(await trx('statuses').where({ kind: 'order', number: status }).first()))
    throw new ApiError(400, `Order status ${status} does not exist.`);
  await setStatus(trx, order, status);
}

/** Marks `n` picked units of a line as returned, splitting an article item when only part of it comes back. */
function markReturned(items: PickedItem[], n: number, cause: ReturnLine['returnCause'], splitId: number): PickedItem[] {
  let left = n;
  const out: PickedItem[] = [];
  for (const item of items) {
    if (left <= 0 || item.isReturned) {
      out.push(item);
      continue;
    }
    const take = Math.min(left, item.numberOfItems);
    left -= take;
    const returned = { ...item, numberOfItems: take, isReturned: true, returnDate: now(), returnCause: cause ?? null };
    // Only the last item taken can be partial, so one new id covers the split.
    if (take < item.numberOfItems)
      out.push({ ...item, numberOfItems: item.numberOfItems - take }, { ...returned, articleItemId: splitId });
    else out.push(returned);
  }
  return out;
}

export async function returnGoodsOnOrder(
  trx: Knex.Transaction,
  order: OrderRow,
  wanted: ReturnLine[] | undefined,
): Promise<void> {
  if (order.status_number < ORDER_STATUS.picked || order.status_number === ORDER_STATUS.cancelled)
    throw conflict(`Order ${order.order_number} has nothing picked to return.`);
  const lines: OrderLineRow[] = await trx('order_lines').where({ order_id: order.order_id }).orderBy('id');
  const plan: { line: OrderLineRow; input: ReturnLine }[] = wanted
    ? wanted.map((w) => ({ line: pickLineFor(lines, w, `Order ${order.order_number}`), input: w }))
    : lines
        .filter((l) => l.picked > l.returned)
        .map((l) => ({ line: l, input: { numberOfItems: l.picked - l.returned } }));
  for (const { line, input } of plan) {
    const n = quantity(input.numberOfItems, `order line ${line.id}`);
    if (line.returned + n > line.picked)
      throw conflict(
        `Order line ${line.id} (row ${line.row_number}) has ${line.picked - line.returned} picked units left to return, not ${n}.`,
      );
    if (n === 0) continue;
    line.returned += n;
    line.picked_items = markReturned(line.picked_items, n, input.returnCause, await nextId(trx, 'article_item_seq'));
    await trx('order_lines')
      .where({ id: line.id })
      .update({ returned: line.returned, picked_items: JSON.stringify(line.picked_items) });
    await changeStock(trx, line.article_system_id, n, { inbound: true });
  }
  const allBack = lines.every((l) => l.returned >= l.picked);
  await setStatus(trx, order, allBack ? ORDER_STATUS.returned : order.status_number, {
    last_returned_at: trx.fn.now(),
  });
}

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

// ---------------------------------------------------------------- stock

export async function adjustStock(
  trx: Knex.Transaction,
  goodsOwnerId: number,
  request: AdjustStockRequest,
): Promise<Json> {
  if (!Array.isArray(request.adjustments) || request.adjustments.length === 0)
    throw new ApiError(400, 'adjustments must be a non-empty array.');
  const items = [];
  for (const a of request.adjustments) {
    const article: { article_system_id: number } | undefined =
      a.articleSystemId !== undefined
        ? await trx('articles').where({ article_system_id: a.articleSystemId, goods_owner_id: goodsOwnerId }).first()
        : await trx('articles')
            .where({ article_number: String(a.articleNumber), goods_owner_id: goodsOwnerId })
            .first();
    if (!article) throw notFound(`No article ${a.articleSystemId ?? a.articleNumber} for goods owner ${goodsOwnerId}.`);
    if (typeof a.numberOfItems !== 'number' || !Number.isFinite(a.numberOfItems))
      throw new ApiError(400, 'numberOfItems must be a number.');
    items.push({
      goodsOwnerId,
      articleSystemId: article.article_system_id,
      numberOfItems: a.numberOfItems,
      cause: a.cause ?? null,
      comment: a.comment ?? null,
      location: a.location ?? null,
    });
  }
  const { inventoryId, ids } = await recordInventory(trx, items, { record: request.recordAdjustment !== false });
  return { inventoryId, inventoryArticleItemIds: ids };
}
