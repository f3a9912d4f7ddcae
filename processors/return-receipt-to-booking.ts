/**
 * Flow 7, back to Multicase: a customer return the warehouse received (a purchase order marked as
 * a return, read by flow 3's source) becomes a return booking: received quantities into stock, and
 * the return settled once complete. Quantities are cumulative per return line, so a repeated or
 * late event books nothing twice. The id-map check and the wait for a lagging mapping are the
 * goods receipts' (goods-receipt-to-booking.ts).
 */
import { topics } from '../schemas/catalog.js';
import type { GoodsReceiptReceived, ReturnBooking } from '../schemas/types.generated.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { isReturnReceiptEvent, receivedLines } from './goods-receipt-to-booking.js';

export function returnReceiptToBooking(
  event: GoodsReceiptReceived,
  lookups: Pick<Lookups, 'idMap' | 'graceMs'>,
): ReturnBooking | null {
  if (event.after === null || !isReturnReceiptEvent(event)) return null;
  const { number, ongoingId, receivedAt, lines } = receivedLines(event, 'return receipt for return', lookups);
  return { returnNumber: number, ongoingPurchaseOrderId: ongoingId, receivedAt, lines };
}

export const returnReceiptToBookingProcessor: ProcessorSpec<GoodsReceiptReceived> = {
  name: 'processor.return-receipt-to-booking',
  input: topics.goodsReceiptReceived,
  output: topics.returnBook,
  map: (event, lookups) => returnReceiptToBooking(event, lookups),
};
