/**
 * Flow 3, goods receipts: what the warehouse received on a purchase order becomes a receipt
 * booking in Multicase. Quantities are cumulative per warehouse line (received so far), so a
 * repeated or late event books nothing twice. Goods on the shelf are always booked:
 *
 * - a purchase order this pipeline created (in the id map, with Ongoing's id) is booked against
 *   the Multicase purchase order of that number; rows that name no Multicase position are carried
 *   with their row number (the sink books them and raises an exception);
 * - one that is not ours (another Ongoing id than ours, or no id-map entry once ID_MAP_GRACE_MS is
 *   over: made by hand in the warehouse) is booked as an unplanned receipt, with the reason. The
 *   mapping of one of ours can lag behind its receipt (the sink that wrote it crashed before
 *   recording the id), hence the wait.
 *
 * A customer return received as a purchase order is flow 7's (receiptDocument decides).
 */
import { idMapKey, receiptDocument, returnInOngoing, topics } from '../schemas/catalog.js';
import type { GoodsReceiptReceived, ReceiptBooking } from '../schemas/types.generated.js';
import { NotYetAvailableError } from '../runtime/errors.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireNonNegative, requireText } from './validate.js';

type ReceiptLookups = Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse' | 'returnNumberPrefix'>;

/** The Multicase position a row number names, if it names one. */
const positionOf = (rowNumber: string): number | null => {
  const n = Number(rowNumber);
  return /^\d+$/.test(rowNumber.trim()) && Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** The receipt's lines: cumulative received quantities per warehouse line. */
export function receivedLines(event: GoodsReceiptReceived, record: string) {
  const r = event.after!;
  return r.lines.map((l, i) => ({
    position: positionOf(l.rowNumber),
    rowNumber: l.rowNumber,
    productNumber: requireText(record, `lines[${i}].articleNumber`, l.articleNumber),
    totalReceived: requireNonNegative(record, `lines[${i}].receivedNumberOfItems`, l.receivedNumberOfItems),
  }));
}

/**
 * Whether the Ongoing purchase order behind a receipt is the document the id map knows under
 * `key`: null when it is, else why not. No entry is waited for (it may be late); once the grace is
 * over, `afterGrace` gives what the receipt yields without it.
 */
export function notOursReason<P>(
  event: GoodsReceiptReceived,
  key: string,
  what: string,
  lookups: Pick<Lookups, 'idMap' | 'graceMs'>,
  afterGrace: (reason: string) => P,
): string | null {
  const r = event.after!;
  const known = lookups.idMap.get(key);
  if (!known) {
    const reason = `Ongoing purchase order ${r.purchaseOrderNumber} was not created by the integration (no ${what} of that number in the id map)`;
    throw new NotYetAvailableError(
      `${what} receipt ${event.entityKey}: field purchaseOrderNumber ${r.purchaseOrderNumber} was not created by this pipeline (no id-map entry)`,
      lookups.graceMs,
      () => afterGrace(reason),
    );
  }
  if (known.externalId !== String(r.purchaseOrderId))
    return `Ongoing purchase order ${r.purchaseOrderNumber} has id ${r.purchaseOrderId}, but the integration's ${what} of that number is Ongoing's ${known.externalId}`;
  return null;
}

/** What receiptDocument decides for the event: a known return is flow 7's. */
export const documentOf = (event: GoodsReceiptReceived, lookups: Pick<Lookups, 'idMap' | 'returnNumberPrefix'>) =>
  receiptDocument(
    event.after!.purchaseOrderNumber,
    event.after!.isReturn,
    (n) => lookups.idMap.get(returnInOngoing(n, lookups.returnNumberPrefix).idMapKey) !== undefined,
    lookups.returnNumberPrefix,
  );

export function goodsReceiptToBooking(event: GoodsReceiptReceived, lookups: ReceiptLookups): ReceiptBooking | null {
  if (event.after === null || documentOf(event, lookups).kind === 'return') return null;
  const r = event.after;
  const number = requireText(`goods receipt ${event.entityKey}`, 'purchaseOrderNumber', r.purchaseOrderNumber);
  const booking = (notOurs: string | null): ReceiptBooking => ({
    purchaseOrderNumber: number,
    ongoingPurchaseOrderId: r.purchaseOrderId,
    receivedAt: r.lastReceivedAt,
    notOurs,
    warehouseCode: lookups.integratedWarehouse,
    lines: receivedLines(event, `goods receipt for purchase order ${number}`),
  });
  return booking(
    notOursReason(event, idMapKey('ongoing', 'purchaseOrder', number), 'purchase order', lookups, booking),
  );
}

export const goodsReceiptToBookingProcessor: ProcessorSpec<GoodsReceiptReceived> = {
  name: 'processor.goods-receipt-to-booking',
  input: topics.goodsReceiptReceived,
  output: topics.receiptBook,
  map: (event, lookups) => goodsReceiptToBooking(event, lookups),
};
