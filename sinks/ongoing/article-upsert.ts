/** Flow 1, Ongoing side: PUT /articles, upsert by article number. */
import { topics } from '../../schemas/catalog.js';
import type { ArticleUpsert } from '../../schemas/types.generated.js';
import type { OngoingArticlePut } from '../../connectors/ongoing/api/client.js';
import { compact, type OngoingWriteHandler } from './writer.js';

export function articlePut(a: ArticleUpsert): OngoingArticlePut {
  return compact({
    articleNumber: a.articleNumber,
    articleName: a.articleName,
    productCode: a.productCode,
    unitCode: a.unitCode,
    description: a.description,
    isStockArticle: a.isStockArticle,
    isActive: a.isActive,
    barCodeInfo: a.barCode ? { barCode: a.barCode } : null,
    supplierInfo: a.supplierNumber ? { supplierNumber: a.supplierNumber } : null,
    weight: a.weight,
    length: a.length,
    width: a.width,
    height: a.height,
    volume: a.volume,
    articleGroup: a.articleGroup ? { code: a.articleGroup, name: a.articleGroup } : null,
  });
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
