/**
 * The operator working an outbound order: allocating, picking (with discrepancies), packing and
 * sending it, setting its status, taking goods back on it. An order sent with lines short stays
 * open for the rest (Ongoing's documented partial delivery, "8 now, 2 later"): picking the rest
 * puts it back to Picked, and sending it again sends what was picked since, on the same order and
 * lines, whose picked quantities grow.
 */
import type { Knex } from 'knex';
import type { OrderLineQuantity, PickLine, ReturnLine, ShipOptions } from './control.js';
import { ApiError } from './http.js';
import { recordInventory } from './inventory-adjustments.js';
import type { OrderLineRow, OrderRow, Parcel, PickedItem, Tracking } from './order-shape.js';
import { ORDER_STATUS } from './reference-data.js';
import { nextId } from './schema.js';
import { changeStock, touchStock } from './stock.js';
import { transporterOfOrder } from './transporter-assignment.js';
import { conflict, now, pickLineFor, quantity } from './operator-common.js';

function assertWorkable(order: OrderRow): void {
  if (order.status_number === ORDER_STATUS.cancelled) throw conflict(`Order ${order.order_number} is cancelled.`);
  if (order.status_number >= ORDER_STATUS.sent)
    throw conflict(`Order ${order.order_number} has already been sent (order status ${order.status_number}).`);
}

/** Picking goes on after a partial send (sent or collected), for what is left. */
function assertPickable(order: OrderRow): void {
  if (order.status_number === ORDER_STATUS.cancelled) throw conflict(`Order ${order.order_number} is cancelled.`);
  if (order.status_number >= ORDER_STATUS.returned)
    throw conflict(`Order ${order.order_number} is closed (order status ${order.status_number}).`);
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
  assertPickable(order);
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
  // The rest of an order sent in part is worked again until it is sent too.
  const worked = order.status_number >= ORDER_STATUS.sent ? ORDER_STATUS.picked : order.status_number;
  if (pickedAnything)
    await setStatus(trx, order, Math.max(worked, ORDER_STATUS.picked), { last_picking_time: trx.fn.now() });
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
