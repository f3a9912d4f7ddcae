/** The operator receiving goods against a purchase order, and correcting a miscounted receipt. */
import type { Knex } from 'knex';
import type { ReceivedCorrection, ReceiveLine } from './control.js';
import { ApiError, notFound } from './http.js';
import type { PurchaseOrderLineRow, PurchaseOrderRow, ReceivedItem } from './purchase-order-shape.js';
import { PURCHASE_ORDER_STATUS } from './reference-data.js';
import { nextId } from './schema.js';
import { changeStock } from './stock.js';
import { conflict, now, pickLineFor, quantity } from './operator-common.js';

/**
 * A row the purchase order does not have, received anyway (the supplier sent another article, or
 * one more row): Ongoing's receiving adds it to the order as a line advised 0.
 */
async function addReceivedRow(
  trx: Knex.Transaction,
  po: PurchaseOrderRow,
  lines: PurchaseOrderLineRow[],
  w: ReceiveLine,
): Promise<PurchaseOrderLineRow> {
  const article: { article_system_id: number } | undefined = await trx('articles')
    .where({ goods_owner_id: po.goods_owner_id, article_number: String(w.articleNumber) })
    .first('article_system_id');
  if (!article) throw notFound(`No article ${w.articleNumber} for goods owner ${po.goods_owner_id}.`);
  const numbers = lines.map((l) => Number(l.row_number)).filter(Number.isInteger);
  const rowNumber = w.rowNumber ?? String(Math.max(0, ...numbers) + 1);
  if (lines.some((l) => l.row_number === rowNumber))
    throw conflict(`Purchase order ${po.purchase_order_number} already has row ${rowNumber}.`);
  const [line] = (await trx('purchase_order_lines')
    .insert({
      purchase_order_id: po.purchase_order_id,
      row_number: rowNumber,
      article_system_id: article.article_system_id,
      advised: 0,
      data: JSON.stringify({ comment: 'received without advice' }),
    })
    .returning('*')) as PurchaseOrderLineRow[];
  lines.push(line!);
  return line!;
}

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
  const lineFor = async (w: ReceiveLine) =>
    w.articleNumber !== undefined &&
    !lines.some((l) =>
      w.purchaseOrderLineId !== undefined ? l.id === w.purchaseOrderLineId : l.row_number === w.rowNumber,
    )
      ? addReceivedRow(trx, po, lines, w)
      : pickLineFor(lines, w, `Purchase order ${po.purchase_order_number}`);
  const plan: { line: PurchaseOrderLineRow; input: ReceiveLine }[] = [];
  for (const w of wanted ?? []) plan.push({ line: await lineFor(w), input: w });
  if (!wanted)
    plan.push(
      ...lines
        .filter((l) => l.advised > l.received)
        .map((l) => ({ line: l, input: { numberOfItems: l.advised - l.received } })),
    );
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
