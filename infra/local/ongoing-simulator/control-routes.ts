/**
 * Routes of the control path `/{warehouse}/sim/...` (no auth, never faulted): operator actions,
 * seeding, reset, faults, rate limit and a state dump. `control.ts` is the typed client of these.
 */
import type { Knex } from 'knex';
import { articleOut, type ArticleRow } from './articles.js';
import type {
  AdjustStockRequest,
  FaultUpdate,
  OrderRef,
  PurchaseOrderRef,
  ReceivedCorrection,
  RegisterReturnRequest,
  ReturnOrderRef,
} from './control.js';
import type { Faults } from './faults.js';
import { ApiError, isObject, notFound, utc, type Json, type Query, type Reply } from './http.js';
import * as operator from './operator.js';
import { orderOut, type OrderRow } from './order-shape.js';
import { purchaseOrderOut, type PurchaseOrderRow } from './purchase-order-shape.js';
import { registerPurchaseOrderOperatorRoutes } from './control-purchase-orders.js';
import { DEFAULT_SEED, seedReferenceData, type SeedData } from './reference-data.js';
import { returnOrderOut, type ReturnOrderRow } from './return-orders.js';
import { Router } from './router.js';
import { DATA_TABLES } from './schema.js';
import type { Store } from './store.js';

export interface ControlDeps {
  store: Store;
  faults: Faults;
  warehouse: string;
  initialWritesPerSecond: number;
  /** Stops accepting connections for `ms`; called after the reply has been written. */
  refuseConnections(ms: number): void;
}

export interface ControlRequest {
  params: Record<string, string>;
  query: Query;
  body: Json;
}

export interface ControlReply extends Reply {
  afterResponse?: () => void;
}

export type ControlHandler = (req: ControlRequest) => Promise<ControlReply>;

async function findOrder(db: Knex | Knex.Transaction, ref: OrderRef, defaultGoodsOwner: number): Promise<OrderRow> {
  const row: OrderRow | undefined =
    ref.orderId !== undefined
      ? await db('orders').where({ order_id: ref.orderId }).first()
      : await db('orders')
          .where({ goods_owner_id: ref.goodsOwnerId ?? defaultGoodsOwner, order_number: String(ref.orderNumber) })
          .first();
  if (!row) throw notFound(`No order ${ref.orderId ?? ref.orderNumber} was found.`);
  return row;
}

export async function findPurchaseOrder(
  db: Knex | Knex.Transaction,
  ref: PurchaseOrderRef,
  defaultGoodsOwner: number,
): Promise<PurchaseOrderRow> {
  const row: PurchaseOrderRow | undefined =
    ref.purchaseOrderId !== undefined
      ? await db('purchase_orders').where({ purchase_order_id: ref.purchaseOrderId }).first()
      : await db('purchase_orders')
          .where({
            goods_owner_id: ref.goodsOwnerId ?? defaultGoodsOwner,
            purchase_order_number: String(ref.purchaseOrderNumber),
          })
          .first();
  if (!row) throw notFound(`No purchase order ${ref.purchaseOrderId ?? ref.purchaseOrderNumber} was found.`);
  return row;
}

async function findReturnOrder(
  db: Knex | Knex.Transaction,
  ref: ReturnOrderRef,
  defaultGoodsOwner: number,
): Promise<ReturnOrderRow> {
  const row: ReturnOrderRow | undefined =
    ref.returnOrderId !== undefined
      ? await db('return_orders').where({ return_order_id: ref.returnOrderId }).first()
      : await db('return_orders')
          .where({
            goods_owner_id: ref.goodsOwnerId ?? defaultGoodsOwner,
            return_order_number: String(ref.returnOrderNumber),
          })
          .first();
  if (!row) throw notFound(`No return order ${ref.returnOrderId ?? ref.returnOrderNumber} was found.`);
  return row;
}

function optionalList<T>(body: Json, name: string): T[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ApiError(400, `${name} must be an array.`);
  return v as T[];
}

