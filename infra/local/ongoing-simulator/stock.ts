/**
 * Stock per article. `numberOfItems` (physically present) is stored: receiving a purchase order
 * adds to it, picking takes from it, inventory adjustments and received returns change it. The
 * rest of `inventoryInfo` is derived from open orders and purchase orders when read, so it can
 * never drift: booked = ordered but not yet picked on open orders, sellable = present − booked.
 */
import type { Knex } from 'knex';
import { ORDER_STATUS, PURCHASE_ORDER_STATUS } from './reference-data.js';
import { utc } from './http.js';

export interface InventoryInfo {
  numberOfItems: number;
  numberOfBookedItems: number;
  numberOfLockedItems: number;
  toReceiveNumberOfItems: number;
  allocatedNumberOfItems: number;
  lockedForSaleNumberOfItems: number;
  pickedToBeCollectedNumberOfItems: number;
  receivedToBeFinishedNumberOfItems: number;
  sellableNumberOfItems: number;
  lastInDate: string | null;
}

interface StockRow {
  article_system_id: number;
  number_of_items: number;
  last_in_date: Date | null;
  booked: number;
  allocated: number;
  picked_to_be_collected: number;
  to_receive: number;
}

export async function inventoryInfo(
  db: Knex | Knex.Transaction,
  articleSystemIds: number[],
): Promise<Map<number, InventoryInfo>> {
  const out = new Map<number, InventoryInfo>();
  if (articleSystemIds.length === 0) return out;
  const openOrder = `o.status_number < ${ORDER_STATUS.sent}`;
  const rows: StockRow[] = (
    await db.raw(
      `SELECT a.article_system_id, a.number_of_items, a.last_in_date,
         coalesce((SELECT sum(greatest(l.ordered - l.picked, 0)) FROM order_lines l JOIN orders o ON o.order_id = l.order_id
                    WHERE l.article_system_id = a.article_system_id AND ${openOrder}), 0)::float8 AS booked,
         coalesce((SELECT sum(greatest(l.allocated - l.picked, 0)) FROM order_lines l JOIN orders o ON o.order_id = l.order_id
                    WHERE l.article_system_id = a.article_system_id AND ${openOrder}), 0)::float8 AS allocated,
         coalesce((SELECT sum(l.picked) FROM order_lines l JOIN orders o ON o.order_id = l.order_id
                    WHERE l.article_system_id = a.article_system_id AND o.status_number >= ${ORDER_STATUS.picked} AND ${openOrder}), 0)::float8 AS picked_to_be_collected,
         coalesce((SELECT sum(greatest(pl.advised - pl.received, 0)) FROM purchase_order_lines pl JOIN purchase_orders p ON p.purchase_order_id = pl.purchase_order_id
                    WHERE pl.article_system_id = a.article_system_id AND p.status_number < ${PURCHASE_ORDER_STATUS.received}), 0)::float8 AS to_receive
       FROM articles a WHERE a.article_system_id = ANY(?)`,
      [articleSystemIds],
    )
  ).rows;
  for (const r of rows) {
    out.set(r.article_system_id, {
      numberOfItems: r.number_of_items,
      numberOfBookedItems: r.booked,
      numberOfLockedItems: 0,
      toReceiveNumberOfItems: r.to_receive,
      allocatedNumberOfItems: r.allocated,
      lockedForSaleNumberOfItems: 0,
      pickedToBeCollectedNumberOfItems: r.picked_to_be_collected,
      receivedToBeFinishedNumberOfItems: 0,
      sellableNumberOfItems: r.number_of_items - r.booked,
      lastInDate: utc(r.last_in_date),
    });
  }
  return out;
}

/** Changes the physical stock of an article (a signed delta). */
export async function changeStock(
  trx: Knex.Transaction,
  articleSystemId: number,
  delta: number,
  options: { inbound?: boolean } = {},
): Promise<void> {
  const update: Record<string, unknown> = {
    number_of_items: trx.raw('number_of_items + ?', [delta]),
    stock_changed_at: trx.fn.now(),
  };
  if (options.inbound) update.last_in_date = trx.fn.now();
  await trx('articles').where({ article_system_id: articleSystemId }).update(update);
}

/** Marks stock info as changed without a physical change (booked or allocated quantities moved). */
export async function touchStock(trx: Knex.Transaction, articleSystemIds: number[]): Promise<void> {
  if (articleSystemIds.length)
    await trx('articles')
      .whereIn('article_system_id', [...new Set(articleSystemIds)])
      .update({ stock_changed_at: trx.fn.now() });
}
