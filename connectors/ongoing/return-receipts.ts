/**
 * Flow 7's returns reach Ongoing as purchase orders marked as a return, and come back the way goods
 * receipts do (flow 3's source). This is the one test of that marker: the source puts it on the
 * receipt event (`isReturn`), and the stock reconciliation tells the two flows apart by it.
 */
import type { OngoingPurchaseOrder } from './api/client.js';

export const isReturnReceipt = (po: Pick<OngoingPurchaseOrder, 'purchaseOrderInfo'>): boolean =>
  po.purchaseOrderInfo.advanced?.purchaseOrderIsReturnType === true;
