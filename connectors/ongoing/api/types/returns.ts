/** Ongoing's /returnOrders: the return order as read back, and the list filters. */
import type { OngoingArticleRef, OngoingCodeName, OngoingStatus } from './common.js';

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
