/**
 * Flow 7's returns reach Ongoing as purchase orders marked as a return, and come back the way goods
 * receipts do (flow 3's source). The source puts Ongoing's marker on the receipt event (`isReturn`):
 * true or false as Ongoing says it, null when it does not say (`advanced` absent: research says
 * that means unknown, not false). Which Multicase document a receipt is about is decided once, in
 * receiptDocument (schemas/catalog.ts), from the marker, the return prefix and the id map; the stock
 * reconciliation only labels its lines by the marker.
 */
import type { OngoingPurchaseOrder } from './api/client.js';

export function returnMarker(po: Pick<OngoingPurchaseOrder, 'purchaseOrderInfo'>): boolean | null {
  const flag = po.purchaseOrderInfo.advanced?.purchaseOrderIsReturnType;
  return typeof flag === 'boolean' ? flag : null;
}

export const isReturnReceipt = (po: Pick<OngoingPurchaseOrder, 'purchaseOrderInfo'>): boolean =>
  returnMarker(po) === true;
