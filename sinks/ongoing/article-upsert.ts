/**
 * Flow 1, Ongoing side: PUT /articles, upsert by article number. Every field the integration owns
 * goes on every PUT, a cleared one as what clears it in Ongoing ("" for text, 0 for a measure or
 * price: docs/sending-to-ongoing.md), so that a removed EAN, say, no longer scans in the warehouse.
 */
import { topics } from '../../schemas/catalog.js';
import type { ArticleUpsert } from '../../schemas/types.generated.js';
import type { OngoingArticlePut } from '../../connectors/ongoing/api/client.js';
import { owned, ownedNumber, type OngoingWriteHandler } from './writer.js';

export function articlePut(a: ArticleUpsert): OngoingArticlePut {
  return {
    articleNumber: a.articleNumber,
    articleName: a.articleName,
    productCode: owned(a.productCode),
    unitCode: owned(a.unitCode),
    description: owned(a.description),
    isStockArticle: a.isStockArticle,
    isActive: a.isActive,
    barCodeInfo: { barCode: owned(a.barCode) },
    supplierInfo: { supplierNumber: owned(a.supplierNumber) },
    weight: ownedNumber(a.weight),
    netWeight: ownedNumber(a.netWeight),
    length: ownedNumber(a.length),
    width: ownedNumber(a.width),
    height: ownedNumber(a.height),
    volume: ownedNumber(a.volume),
    quantityPerPackage: ownedNumber(a.quantityPerPackage),
    purchasePrice: ownedNumber(a.purchasePrice),
    stockValuationPrice: ownedNumber(a.stockValuationPrice),
    countryOfOriginCode: owned(a.countryOfOriginCode),
    statisticsNumber: owned(a.statisticsNumber),
    articleGroup: { code: owned(a.articleGroup), name: owned(a.articleGroup) },
  };
}

export const articleUpsertHandler: OngoingWriteHandler<ArticleUpsert> = {
  name: 'sink.ongoing.article',
  input: topics.articleUpsert,
  entityType: 'article',
  async write(api, payload) {
    const { articleSystemId } = await api.upsertArticle(articlePut(payload));
    return String(articleSystemId);
  },
  async find(api, articleNumber) {
    const [found] = await api.getArticles({ articleNumber });
    return found ? String(found.articleSystemId) : null;
  },
};
