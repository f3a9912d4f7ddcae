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
  /** Receiving instructions. */
  purchaseOrderRemark?: string;
  advanced?: { advisedDate?: string; container?: string; purchaseOrderIsReturnType?: boolean };
}

export interface OngoingReceivedArticleItem {
  numberOfItems?: number | null;
  inDate?: string | null;
  serial?: string | null;
  batchNumber?: string | null;
  expiryDate?: string | null;
  location?: string | null;
}

/** As read back. Ongoing may send null for, or leave out, any optional field or list. */
export interface OngoingPurchaseOrderLine {
  id: number;
  rowNumber?: string | null;
  article?: OngoingArticleRef | null;
  advisedNumberOfItems?: number | null;
  receivedNumberOfItems?: number | null;
  reportedNumberOfItems?: number | null;
  articleItems?: OngoingReceivedArticleItem[] | null;
}

export interface OngoingPurchaseOrder {
  goodsOwner?: OngoingGoodsOwnerRef;
  purchaseOrderInfo: {
    purchaseOrderId: number;
    purchaseOrderNumber?: string | null;
    purchaseOrderStatus?: OngoingStatus | null;
    inDate?: string | null;
    supplierOrderNumber?: string | null;
    referenceNumber?: string | null;
    purchaseOrderRemark?: string | null;
    /** The return marker: a customer return received as a purchase order. */
    advanced?: { purchaseOrderIsReturnType?: boolean | null } | null;
  };
  purchaseOrderLines?: OngoingPurchaseOrderLine[] | null;
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
