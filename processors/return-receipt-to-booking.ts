/**
 * Flow 7, back to Multicase: a customer return the warehouse received (a purchase order marked as
 * a return, read by flow 3's source; receiptDocument decides) becomes a return booking: received
 * quantities into stock, and the return settled once complete. Quantities are cumulative per
 * warehouse line, so a repeated or late event books nothing twice. A return purchase order the
 * integration did not send (made by hand in the warehouse, another Ongoing id) is still booked,
 * as an unplanned receipt, with the reason; the wait for a lagging mapping is the goods receipts'
 * (goods-receipt-to-booking.ts).
 */
import { idMapKey, returnInOngoing, topics } from '../schemas/catalog.js';
import type { GoodsReceiptReceived, ReturnBooking } from '../schemas/types.generated.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { documentOf, notOursReason, receivedLines } from './goods-receipt-to-booking.js';

export function returnReceiptToBooking(
  event: GoodsReceiptReceived,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse' | 'returnNumberPrefix'>,
): ReturnBooking | null {
  if (event.after === null) return null;
  const document = documentOf(event, lookups);
  if (document.kind !== 'return') return null;
  const r = event.after;
  const { returnNumber } = document;
  // A return sent before returns had a key space of their own is in the id map as a purchase order.
  const key = returnInOngoing(returnNumber, lookups.returnNumberPrefix).idMapKey;
  const legacy = idMapKey('ongoing', 'purchaseOrder', returnNumber);
  const mapped = lookups.idMap.get(key) === undefined && lookups.idMap.get(legacy) !== undefined ? legacy : key;
  const booking = (notOurs: string | null): ReturnBooking => ({
    returnNumber,
    ongoingPurchaseOrderId: r.purchaseOrderId,
    receivedAt: r.lastReceivedAt,
    purchaseOrderNumber: r.purchaseOrderNumber,
    notOurs,
    warehouseCode: lookups.integratedWarehouse,
    lines: receivedLines(event, `return receipt for return ${returnNumber}`),
  });
  return booking(notOursReason(event, mapped, 'return', lookups, booking));
}

export const returnReceiptToBookingProcessor: ProcessorSpec<GoodsReceiptReceived> = {
  name: 'processor.return-receipt-to-booking',
  input: topics.goodsReceiptReceived,
  output: topics.returnBook,
  map: (event, lookups) => returnReceiptToBooking(event, lookups),
};
