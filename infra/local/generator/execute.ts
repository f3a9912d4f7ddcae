/**
 * Carries out a planned action. Multicase-side actions go through the user actions on the
 * Multicase database; warehouse-side actions go through the simulator's control path, and only
 * to records that already reached Ongoing, as the Ongoing API shows them: a purchase order is
 * received only when Ongoing has it with the lines Multicase has now, an order is picked or
 * shipped only while Ongoing still has it open, a return only while Ongoing still expects goods,
 * stock is adjusted only on articles Ongoing knows. When no candidate qualifies the action is
 * skipped. Failures are thrown; the runner counts them.
 */
import type { Knex } from 'knex';
import type { OngoingApi, OngoingOrder, OngoingPurchaseOrder } from '../../../connectors/ongoing/api/client.js';
import { isRetriable } from '../../../runtime/errors.js';
import {
  cancelPurchaseOrder,
  createProduct,
  createSalesOrder,
  registerReturn,
  savePurchaseOrder,
  sendOrderToWarehouse,
  sendReturnToWarehouse,
  updateProduct,
} from '../multicase-db/actions.js';
import type { PickLine, ReceiveLine, SimulatorControl } from '../ongoing-simulator/control.js';
import { ORDER_STATUS, PURCHASE_ORDER_STATUS } from '../ongoing-simulator/reference-data.js';
import type { PlannedAction } from './plan.js';
import { chance, int, type Rng } from './rng.js';
import type { PurchaseOrderInfo, World } from './world.js';

export interface ExecuteDeps {
  db: Knex;
  control: SimulatorControl;
  api: OngoingApi;
}

export interface Outcome {
  outcome: 'done' | 'skipped';
  /** Business key of the record acted on (product, purchase order, order, picking list, return). */
  key?: string;
  detail: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An Ongoing read, retried briefly on transient failures (5xx, 429, timeouts). */
export async function ongoingLookup<T>(read: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= attempts || !isRetriable(err)) throw err;
      await sleep(150 * attempt);
    }
  }
}

const done = (key: string, detail: string): Outcome => ({ outcome: 'done', key, detail });
const skipped = (detail: string, key?: string): Outcome =>
  key === undefined ? { outcome: 'skipped', detail } : { outcome: 'skipped', key, detail };

export async function executePlan(deps: ExecuteDeps, plan: PlannedAction, rng: Rng, world: World): Promise<Outcome> {
  const { db, api, control } = deps;
  switch (plan.kind) {
    case 'createProduct':
      await createProduct(db, plan.input);
      return done(plan.key, plan.detail);
    case 'updateProduct':
      await updateProduct(db, plan.key, plan.changes);
      return done(plan.key, plan.detail);
    case 'deactivateProduct':
      await updateProduct(db, plan.key, { isActive: false });
      return done(plan.key, plan.detail);
    case 'createPurchaseOrder': {
      const po = await savePurchaseOrder(db, plan.input);
      return done(po.purchaseOrderNumber, plan.detail);
    }
    case 'changePurchaseOrder':
    case 'cancelPurchaseOrder': {
      // Ongoing refuses both once receiving has started there, even before Multicase has booked it.
      const inOngoing = await ongoingLookup(() => api.getPurchaseOrders({ purchaseOrderNumber: plan.key }));
      if (inOngoing.some((po) => (po.purchaseOrderLines ?? []).some((l) => (l.receivedNumberOfItems ?? 0) > 0)))
        return skipped('receiving has started in Ongoing', plan.key);
      if (plan.kind === 'changePurchaseOrder') await savePurchaseOrder(db, plan.input);
      else await cancelPurchaseOrder(db, plan.key);
      return done(plan.key, plan.detail);
    }
    case 'createSalesOrder': {
      const order = await createSalesOrder(db, plan.input);
      return done(order.orderNumber, plan.detail);
    }
    case 'sendOrderToWarehouse': {
      const list = await sendOrderToWarehouse(db, plan.key);
      return done(plan.key, `picking list ${list.pickingListNumber} (${list.lines.length} lines)`);
    }
    case 'registerReturn': {
      const ret = await registerReturn(db, plan.key, plan.lines, { reason: plan.reason, settlement: plan.settlement });
      return done(ret.returnNumber, `order ${plan.key}: ${plan.detail}`);
    }
    case 'sendReturnToWarehouse':
      await sendReturnToWarehouse(db, plan.key);
      return done(plan.key, plan.detail);
    case 'receivePurchaseOrder':
      return receivePurchaseOrder(api, control, plan, rng);
    case 'pickOrder':
    case 'shipOrder':
      return workOrder(api, control, plan, rng, world);
    case 'receiveReturn':
      return receiveReturn(api, control, plan, rng);
    case 'adjustStock':
      return adjustStock(api, control, plan);
  }
}

// ---------------------------------------------------------------------------------------------
// Purchase orders

