/**
 * The operator correcting stock: one inventory over the articles, recorded as an inventory
 * adjustment unless it is opening stock.
 */
import type { Knex } from 'knex';
import type { AdjustStockRequest } from './control.js';
import { ApiError, notFound, type Json } from './http.js';
import { recordInventory } from './inventory-adjustments.js';

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
  if (request.inventoryId !== undefined) {
    const open = await trx('inventory_adjustments')
      .where({ inventory_id: request.inventoryId, goods_owner_id: goodsOwnerId })
      .first('id');
    if (!open) throw notFound(`No inventory ${request.inventoryId} for goods owner ${goodsOwnerId}.`);
  }
  const { inventoryId, ids } = await recordInventory(trx, items, {
    record: request.recordAdjustment !== false,
    ...(request.inventoryId !== undefined ? { inventoryId: request.inventoryId } : {}),
  });
  return { inventoryId, inventoryArticleItemIds: ids };
}
