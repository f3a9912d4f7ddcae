/**
 * Flow 7, Multicase side: goods a customer returned, received in the warehouse, go into stock with
 * stock history naming the return; a return whose to-stock lines have all arrived is settled, with
 * a credit note when its settlement is credit (bookReturnReceipt, settleReturn). The command
 * carries the total received so far per return line, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReturnBooking } from '../../schemas/types.generated.js';
import { bookReturnReceipt, type ReturnReceipt } from '../../connectors/multicase/adapter/returns.js';
import type { MulticaseCommandHandler } from './sink.js';

const receiptOf = (booking: ReturnBooking): ReturnReceipt => ({
  returnNumber: booking.returnNumber,
  lines: booking.lines,
});

export const returnBookingHandler: MulticaseCommandHandler<ReturnBooking> = {
  name: 'sink.multicase.return-booking',
  input: topics.returnBook,
  apply: (trx, payload, command) => bookReturnReceipt(trx, receiptOf(payload), command.commandId),
};
