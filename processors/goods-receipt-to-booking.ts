/**
 * Flow 3, goods receipts: what the warehouse received against a purchase order becomes a receipt
 * booking in Multicase. Quantities are cumulative per line (received so far), so a repeated or
 * late event books nothing twice. The purchase order must be one this pipeline created in Ongoing
 * (it is in the id map); one created by hand in the WMS has no Multicase counterpart. The mapping
 * can lag behind the receipt (the sink that wrote the purchase order crashed before recording its
 * id), so a missing one is waited for, ID_MAP_GRACE_MS at most, before the receipt is dead-lettered.
 */
import { idMapKey, topics } from '../schemas/catalog.js';
import type { GoodsReceiptReceived, ReceiptBooking } from '../schemas/types.generated.js';
import { NotYetAvailableError, UnmappableError, ValidationError } from '../runtime/errors.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireNonNegative, requireText } from './validate.js';

/** The Ongoing purchase order behind a receipt, checked against the id map; its lines as cumulative received quantities per Multicase position. */
export function receivedLines(event: GoodsReceiptReceived, what: string, lookups: Pick<Lookups, 'idMap' | 'graceMs'>) {
  const r = event.after!;
  const record = `${what} ${event.entityKey}`;
  const number = requireText(record, 'purchaseOrderNumber', r.purchaseOrderNumber);
  const known = lookups.idMap.get(idMapKey('ongoing', 'purchaseOrder', number));
  if (!known)
    throw new NotYetAvailableError(
      `${record}: field purchaseOrderNumber ${number} was not created by this pipeline (no id-map entry)`,
      lookups.graceMs,
    );
  if (known.externalId !== String(r.purchaseOrderId)) {
    throw new UnmappableError(
      `${record}: field purchaseOrderId ${r.purchaseOrderId} differs from the id Ongoing gave ${number} (${known.externalId})`,
    );
  }
  const lines = r.lines.map((l, i) => {
    const position = Number(l.rowNumber);
    if (!Number.isInteger(position) || position <= 0)
      throw new ValidationError(record, `lines[${i}].rowNumber`, `is not a Multicase position: ${l.rowNumber}`);
    return {
      position,
      productNumber: requireText(record, `lines[${i}].articleNumber`, l.articleNumber),
      totalReceived: requireNonNegative(record, `lines[${i}].receivedNumberOfItems`, l.receivedNumberOfItems),
    };
  });
  return { number, ongoingId: r.purchaseOrderId, receivedAt: r.lastReceivedAt, lines };
}

/** A customer return received as a purchase order (flow 7), as the source marked it (isReturnReceipt). */
export const isReturnReceiptEvent = (event: GoodsReceiptReceived): boolean => event.after?.isReturn === true;

export function goodsReceiptToBooking(
  event: GoodsReceiptReceived,
  lookups: Pick<Lookups, 'idMap' | 'graceMs'>,
): ReceiptBooking | null {
  // A customer return received as a purchase order is flow 7's (return-receipt-to-booking.ts).
  if (event.after === null || isReturnReceiptEvent(event)) return null;
  const { number, ongoingId, receivedAt, lines } = receivedLines(event, 'goods receipt for purchase order', lookups);
  return { purchaseOrderNumber: number, ongoingPurchaseOrderId: ongoingId, receivedAt, lines };
}

export const goodsReceiptToBookingProcessor: ProcessorSpec<GoodsReceiptReceived> = {
  name: 'processor.goods-receipt-to-booking',
  input: topics.goodsReceiptReceived,
  output: topics.receiptBook,
  map: (event, lookups) => goodsReceiptToBooking(event, lookups),
};
