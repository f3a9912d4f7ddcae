/**
 * Inventory adjustments: stock corrections made in the warehouse (counting, damage, picking
 * discrepancies). `GET /inventoryAdjustments` groups them by article with a signed
 * `numberOfItems`; an integration reads `isReported=false` and acknowledges each (inventoryId,
 * articleSystemId) pair with `setReported`. One inventory can span several articles.
 */
import type { Knex } from 'knex';
import type { ApiRequest, RouteTable } from './context.js';
import { idParam, notFound, utc, type Json, type Reply } from './http.js';
import { nextId } from './schema.js';
import { changeStock } from './stock.js';

export interface AdjustmentInput {
  goodsOwnerId: number;
  articleSystemId: number;
  numberOfItems: number;
  cause: { code: string; name: string } | null;
  comment?: string | null;
  location?: string | null;
}

interface AdjustmentRow {
  id: number;
  inventory_id: number;
  goods_owner_id: number;
  article_system_id: number;
  article_item_id: number;
  number_of_items: number;
  inventory_time: Date;
  cause: { code: string; name: string } | null;
  comment: string | null;
  location: string | null;
  is_reported: boolean;
}

/**
 * Books one inventory (several articles possible) and changes stock accordingly. Given an
 * `inventoryId`, the items are added to that inventory, still open: each item is a transaction with
 * its own reported flag, so the new ones are unreported whatever was set reported before (reading
 * R1 of docs/warehouse-facts.md).
 */
export async function recordInventory(
  trx: Knex.Transaction,
  items: AdjustmentInput[],
  options: { record?: boolean; inventoryId?: number } = {},
): Promise<{ inventoryId: number; ids: number[] }> {
  const inventoryId = options.inventoryId ?? (await nextId(trx, 'inventory_seq'));
  const ids: number[] = [];
  for (const item of items) {
    await changeStock(trx, item.articleSystemId, item.numberOfItems, { inbound: item.numberOfItems > 0 });
    if (options.record === false) continue;
    const [row] = await trx('inventory_adjustments')
      .insert({
        inventory_id: inventoryId,
        goods_owner_id: item.goodsOwnerId,
        article_system_id: item.articleSystemId,
        article_item_id: await nextId(trx, 'article_item_seq'),
        number_of_items: item.numberOfItems,
        cause: item.cause ? JSON.stringify(item.cause) : null,
        comment: item.comment ?? null,
        location: item.location ?? null,
      })
      .returning('id');
    ids.push((row as { id: number }).id);
  }
  return { inventoryId, ids };
}

async function groupedByArticle(db: Knex, rows: AdjustmentRow[]): Promise<Json[]> {
  const articleIds = [...new Set(rows.map((r) => r.article_system_id))];
  const articles: {
    article_system_id: number;
    article_number: string;
    article_name: string | null;
    product_code: string | null;
  }[] = articleIds.length
    ? await db('articles')
        .whereIn('article_system_id', articleIds)
        .select(
          'article_system_id',
          'article_number',
          db.raw(`data->>'articleName' AS article_name`),
          db.raw(`data->>'productCode' AS product_code`),
        )
    : [];
  const warehouse = await db('warehouses').orderBy('id').first('id', 'code', 'name');
  return articleIds.map((id) => {
    const a = articles.find((x) => x.article_system_id === id);
    return {
      article: {
        articleSystemId: id,
        articleNumber: a?.article_number ?? null,
        articleName: a?.article_name ?? null,
        productCode: a?.product_code ?? null,
      },
      inventoryAdjustments: rows
        .filter((r) => r.article_system_id === id)
        .map((r) => ({
          inventoryId: r.inventory_id,
          numberOfItems: r.number_of_items,
          inventoryTime: utc(r.inventory_time),
          articleItemComment: null,
          inventoryItemComment: r.comment,
          inventoryAdjustmentCause: r.cause,
          location: r.location,
          batchNumber: null,
          serial: null,
          articleItemStatus: null,
          expiryDate: null,
          warehouse: warehouse ?? null,
        })),
    };
  });
}

async function listAdjustments(req: ApiRequest): Promise<Reply> {
  const goodsOwnerId = req.goodsOwnerFromQuery();
  const q = req.query;
  const query = req.store.db<AdjustmentRow>('inventory_adjustments').where({ goods_owner_id: goodsOwnerId });
  const from = q.time('from');
  if (from) query.where('inventory_time', '>=', from);
  const to = q.time('toTime') ?? q.time('to');
  if (to) query.where('inventory_time', '<=', to);
  const isReported = q.bool('isReported');
  if (isReported !== undefined) query.where('is_reported', isReported);
  const rows = await query.orderBy('id');
  return { body: await groupedByArticle(req.store.db, rows) };
}

export function registerInventoryAdjustmentRoutes(router: RouteTable): void {
  router.add('GET', '/inventoryAdjustments', listAdjustments);
  router.add('PATCH', '/inventoryAdjustments/{inventoryId}/articles/{articleSystemId}/setReported', async (req) => {
    const inventoryId = idParam(req.params, 'inventoryId');
    const articleSystemId = idParam(req.params, 'articleSystemId');
    const first: AdjustmentRow | undefined = await req.store
      .db('inventory_adjustments')
      .where({ inventory_id: inventoryId, article_system_id: articleSystemId })
      .first();
    if (!first || !req.mayAccess(first.goods_owner_id))
      throw notFound(
        `No inventory adjustment for inventoryId ${inventoryId} and articleSystemId ${articleSystemId} was found.`,
      );
    return req.store.write(first.goods_owner_id, async (trx) => {
      const rows: AdjustmentRow[] = await trx('inventory_adjustments')
        .where({ inventory_id: inventoryId, article_system_id: articleSystemId })
        .update({ is_reported: true, reported_at: trx.fn.now() })
        .returning('*');
      return {
        body: {
          message: `${rows.length} inventory adjustment item(s) set to reported.`,
          items: rows.map((r) => ({ inventoryArticleItemId: r.id, articleItemId: r.article_item_id })),
        },
      };
    });
  });
}