/** Ongoing has the purchase order as Multicase has it now, and goods are still to come. */
function receivable(found: OngoingPurchaseOrder, wanted: PurchaseOrderInfo): boolean {
  const status = found.purchaseOrderInfo.purchaseOrderStatus?.number ?? 0;
  if (status >= PURCHASE_ORDER_STATUS.received) return false;
  const lines = found.purchaseOrderLines ?? [];
  const current =
    lines.length === wanted.lines.length &&
    wanted.lines.every((w) =>
      lines.some((l) => l.rowNumber === String(w.position) && (l.advisedNumberOfItems ?? 0) === w.quantityOrdered),
    );
  return current && lines.some((l) => (l.advisedNumberOfItems ?? 0) > (l.receivedNumberOfItems ?? 0));
}

async function receivePurchaseOrder(
  api: OngoingApi,
  control: SimulatorControl,
  plan: Extract<PlannedAction, { kind: 'receivePurchaseOrder' }>,
  rng: Rng,
): Promise<Outcome> {
  const found = await ongoingLookup(() =>
    api.getPurchaseOrders({ purchaseOrderNumbers: plan.candidates.map((c) => c.purchaseOrderNumber) }),
  );
  const byNumber = new Map(found.map((po) => [po.purchaseOrderInfo.purchaseOrderNumber, po]));
  const match = plan.candidates.find((c) => {
    const po = byNumber.get(c.purchaseOrderNumber);
    return po !== undefined && receivable(po, c);
  });
  if (!match) return skipped(`none of ${plan.candidates.length} open purchase orders is waiting in Ongoing`);
  const po = byNumber.get(match.purchaseOrderNumber)!;
  const outstanding = (po.purchaseOrderLines ?? [])
    .filter((l) => (l.advisedNumberOfItems ?? 0) > (l.receivedNumberOfItems ?? 0))
    .map((l) => ({ line: l, open: (l.advisedNumberOfItems ?? 0) - (l.receivedNumberOfItems ?? 0) }));
  const started = (po.purchaseOrderLines ?? []).some((l) => (l.receivedNumberOfItems ?? 0) > 0);
  const total = outstanding.reduce((s, o) => s + o.open, 0);
  let lines: ReceiveLine[] | undefined;
  let detail: string;
  if (plan.partial && !started && total >= 2) {
    // Part of the delivery arrives now; the rest comes with a later receive.
    const first = int(rng, 0, outstanding.length - 1);
    lines = outstanding
      .filter((_, i) => i === first || chance(rng, 0.5))
      .map((o) => ({ purchaseOrderLineId: o.line.id, numberOfItems: o.open > 1 ? int(rng, 1, o.open - 1) : 1 }));
    detail = `partial: ${lines.map((l) => `${l.numberOfItems} on line ${po.purchaseOrderLines?.find((x) => x.id === l.purchaseOrderLineId)?.rowNumber}`).join(', ')}`;
  } else {
    detail = `${started ? 'the rest' : 'everything'}: ${total} units on ${outstanding.length} lines`;
  }
  await control.receivePurchaseOrder({ purchaseOrderId: po.purchaseOrderInfo.purchaseOrderId }, lines);
  return done(match.purchaseOrderNumber, detail);
}

// ---------------------------------------------------------------------------------------------
// Orders

function workable(order: OngoingOrder): boolean {
  const status = order.orderInfo.orderStatus.number;
  return (
    status >= ORDER_STATUS.open &&
    status < ORDER_STATUS.sent &&
    order.orderLines.some((l) => l.orderedNumberOfItems > 0)
  );
}

