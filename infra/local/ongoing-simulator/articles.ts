/**
 * Articles (master data): `PUT /articles` upserts by `articleNumber` per goods owner and answers
 * `{articleSystemId, message}`; `GET /articles` pages by `articleSystemIdFrom`/`maxArticlesToGet`
 * and finds changes by `articleDataLastUpdatedFrom` or `stockInfoChangedFrom` (at most 24 hours
 * back, as the live API enforces). A PUT changes the fields it gives: "" clears one, a field left
 * out or null keeps its value (clearing.ts).
 */
import type { Knex } from 'knex';
import { applyPut } from './clearing.js';
import type { ApiRequest, RouteTable } from './context.js';
import {
  ApiError,
  canonicalJson,
  field,
  idParam,
  invalid,
  notFound,
  refused,
  utc,
  type Json,
  type Reply,
} from './http.js';
import { inventoryInfo } from './stock.js';
import type { Store } from './store.js';

export interface ArticleRow {
  article_system_id: number;
  goods_owner_id: number;
  article_number: string;
  data: Json;
  number_of_items: number;
  data_updated_at: Date;
  created_at: Date;
}

const NUMBERS = [
  'weight',
  'netWeight',
  'length',
  'width',
  'height',
  'volume',
  'stockLimit',
  'purchasePrice',
  'stockValuationPrice',
  'customerPrice',
];
const TEXTS = ['articleName', 'productCode', 'unitCode', 'description', 'countryOfOriginCode', 'statisticsNumber'];

/** The fields of an article PUT that are stored and echoed back on GET. */
function articleData(body: Json): Json {
  const { goodsOwnerId: _g, articleNumber: _n, ...rest } = body;
  for (const n of TEXTS) field.string(body, n);
  field.bool(body, 'isStockArticle');
  field.bool(body, 'isActive');
  for (const n of NUMBERS) field.number(body, n);
  // int in Ongoing's model: a fraction does not bind
  field.int(body, 'quantityPerPackage');
  for (const o of ['barCodeInfo', 'supplierInfo', 'articleGroup', 'articleCategory']) field.object(body, o);
  return rest;
}

export async function articleOut(store: Store, db: Knex | Knex.Transaction, rows: ArticleRow[]): Promise<Json[]> {
  const stock = await inventoryInfo(
    db,
    rows.map((r) => r.article_system_id),
  );
  return rows.map((r) => {
    const d = r.data;
    const goodsOwner = store.goodsOwner(r.goods_owner_id);
    return {
      goodsOwner: { id: r.goods_owner_id, name: goodsOwner?.name ?? null },
      articleSystemId: r.article_system_id,
      articleNumber: r.article_number,
      articleName: d.articleName ?? null,
      productCode: d.productCode ?? null,
      unitCode: d.unitCode ?? null,
      description: d.description ?? null,
      isStockArticle: d.isStockArticle ?? true,
      isActive: d.isActive ?? true,
      ...d,
      articleDataLastUpdated: utc(r.data_updated_at),
      inventoryInfo: stock.get(r.article_system_id) ?? null,
    };
  });
}

