/**
 * Flow 7, Multicase side: goods a customer returned, received in the warehouse, go into stock with
 * stock history naming the return; a return whose to-stock lines have all arrived is settled, with
 * a credit note for what was announced when its settlement is credit (bookReturnReceipt,
 * settleReturn); more than announced, or another article, is booked too and raised as an integration
 * exception. The command carries the total received so far per warehouse line, rounded here to
 * Multicase's precision, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReturnBooking } from '../../schemas/types.generated.js';
import { roundedLines } from '../../connectors/multicase/adapter/receipts.js';
import { bookReturnReceipt, type ReturnReceipt } from '../../connectors/multicase/adapter/returns.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.return-booking';

const receiptOf = (booking: ReturnBooking): ReturnReceipt => ({
  returnNumber: booking.returnNumber,
  // Commands from before returns had a number of their own in Ongoing carry none.
  ongoingNumber: booking.purchaseOrderNumber ?? booking.returnNumber,
  ongoingPurchaseOrderId: booking.ongoingPurchaseOrderId,
  notOurs: booking.notOurs,
  warehouseCode: booking.warehouseCode,
  lines: roundedLines(booking.lines),
});

export const returnBookingHandler: MulticaseCommandHandler<ReturnBooking> = {
  name: STAGE,
  input: topics.returnBook,
  apply: (trx, payload, command) =>
    bookReturnReceipt(trx, receiptOf(payload), { stage: STAGE, eventId: command.commandId }),
};
