/**
 * Control routes for what a warehouse user does to purchase orders in Ongoing's UI, outside the
 * API: create one by hand (nothing of it from the ERP), and give one another number.
 */
import type { Knex } from 'knex';
import type { ControlHandler } from './control-routes.js';
import type { HandMadePurchaseOrder, PurchaseOrderRef } from './control.js';
import { ApiError } from './http.js';
import { purchaseOrderOut, type PurchaseOrderRow } from './purchase-order-shape.js';
import { savePurchaseOrder } from './purchase-orders.js';
import type { Router } from './router.js';
import type { Store } from './store.js';

export function registerPurchaseOrderOperatorRoutes(
  router: Router<ControlHandler>,
  deps: {
    store: Store;
    defaultGoodsOwner: number;
    findPurchaseOrder(
      db: Knex | Knex.Transaction,
      ref: PurchaseOrderRef,
      defaultGoodsOwner: number,
    ): Promise<PurchaseOrderRow>;
  },
): void {
  const { store, defaultGoodsOwner, findPurchaseOrder } = deps;
  const db = store.db;
  // A purchase order made by hand in the warehouse's UI: the same record an API PUT makes, nothing of it from the ERP.
  router.add('POST', '/purchaseOrders/createByHand', async ({ body }) => {
    const order = body as unknown as HandMadePurchaseOrder;
    const goodsOwnerId = order.goodsOwnerId ?? defaultGoodsOwner;
    if (typeof order.purchaseOrderNumber !== 'string' || !Array.isArray(order.lines))
      throw new ApiError(400, 'purchaseOrderNumber and lines are required.');
    return store.write(
      goodsOwnerId,
      async (trx) => {
        if (
          await trx('purchase_orders')
            .where({ goods_owner_id: goodsOwnerId, purchase_order_number: order.purchaseOrderNumber })
            .first()
        )
          throw new ApiError(409, `Purchase order ${order.purchaseOrderNumber} exists already.`);
        const { purchaseOrderId } = await savePurchaseOrder(
          trx,
          {
            goodsOwnerId,
            purchaseOrderNumber: order.purchaseOrderNumber,
            inDate: undefined,
            data: order.isReturn ? { advanced: { purchaseOrderIsReturnType: true } } : {},
            lines: order.lines.map((l) => ({ ...l, data: {} })),
          },
          undefined,
        );
        const fresh: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: purchaseOrderId })
          .first();
        return { body: (await purchaseOrderOut(store, trx, [fresh]))[0] };
      },
      { rateLimited: false },
    );
  });

  // A warehouse user renumbering a purchase order in the UI (its number then free for another).
  router.add('POST', '/purchaseOrders/renumber', async ({ body }) => {
    const found = await findPurchaseOrder(db, body as PurchaseOrderRef, defaultGoodsOwner);
    const next = body.newPurchaseOrderNumber;
    if (typeof next !== 'string' || next.trim() === '') throw new ApiError(400, 'newPurchaseOrderNumber is required.');
    return store.write(
      found.goods_owner_id,
      async (trx) => {
        if (
          await trx('purchase_orders')
            .where({ goods_owner_id: found.goods_owner_id, purchase_order_number: next })
            .first()
        )
          throw new ApiError(409, `Purchase order ${next} exists already.`);
        await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .update({ purchase_order_number: next, updated_at: trx.fn.now() });
        const fresh: PurchaseOrderRow = await trx('purchase_orders')
          .where({ purchase_order_id: found.purchase_order_id })
          .first();
        return { body: (await purchaseOrderOut(store, trx, [fresh]))[0] };
      },
      { rateLimited: false },
    );
  });
}
