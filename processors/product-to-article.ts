/**
 * Flow 1, master data: a Multicase product becomes an Ongoing article. Service items are sent as
 * non-stock articles; an inactive or deleted product deactivates the article (Ongoing keeps
 * history, so articles are never deleted). Customs and valuation data (country of origin, tariff
 * number, net weight, units per package, cost price) go with it, for a 3PL that ships abroad.
 * Every field is carried as Multicase has it, null when empty: the sink sends what clears it.
 */
import { topics } from '../schemas/catalog.js';
import type { ArticleUpsert, ProductChanged } from '../schemas/types.generated.js';
import type { ProcessorSpec } from './processor.js';
import { requireText } from './validate.js';

const cmToM = (cm: number | null) => (cm === null ? null : Math.round(cm * 100) / 10_000);
const dm3ToM3 = (dm3: number | null) => (dm3 === null ? null : dm3 / 1000);

export function productToArticle(event: ProductChanged): ArticleUpsert | null {
  const p = event.after;
  if (p === null) return null; // hard deletes do not happen in Multicase (soft delete flag), nothing to map
  const record = `product ${event.entityKey}`;
  return {
    articleNumber: requireText(record, 'productNumber', p.productNumber),
    articleName: requireText(record, 'description', p.description),
    productCode: p.productNumber,
    unitCode: p.unit,
    description: p.description2,
    isStockArticle: !p.isService,
    isActive: p.isActive && !p.isDeleted,
    barCode: p.ean,
    weight: p.weightKg,
    length: cmToM(p.lengthCm),
    width: cmToM(p.widthCm),
    height: cmToM(p.heightCm),
    volume: dm3ToM3(p.volumeDm3),
    supplierNumber: p.supplierNumber,
    articleGroup: p.productGroup,
    countryOfOriginCode: p.countryOfOrigin,
    statisticsNumber: p.customsCode,
    netWeight: p.netWeightKg,
    quantityPerPackage: p.unitsPerPackage,
    // Stock is valued at cost: Ongoing keeps both, for its purchase and its stock-value figures.
    purchasePrice: p.costPrice,
    stockValuationPrice: p.costPrice,
  };
}

export const productToArticleProcessor: ProcessorSpec<ProductChanged> = {
  name: 'processor.product-to-article',
  input: topics.productChanged,
  output: topics.articleUpsert,
  map: (event) => productToArticle(event),
};
