/**
 * Flow 3, Multicase side: book goods received in the warehouse (bookGoodsReceipt: stock, stock
 * history, received quantities and the order's status; what the purchase order cannot take as an
 * integration exception; a purchase order the integration did not create as an unplanned receipt).
 * The command carries the total received so far per warehouse line, rounded here to Multicase's
 * precision, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReceiptBooking } from '../../schemas/types.generated.js';
import { bookGoodsReceipt, type GoodsReceipt } from '../../connectors/multicase/adapter/purchase-orders.js';
import { roundedLines } from '../../connectors/multicase/adapter/receipts.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.receipt-booking';

export const receiptOf = (booking: ReceiptBooking): GoodsReceipt => ({
  ongoingNumber: booking.purchaseOrderNumber,
  ongoingPurchaseOrderId: booking.ongoingPurchaseOrderId,
  notOurs: booking.notOurs,
  warehouseCode: booking.warehouseCode,
  lines: roundedLines(booking.lines),
});

export const receiptBookingHandler: MulticaseCommandHandler<ReceiptBooking> = {
  name: STAGE,
  input: topics.receiptBook,
  apply: (trx, payload, command) =>
    bookGoodsReceipt(trx, receiptOf(payload), { stage: STAGE, eventId: command.commandId }),
};