async function workOrder(
  api: OngoingApi,
  control: SimulatorControl,
  plan: Extract<PlannedAction, { kind: 'pickOrder' | 'shipOrder' }>,
  rng: Rng,
  world: World,
): Promise<Outcome> {
  // The pipeline may name the Ongoing order after the picking list or after the order.
  const numbers = [...new Set(plan.candidates.flatMap((c) => [c.pickingListNumber, c.orderNumber]))];
  const found = await ongoingLookup(() => api.getOrders({ orderNumbers: numbers }));
  const byNumber = new Map(found.map((o) => [o.orderInfo.orderNumber, o]));
  const orders = plan.candidates
    .map((c) => byNumber.get(c.pickingListNumber) ?? byNumber.get(c.orderNumber))
    .filter((o): o is OngoingOrder => o !== undefined && workable(o));
  const unpicked = orders.filter(
    (o) =>
      o.orderInfo.orderStatus.number < ORDER_STATUS.picked &&
      o.orderLines.some((l) => l.orderedNumberOfItems > l.pickedNumberOfItems),
  );

  if (plan.kind === 'pickOrder') {
    const order = unpicked[0];
    if (!order) return skipped(`none of ${plan.candidates.length} picking lists is waiting to be picked in Ongoing`);
    const service = new Set(world.products.filter((p) => p.isService).map((p) => p.productNumber));
    const lines: PickLine[] = order.orderLines
      .filter((l) => l.orderedNumberOfItems > l.pickedNumberOfItems)
      .map((l) => ({ orderLineId: l.id, numberOfItems: l.orderedNumberOfItems - l.pickedNumberOfItems }));
    let detail = `${lines.length} lines`;
    const stocked = lines.filter(
      (l) => !service.has(order.orderLines.find((x) => x.id === l.orderLineId)!.article.articleNumber),
    );
    if (plan.discrepancy && stocked.length > 0) {
      // The picker finds a unit missing at the location: booked as a negative adjustment (PICKDIFF).
      const line = stocked[int(rng, 0, stocked.length - 1)]!;
      line.missingNumberOfItems = 1;
      const short = plan.shortPick && line.numberOfItems > 1;
      if (short) line.numberOfItems -= 1;
      const article = order.orderLines.find((x) => x.id === line.orderLineId)!.article.articleNumber;
      detail += `, 1 × ${article} missing at the location${short ? `, short-picked to ${line.numberOfItems}` : ''}`;
    }
    await control.pickOrder({ orderId: order.orderInfo.orderId }, lines);
    return done(order.orderInfo.orderNumber, detail);
  }

  const picked = orders.filter((o) => o.orderInfo.orderStatus.number >= ORDER_STATUS.picked);
  const order = (plan.preferPicked ? picked[0] : undefined) ?? orders[0];
  if (!order) return skipped(`none of ${plan.candidates.length} picking lists is open in Ongoing`);
  await control.shipOrder(
    { orderId: order.orderInfo.orderId },
    { waybill: plan.waybill, trackingUrl: plan.trackingUrl, parcels: plan.parcels },
  );
  return done(
    order.orderInfo.orderNumber,
    `waybill ${plan.waybill}, ${plan.parcels} parcel${plan.parcels > 1 ? 's' : ''}${order.orderInfo.orderStatus.number < ORDER_STATUS.picked ? ' (picked in full first)' : ''}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Returns and stock

/** A customer return at the warehouse: a purchase order marked as a return, still expecting goods. */
function expectingGoods(po: OngoingPurchaseOrder): boolean {
  const status = po.purchaseOrderInfo.purchaseOrderStatus?.number ?? 0;
  return (
    po.purchaseOrderInfo.advanced?.purchaseOrderIsReturnType === true &&
    status < PURCHASE_ORDER_STATUS.received &&
    (po.purchaseOrderLines ?? []).some((l) => (l.advisedNumberOfItems ?? 0) > (l.receivedNumberOfItems ?? 0))
  );
}

async function receiveReturn(
  api: OngoingApi,
  control: SimulatorControl,
  plan: Extract<PlannedAction, { kind: 'receiveReturn' }>,
  rng: Rng,
): Promise<Outcome> {
  const found = await ongoingLookup(() => api.getPurchaseOrders({ purchaseOrderNumbers: plan.candidates }));
  const po = found.find(expectingGoods);
  if (po === undefined) return skipped(`none of ${plan.candidates.length} returns is expected in Ongoing`);
  const open = (po.purchaseOrderLines ?? [])
    .map((l) => ({ line: l, open: (l.advisedNumberOfItems ?? 0) - (l.receivedNumberOfItems ?? 0) }))
    .filter((o) => o.open > 0);
  const splittable = open.filter((o) => o.open > 1);
  let lines: ReceiveLine[] | undefined;
  let detail = `${open.length} lines in full`;
  if (plan.partial && splittable.length > 0) {
    const o = splittable[int(rng, 0, splittable.length - 1)]!;
    lines = [{ purchaseOrderLineId: o.line.id, numberOfItems: o.open - 1 }];
    detail = `partial: ${o.open - 1} of ${o.line.article?.articleNumber ?? '?'}`;
  }
  await control.receivePurchaseOrder({ purchaseOrderId: po.purchaseOrderInfo.purchaseOrderId }, lines);
  return done(po.purchaseOrderInfo.purchaseOrderNumber ?? String(po.purchaseOrderInfo.purchaseOrderId), detail);
}

async function adjustStock(
  api: OngoingApi,
  control: SimulatorControl,
  plan: Extract<PlannedAction, { kind: 'adjustStock' }>,
): Promise<Outcome> {
  const articles = await ongoingLookup(() => api.getArticles({ articleNumbers: plan.candidates }));
  const stocked = new Set(articles.filter((a) => a.isStockArticle !== false).map((a) => a.articleNumber));
  const articleNumber = plan.candidates.find((n) => stocked.has(n));
  if (articleNumber === undefined)
    return skipped(`none of ${plan.candidates.length} products is an article in Ongoing yet`);
  await control.adjustStock({
    goodsOwnerId: api.goodsOwnerId,
    adjustments: [{ articleNumber, numberOfItems: plan.numberOfItems, cause: plan.cause, comment: plan.comment }],
  });
  return done(articleNumber, `${plan.numberOfItems > 0 ? '+' : ''}${plan.numberOfItems} (${plan.cause.code})`);
}
