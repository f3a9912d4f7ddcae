/** Typed records the runtime tests send through Kafka. */
import type { ArticleUpsert, ProductChanged } from '../../schemas/types.generated.js';
import { returnInOngoing } from '../../schemas/catalog.js';
import { warehouseSettings } from '../../pipeline/settings.js';

export const productChanged = (productNumber: string, description = ''): ProductChanged => ({
  eventId: `multicase:product:${productNumber}:1`,
  entityKey: productNumber,
  operation: 'CREATE',
  source: { system: 'multicase', entity: 'product', position: '1' },
  occurredAt: Date.now(),
  capturedAt: Date.now(),
  after: {
    productId: 1,
    productNumber,
    description,
    description2: null,
    ean: null,
    unit: null,
    weightKg: null,
    lengthCm: null,
    widthCm: null,
    heightCm: null,
    volumeDm3: null,
    isService: false,
    isActive: true,
    isDeleted: false,
    supplierNumber: null,
    productGroup: null,
    countryOfOrigin: null,
    customsCode: null,
    netWeightKg: null,
    unitsPerPackage: null,
    costPrice: null,
  },
});

export const articleUpsert = (articleNumber: string, articleName: string): ArticleUpsert => ({
  articleNumber,
  articleName,
  productCode: null,
  unitCode: null,
  description: null,
  isStockArticle: true,
  isActive: true,
  barCode: null,
  weight: null,
  length: null,
  width: null,
  height: null,
  volume: null,
  supplierNumber: null,
  articleGroup: null,
  countryOfOriginCode: null,
  statisticsNumber: null,
  netWeight: null,
  quantityPerPackage: null,
  purchasePrice: null,
  stockValuationPrice: null,
});

/** A Multicase return's purchase-order number in Ongoing, with the default ONGOING_RETURN_NUMBER_PREFIX. */
export const returnNumberInOngoing = (returnNumber: string): string =>
  returnInOngoing(returnNumber, warehouseSettings.returnNumberPrefix.defaultValue!).purchaseOrderNumber;
