/** Ongoing's /inventoryAdjustments: stock changes made in the warehouse, per article, and the list filters. */
import type { OngoingArticleRef, OngoingCodeName, OngoingWarehouse } from './common.js';

export interface OngoingInventoryAdjustment {
  inventoryId: number;
  /** Signed change (−2 = two units gone). */
  numberOfItems: number;
  inventoryTime: string;
  inventoryItemComment: string | null;
  inventoryAdjustmentCause: OngoingCodeName | null;
  location: string | null;
  batchNumber: string | null;
  serial: string | null;
  expiryDate: string | null;
  warehouse: OngoingWarehouse | null;
}

export interface OngoingInventoryAdjustmentsLine {
  article: OngoingArticleRef;
  inventoryAdjustments: OngoingInventoryAdjustment[];
}

export interface InventoryAdjustmentFilters {
  from?: Date;
  toTime?: Date;
  isReported?: boolean;
}
