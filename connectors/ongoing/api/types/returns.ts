/** Ongoing's /returnOrders: the PUT body, the return order as read back, and the list filters. */
import type { OngoingArticleRef, OngoingCodeName, OngoingStatus } from './common.js';

export interface OngoingReturnOrderLinePut {
  returnOrderRowNumber: string;
  /** Ongoing's own order-line id (orderLines[].id), not the ERP row number. */
  customerOrderLine: { orderLineId: number };
  toBeReturnedNumberOfItems: number;
  returnCause?: OngoingCodeName;
}

export interface OngoingReturnOrderPut {
  returnOrderNumber: string;
  /** Ongoing's own orderId. */
  customerOrder: { orderId: number };
  returnOrderLines: OngoingReturnOrderLinePut[];
  comment?: string;
  inDate?: string;
  tracking?: { waybill?: string; trackingUrl?: string };
}

export interface OngoingReturnedArticleItem {
  numberOfItems: number;
  returnTime: string | null;
  returnCause: OngoingCodeName | null;
  returnComment?: string | null;
  isReturnRemovedByInventory: boolean;
}

export interface OngoingReturnOrderLine {
  returnOrderLineId: number;
  returnOrderRowNumber: string;
  customerOrderLine: { orderLineId: number; rowNumber?: string | null };
  article: OngoingArticleRef;
  returnCause: OngoingCodeName | null;
  toBeReturnedNumberOfItems: number;
  returnedNumberOfItems: number;
  returnedArticleItems: OngoingReturnedArticleItem[];
}

export interface OngoingReturnOrder {
  returnOrderInfo: {
    returnOrderId: number;
    returnOrderNumber: string;
    returnOrderStatus: OngoingStatus;
    comment: string | null;
    inDate: string | null;
  };
  customerOrderInfo: { orderId: number; orderNumber: string | null };
  returnOrderLines: OngoingReturnOrderLine[];
}

export interface ReturnOrderFilters {
  returnOrderNumbers?: string[];
  customerOrderNumbers?: string[];
  goodsReturnedFromDate?: Date;
  returnOrderStatusFrom?: number;
  returnOrderStatusTo?: number;
}