/** Looks up articles of one goods owner by number; every number must exist. */
export async function requireArticles(
  trx: Knex.Transaction,
  goodsOwnerId: number,
  numbers: string[],
  path: string,
): Promise<Map<string, ArticleRow>> {
  const rows: ArticleRow[] = await trx('articles')
    .where({ goods_owner_id: goodsOwnerId })
    .whereIn('article_number', [...new Set(numbers)]);
  const byNumber = new Map(rows.map((r) => [r.article_number, r]));
  const missing = numbers.filter((n) => !byNumber.has(n));
  if (missing.length)
    throw refused(
      `${path}: article number(s) ${[...new Set(missing)].map((n) => `'${n}'`).join(', ')} do not exist for goods owner ${goodsOwnerId}.`,
    );
  return byNumber;
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function listArticles(req: ApiRequest): Promise<Reply> {
  const goodsOwnerId = req.goodsOwnerFromQuery();
  const q = req.query;
  const query = req.store.db<ArticleRow>('articles').where({ goods_owner_id: goodsOwnerId });
  const articleNumber = q.get('articleNumber');
  if (articleNumber !== undefined) query.where('article_number', articleNumber);
  const articleNumbers = q.all('articleNumbers');
  if (articleNumbers.length) query.whereIn('article_number', articleNumbers);
  const from = q.int('articleSystemIdFrom');
  if (from !== undefined) query.where('article_system_id', '>=', from);
  const updatedFrom = q.time('articleDataLastUpdatedFrom');
  if (updatedFrom) query.where('data_updated_at', '>=', updatedFrom);
  const stockFrom = q.time('stockInfoChangedFrom');
  if (stockFrom) {
    if (Date.now() - stockFrom.getTime() > DAY_MS)
      throw new ApiError(400, 'stockInfoChangedFrom must be within 24 hours.');
    query.where('stock_changed_at', '>=', stockFrom);
  }
  if (q.bool('onlyArticlesInStock')) query.where('number_of_items', '>', 0);
  const productCode = q.get('productCode');
  if (productCode !== undefined) query.whereRaw(`data->>'productCode' = ?`, [productCode]);
  const productCodes = q.all('productCodes');
  if (productCodes.length) query.whereRaw(`data->>'productCode' = ANY(?)`, [productCodes]);
  const barCodes = q.all('barCodes');
  if (barCodes.length) query.whereRaw(`data->'barCodeInfo'->>'barCode' = ANY(?)`, [barCodes]);
  const max = q.int('maxArticlesToGet');
  if (max !== undefined) {
    if (max < 0) throw invalid('maxArticlesToGet', 'must not be negative.');
    query.limit(max);
  }
  const rows = await query.orderBy('article_system_id');
  return { body: await articleOut(req.store, req.store.db, rows) };
}

async function getArticle(req: ApiRequest): Promise<Reply> {
  const id = idParam(req.params, 'articleSystemId');
  const row: ArticleRow | undefined = await req.store.db('articles').where({ article_system_id: id }).first();
  if (!row || !req.mayAccess(row.goods_owner_id)) throw notFound(`No article with articleSystemId ${id} was found.`);
  const [out] = await articleOut(req.store, req.store.db, [row]);
  return { body: out };
}

async function putArticle(req: ApiRequest): Promise<Reply> {
  const body = req.body();
  const goodsOwnerId = req.goodsOwnerFromBody(body);
  const articleNumber = field.requiredString(body, 'articleNumber');
  const data = articleData(body);
  return req.store.write(goodsOwnerId, async (trx) => {
    const existing: ArticleRow | undefined = await trx('articles')
      .where({ goods_owner_id: goodsOwnerId, article_number: articleNumber })
      .first();
    if (!existing) {
      const [row] = await trx('articles')
        .insert({
          goods_owner_id: goodsOwnerId,
          article_number: articleNumber,
          data: JSON.stringify(applyPut({}, data)),
        })
        .returning('article_system_id');
      return {
        body: {
          articleSystemId: (row as { article_system_id: number }).article_system_id,
          message: `Article ${articleNumber} created.`,
        },
      };
    }
    // Fields a PUT leaves out keep their stored values, "" clears one (clearing.ts); only a real
    // change moves articleDataLastUpdated.
    const merged = applyPut(existing.data, data);
    const changed = canonicalJson(existing.data) !== canonicalJson(merged);
    await trx('articles')
      .where({ article_system_id: existing.article_system_id })
      .update({
        data: JSON.stringify(merged),
        ...(changed ? { data_updated_at: trx.fn.now() } : {}),
      });
    return {
      body: {
        articleSystemId: existing.article_system_id,
        message: changed ? `Article ${articleNumber} updated.` : `Article ${articleNumber} unchanged.`,
      },
    };
  });
}

export function registerArticleRoutes(router: RouteTable): void {
  router.add('GET', '/articles', listArticles);
  router.add('GET', '/articles/{articleSystemId}', getArticle);
  router.add('PUT', '/articles', putArticle);
}
