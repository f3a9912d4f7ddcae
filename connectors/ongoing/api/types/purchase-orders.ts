/** Ongoing's /purchaseOrders (inbound deliveries): the PUT body, the purchase order as read back, and the list filters. */
import type { OngoingArticleRef, OngoingCodeName, OngoingGoodsOwnerRef, OngoingStatus } from './common.js';

export interface OngoingPurchaseOrderLinePut {
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
  comment?: string;
  batchNumber?: string;
  expiryDate?: string;
}

export interface OngoingPurchaseOrderPut {
  purchaseOrderNumber: string;
  purchaseOrderLines: OngoingPurchaseOrderLinePut[];
  supplierOrderNumber?: string;
  goodsOwnerReference?: string;
  referenceNumber?: string;
  inDate?: string;
  supplierInfo?: { supplierNumber?: string; supplierName?: string };
  purchaseOrderType?: OngoingCodeName;
  advanced?: { advisedDate?: string; container?: string; purchaseOrderIsReturnType?: boolean };
}

export interface OngoingReceivedArticleItem {
  numberOfItems: number;
  inDate: string | null;
  serial: string | null;
  batchNumber: string | null;
  expiryDate: string | null;
  location: string | null;
}

export interface OngoingPurchaseOrderLine {
  id: number;
  rowNumber: string;
  article: OngoingArticleRef;
  advisedNumberOfItems: number;
  receivedNumberOfItems: number;
  reportedNumberOfItems: number | null;
  articleItems: OngoingReceivedArticleItem[];
}

export interface OngoingPurchaseOrder {
  goodsOwner?: OngoingGoodsOwnerRef;
  purchaseOrderInfo: {
    purchaseOrderId: number;
    purchaseOrderNumber: string;
    purchaseOrderStatus: OngoingStatus;
    inDate: string | null;
    supplierOrderNumber?: string | null;
    referenceNumber?: string | null;
  };
  purchaseOrderLines: OngoingPurchaseOrderLine[];
}

export interface PurchaseOrderFilters {
  purchaseOrderNumber?: string;
  purchaseOrderNumbers?: string[];
  purchaseOrderIdFrom?: number;
  maxPurchaseOrdersToGet?: number;
  purchaseOrderStatusFrom?: number;
  purchaseOrderStatusTo?: number;
  purchaseOrderStatusChangedTimeFrom?: Date;
  lastReceiveTimeFrom?: Date;
  lastReceiveTimeTo?: Date;
  /** Lines whose reported quantity differs from the received quantity. */
  onlyPurchaseOrdersWithOrderLinesToReport?: boolean;
}
