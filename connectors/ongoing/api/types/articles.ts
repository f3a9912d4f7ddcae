/** Ongoing's /articles: the PUT body, the article as read back, and the list filters. */
import type { OngoingCodeName, OngoingGoodsOwnerRef } from './common.js';

export interface OngoingArticlePut {
  articleNumber: string;
  articleName?: string;
  productCode?: string;
  unitCode?: string;
  description?: string;
  /** false for service items (no stock). */
  isStockArticle?: boolean;
  isActive?: boolean;
  barCodeInfo?: { barCode?: string; barCodePackage?: string; barCodePallet?: string };
  supplierInfo?: { supplierNumber?: string; supplierName?: string; supplierArticleNumber?: string };
  quantityPerPackage?: number;
  weight?: number;
  netWeight?: number;
  length?: number;
  width?: number;
  height?: number;
  volume?: number;
  purchasePrice?: number;
  /** What Ongoing values a unit of stock at. */
  stockValuationPrice?: number;
  customerPrice?: number;
  /** Spelled this way in Ongoing's API. */
  purcaseCurrencyCode?: string;
  countryOfOriginCode?: string;
  statisticsNumber?: string;
  articleGroup?: OngoingCodeName;
  articleCategory?: OngoingCodeName;
  stockLimit?: number;
  storageProperties?: { isSerialNumberArticle?: boolean; isBatchArticle?: boolean; isExpiryDateArticle?: boolean };
}

export interface OngoingInventoryInfo {
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

export interface OngoingArticle {
  goodsOwner?: OngoingGoodsOwnerRef;
  articleSystemId: number;
  articleNumber: string;
  articleName: string | null;
  productCode: string | null;
  unitCode: string | null;
  description: string | null;
  isStockArticle: boolean;
  isActive: boolean;
  articleDataLastUpdated?: string | null;
  barCodeInfo?: { barCode?: string | null; barCodePackage?: string | null; barCodePallet?: string | null } | null;
  supplierInfo?: { supplierNumber?: string | null; supplierName?: string | null } | null;
  articleGroup?: OngoingCodeName | null;
  weight?: number | null;
  netWeight?: number | null;
  length?: number | null;
  width?: number | null;
  height?: number | null;
  volume?: number | null;
  quantityPerPackage?: number | null;
  purchasePrice?: number | null;
  stockValuationPrice?: number | null;
  countryOfOriginCode?: string | null;
  statisticsNumber?: string | null;
  inventoryInfo: OngoingInventoryInfo | null;
}

export interface ArticleFilters {
  articleNumber?: string;
  articleNumbers?: string[];
  articleSystemIdFrom?: number;
  maxArticlesToGet?: number;
  articleDataLastUpdatedFrom?: Date;
  /** Ongoing refuses values more than 24 hours back. */
  stockInfoChangedFrom?: Date;
  onlyArticlesInStock?: boolean;
  productCodes?: string[];
}
