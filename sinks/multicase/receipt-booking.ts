/**
 * Flow 3, Multicase side: book goods received in the warehouse. The command carries the total
 * received so far per position; the booking is the difference to what Multicase already has, so
 * partial receipts add up and a repeated command books nothing. Stock and stock history change
 * together (bookStockChange), and the purchase order becomes partly received or received.
 */
import type { Knex } from 'knex';
import { topics } from '../../schemas/catalog.js';
import type { ReceiptBooking } from '../../schemas/types.generated.js';
import { UnmappableError, ValidationError } from '../../runtime/errors.js';
import { bookStockChange } from './bookkeeping.js';
import type { MulticaseCommandHandler } from './sink.js';

type Row = Record<string, unknown>;

export async function bookReceipt(trx: Knex.Transaction, booking: ReceiptBooking, eventId: string): Promise<void> {
  const record = `receipt booking for purchase order ${booking.purchaseOrderNumber}`;
  const po: Row | undefined = await trx('multicase.purchase_orders')
    .where('purchase_order_number', booking.purchaseOrderNumber)
    .forUpdate()
    .first();
  if (!po) throw new UnmappableError(`${record}: field purchaseOrderNumber is not a Multicase purchase order`);
  const lines: Row[] = await trx('multicase.purchase_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.purchase_order_id', po.id as number)
    .forUpdate('l')
    .select('l.id', 'l.position', 'l.product_id', 'l.quantity_ordered', 'l.quantity_received', 'p.product_number');
  const byPosition = new Map(lines.map((l) => [Number(l.position), l]));

  for (const [i, b] of booking.lines.entries()) {
    const line = byPosition.get(b.position);
    if (!line)
      throw new ValidationError(record, `lines[${i}].position`, `${b.position} is not a line of the purchase order`);
    if (line.product_number !== b.productNumber) {
      throw new ValidationError(
        record,
        `lines[${i}].productNumber`,
        `is ${b.productNumber}, but position ${b.position} holds ${String(line.product_number)}`,
      );
    }
    const delta = b.totalReceived - Number(line.quantity_received);
    if (delta === 0) continue;
    await trx('multicase.purchase_order_lines')
      .where('id', line.id as number)
      .update({ quantity_received: b.totalReceived });
    line.quantity_received = b.totalReceived;
    await bookStockChange(trx, {
      productId: line.product_id as number,
      warehouseId: po.warehouse_id as number,
      quantityChange: delta,
      // Ongoing lowered what it had received: a correction, not a receipt.
      kind: delta > 0 ? 'receipt' : 'correction',
      reference: booking.purchaseOrderNumber,
      cause: delta > 0 ? 'goods received' : 'received quantity corrected in the warehouse',
      eventId,
    });
  }

  if (po.status === 'cancelled') return;
  const all = [...byPosition.values()];
  const complete = all.every((l) => Number(l.quantity_received) >= Number(l.quantity_ordered));
  const any = all.some((l) => Number(l.quantity_received) > 0);
  const status = complete ? 'received' : any ? 'partly_received' : 'open';
  if (status !== po.status)
    await trx('multicase.purchase_orders')
      .where('id', po.id as number)
      .update({ status });
}

export const receiptBookingHandler: MulticaseCommandHandler<ReceiptBooking> = {
  name: 'sink.multicase.receipt-booking',
  input: topics.receiptBook,
  apply: (trx, payload, command) => bookReceipt(trx, payload, command.commandId),
};
