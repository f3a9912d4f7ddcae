/**
 * Flow 3, Multicase side: book goods received in the warehouse against the purchase order
 * (bookGoodsReceipt: stock, stock history, received quantities and the order's status). The
 * command carries the total received so far per position, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReceiptBooking } from '../../schemas/types.generated.js';
import { bookGoodsReceipt, type GoodsReceipt } from '../../connectors/multicase/adapter/purchase-orders.js';
import type { MulticaseCommandHandler } from './sink.js';

const receiptOf = (booking: ReceiptBooking): GoodsReceipt => ({
  purchaseOrderNumber: booking.purchaseOrderNumber,
  lines: booking.lines,
});

export const receiptBookingHandler: MulticaseCommandHandler<ReceiptBooking> = {
  name: 'sink.multicase.receipt-booking',
  input: topics.receiptBook,
  apply: (trx, payload, command) => bookGoodsReceipt(trx, receiptOf(payload), command.commandId),
};