export function controlRouter(deps: ControlDeps): Router<ControlHandler> {
  const { store, faults } = deps;
  const db = store.db;
  const defaultGoodsOwner = store.goodsOwners[0]?.id ?? 1;
  const router = new Router<ControlHandler>();

  /** Runs an operator action on an order in its goods owner's write turn and answers the order. */
  const onOrder =
    (action: (trx: Knex.Transaction, order: OrderRow, body: Json) => Promise<void>): ControlHandler =>
    async ({ body }) => {
      const found = await findOrder(db, body as OrderRef, defaultGoodsOwner);
      return store.write(
        found.goods_owner_id,
        async (trx) => {
          const order: OrderRow = await trx('orders').where({ order_id: found.order_id }).first();
          await action(trx, order, body);
          const fresh: OrderRow = await trx('orders').where({ order_id: found.order_id }).first();
          return { body: (await orderOut(store, trx, [fresh]))[0] };
        },
        { rateLimited: false },
      );
    };

  router.add('GET', '/health', async () => ({ body: { ok: true } }));

  router.add('GET', '/state', async ({ query }) => {
    const goodsOwnerId = query.int('goodsOwnerId');
    const scoped = (table: string) =>
      goodsOwnerId === undefined ? db(table) : db(table).where({ goods_owner_id: goodsOwnerId });
    const counts: Record<string, number> = {};
    for (const table of DATA_TABLES) {
      const row = await db(table).count<{ n: string }[]>('* as n').first();
      counts[table] = Number(row?.n ?? 0);
    }
    const articles: ArticleRow[] = await scoped('articles').orderBy('article_system_id');
    const orders: OrderRow[] = await scoped('orders').orderBy('order_id');
    const purchaseOrders: PurchaseOrderRow[] = await scoped('purchase_orders').orderBy('purchase_order_id');
    const returnOrders: ReturnOrderRow[] = await scoped('return_orders').orderBy('return_order_id');
    const adjustments: Record<string, unknown>[] = await scoped('inventory_adjustments').orderBy('id');
    return {
      body: {
        warehouse: deps.warehouse,
        goodsOwners: store.goodsOwners,
        counts,
        writeStats: store.gate.snapshot(),
        writesPerSecond: store.gate.writesPerSecond,
        faults: faults.snapshot(),
        articles: await articleOut(store, db, articles),
        orders: await orderOut(store, db, orders, { stored: true }),
        purchaseOrders: await purchaseOrderOut(store, db, purchaseOrders),
        returnOrders: await returnOrderOut(store, db, returnOrders),
        inventoryAdjustments: adjustments.map((a) => ({
          inventoryArticleItemId: a.id,
          inventoryId: a.inventory_id,
          goodsOwnerId: a.goods_owner_id,
          articleSystemId: a.article_system_id,
          numberOfItems: a.number_of_items,
          inventoryTime: utc(a.inventory_time as Date),
          inventoryAdjustmentCause: a.cause,
          comment: a.comment,
          isReported: a.is_reported,
        })),
      },
    };
  });

  router.add('POST', '/reset', async () => {
    await db.raw(`TRUNCATE ${DATA_TABLES.join(', ')} CASCADE`);
    await seedReferenceData(db, store.goodsOwners, DEFAULT_SEED, 'replace');
    faults.clear();
    store.gate.writeLatencyMs = 0;
    store.gate.writesPerSecond = deps.initialWritesPerSecond;
    store.gate.resetStats();
    return { body: { message: 'Simulator reset: all data removed, code lists re-seeded, faults cleared.' } };
  });

  router.add('POST', '/seed', async ({ body }) => {
    const keys = [
      'orderStatuses',
      'purchaseOrderStatuses',
      'returnOrderStatuses',
      'transporterContracts',
      'waysOfDelivery',
      'transporterAssignments',
      'warehouses',
    ] as const;
    const given: SeedData = {};
    for (const k of keys) {
      const list = optionalList(body, k);
      if (list) (given as Record<string, unknown>)[k] = list;
    }
    const seed = Object.keys(given).length ? given : DEFAULT_SEED;
    await seedReferenceData(db, store.goodsOwners, seed, 'replace');
    return { body: { message: `Seeded ${Object.keys(seed).join(', ')}.` } };
  });

  router.add('GET', '/faults', async () => ({ body: faults.snapshot() }));
  router.add('DELETE', '/faults', async () => {
    faults.clear();
    store.gate.writeLatencyMs = 0;
    return { body: faults.snapshot() };
  });
  router.add('PUT', '/faults', async ({ body }) => {
    const { refuseConnectionsForMs, unauthorizedForMs, ...settings } = body as FaultUpdate;
    for (const [name, v] of [
      ['refuseConnectionsForMs', refuseConnectionsForMs],
      ['unauthorizedForMs', unauthorizedForMs],
    ] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
        throw new ApiError(400, `${name} must be a non-negative number.`);
    }
    faults.update(settings);
    store.gate.writeLatencyMs = faults.settings.writeLatencyMs;
    if (unauthorizedForMs !== undefined)
      faults.unauthorizedUntil = unauthorizedForMs > 0 ? Date.now() + unauthorizedForMs : undefined;
    const reply: ControlReply = { body: faults.snapshot() };
    if (refuseConnectionsForMs) {
      faults.refusingUntil = Date.now() + refuseConnectionsForMs;
      reply.body = faults.snapshot();
      reply.afterResponse = () => deps.refuseConnections(refuseConnectionsForMs);
    }
    return reply;
  });

  router.add('GET', '/rate-limit', async () => ({ body: { writesPerSecond: store.gate.writesPerSecond } }));
  router.add('PUT', '/rate-limit', async ({ body }) => {
    const n = body.writesPerSecond;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw new ApiError(400, 'writesPerSecond must be a non-negative number (0 = unlimited).');
    store.gate.writesPerSecond = n;
    store.gate.resetStats();
    return { body: { writesPerSecond: n } };
  });

  registerPurchaseOrderOperatorRoutes(router, { store, defaultGoodsOwner, findPurchaseOrder });

  router.add('POST', '/purchaseOrders/receive', async ({ body }) => {
    const found = await findPurchaseOrder(db, body as PurchaseOrderRef, defaultGoodsOwner);
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        const po: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .first();
        await operator.receivePurchaseOrder(trx, po, optionalList(body, 'lines'));
        const fresh: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .first();
        return { body: (await purchaseOrderOut(store, trx, [fresh]))[0] };
      },
      { rateLimited: false },
    );
  });

  router.add('POST', '/purchaseOrders/setReceived', async ({ body }) => {
    const found = await findPurchaseOrder(db, body as PurchaseOrderRef, defaultGoodsOwner);
    const lines = optionalList<ReceivedCorrection>(body, 'lines');
    if (!lines?.length)
      throw new ApiError(400, 'lines is required: [{purchaseOrderLineId | rowNumber, receivedNumberOfItems}].');
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        const po: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .first();
        await operator.setReceivedQuantity(trx, po, lines);
        const fresh: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .first();
        return { body: (await purchaseOrderOut(store, trx, [fresh]))[0] };
      },
      { rateLimited: false },
    );
  });

  router.add(
    'POST',
    '/orders/allocate',
    onOrder((trx, order, body) => operator.allocateOrder(trx, order, optionalList(body, 'lines'))),
  );
  router.add(
    'POST',
    '/orders/pick',
    onOrder((trx, order, body) => operator.pickOrder(trx, order, optionalList(body, 'lines'))),
  );
  router.add(
    'POST',
    '/orders/ship',
    onOrder((trx, order, body) =>
      operator.shipOrder(trx, order, {
        ...(typeof body.waybill === 'string' ? { waybill: body.waybill } : {}),
        ...(typeof body.trackingUrl === 'string' ? { trackingUrl: body.trackingUrl } : {}),
        ...(typeof body.parcels === 'number' ? { parcels: body.parcels } : {}),
      }),
    ),
  );
  router.add(
    'POST',
    '/orders/status',
    onOrder((trx, order, body) => {
      if (typeof body.orderStatusNumber !== 'number') throw new ApiError(400, 'orderStatusNumber is required.');
      return operator.setOrderStatusByOperator(trx, order, body.orderStatusNumber);
    }),
  );
  router.add(
    'POST',
    '/orders/return',
    onOrder((trx, order, body) => operator.returnGoodsOnOrder(trx, order, optionalList(body, 'lines'))),
  );

  router.add('POST', '/returnOrders/receive', async ({ body }) => {
    const found = await findReturnOrder(db, body as ReturnOrderRef, defaultGoodsOwner);
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        const ro: ReturnOrderRow = await trx('return_orders').where({ return_order_id: found.return_order_id }).first();
        await operator.receiveReturnOrder(trx, ro, optionalList(body, 'lines'));
        const fresh: ReturnOrderRow = await trx('return_orders')
          .where({ return_order_id: found.return_order_id })
          .first();
        return { body: (await returnOrderOut(store, trx, [fresh]))[0] };
      },
      { rateLimited: false },
    );
  });

  router.add('POST', '/orders/backOrder', async ({ body }) => {
    const found = await findOrder(db, body as OrderRef, defaultGoodsOwner);
    const number = typeof body.backOrderNumber === 'string' ? body.backOrderNumber : undefined;
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        const order: OrderRow = await trx('orders').where({ order_id: found.order_id }).first();
        const backOrderId = await operator.splitBackOrder(trx, order, number);
        const backOrder: OrderRow = await trx('orders').where({ order_id: backOrderId }).first();
        return { body: (await orderOut(store, trx, [backOrder]))[0] };
      },
      { rateLimited: false },
    );
  });

  router.add('POST', '/returnOrders/register', async ({ body }) => {
    const found = await findOrder(db, body as OrderRef, defaultGoodsOwner);
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        const order: OrderRow = await trx('orders').where({ order_id: found.order_id }).first();
        const id = await operator.registerReturnOrder(trx, order, body as unknown as RegisterReturnRequest);
        const ro: ReturnOrderRow = await trx('return_orders').where({ return_order_id: id }).first();
        return { body: (await returnOrderOut(store, trx, [ro]))[0] };
      },
      { rateLimited: false },
    );
  });

  router.add('POST', '/inventory/adjust', async ({ body }) => {
    const request = body as unknown as AdjustStockRequest;
    const goodsOwnerId = request.goodsOwnerId ?? defaultGoodsOwner;
    if (!store.goodsOwner(goodsOwnerId)) throw notFound(`No goods owner ${goodsOwnerId}.`);
    return store.write(
      goodsOwnerId,
      async (trx) => ({ body: await operator.adjustStock(trx, goodsOwnerId, request) }),
      { rateLimited: false },
    );
  });

  return router;
}

export function controlBody(raw: unknown): Json {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new ApiError(400, 'The request body must be a JSON object.');
  return raw;
}
