/**
 * Flow 7, Multicase side: goods a customer returned, received in the warehouse, go into stock;
 * a complete return is settled.
 *
 * The command carries the total received so far per return line (to-stock lines only: the others
 * never went to Ongoing); the booking is the difference to what Multicase has, so partial receipts
 * add up and a repeated command books nothing. Stock history names the return.
 *
 * A return is complete when every to-stock line has arrived, or when the user closes it
 * (`settleReturn` is then called by Multicase's own close action). Settling a return with
 * settlement `credit` creates a credit note per invoice the goods were billed on: what actually
 * arrived, plus the lines handled in Multicase only (scrapped, sent for repair), at that invoice
 * line's price and VAT. A replace settlement creates none. Settling twice creates nothing more.
 */
import type { Knex } from 'knex';
import { topics } from '../../schemas/catalog.js';
import type { ReturnBooking } from '../../schemas/types.generated.js';
import { UnmappableError, ValidationError } from '../../runtime/errors.js';
import { addOrderHistory, allocateNumber, bookStockChange, documentTotals, money } from './bookkeeping.js';
import type { MulticaseCommandHandler } from './sink.js';

type Row = Record<string, unknown>;

async function returnLines(trx: Knex.Transaction, returnId: number): Promise<Row[]> {
  return trx('multicase.return_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .join('multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id')
    .leftJoin('multicase.invoice_lines as il', 'il.id', 'l.invoice_line_id')
    .where('l.return_order_id', returnId)
    .orderBy('l.position')
    .forUpdate('l')
    .select(
      'l.id',
      'l.position',
      'l.product_id',
      'l.quantity',
      'l.quantity_received',
      'l.handling',
      'l.sales_order_line_id',
      'l.cause',
      'p.product_number',
      'il.invoice_id',
      'il.unit_price as invoice_price',
      'il.vat_rate as invoice_vat',
      'ol.unit_price as order_price',
      'ol.vat_rate as order_vat',
    );
}

export async function bookReturnReceipt(trx: Knex.Transaction, booking: ReturnBooking, eventId: string): Promise<void> {
  const record = `return booking for return ${booking.returnNumber}`;
  const ret: Row | undefined = await trx('multicase.return_orders')
    .where('return_number', booking.returnNumber)
    .forUpdate()
    .first();
  if (!ret) throw new UnmappableError(`${record}: field returnNumber is not a Multicase return`);
  const lines = await returnLines(trx, ret.id as number);
  const byPosition = new Map(lines.map((l) => [Number(l.position), l]));
  let booked = 0;
  for (const [i, b] of booking.lines.entries()) {
    const line = byPosition.get(b.position);
    if (!line) throw new ValidationError(record, `lines[${i}].position`, `${b.position} is not a line of the return`);
    if (line.product_number !== b.productNumber)
      throw new ValidationError(
        record,
        `lines[${i}].productNumber`,
        `is ${b.productNumber}, but line ${b.position} holds ${String(line.product_number)}`,
      );
    if (line.handling !== 'to_stock')
      throw new ValidationError(
        record,
        `lines[${i}].position`,
        `${b.position} is handled in Multicase (${String(line.handling)}), not received in the warehouse`,
      );
    if (b.totalReceived > Number(line.quantity))
      throw new ValidationError(
        record,
        `lines[${i}].totalReceived`,
        `is ${b.totalReceived}, more than the ${Number(line.quantity)} returned on line ${b.position}`,
      );
    const delta = b.totalReceived - Number(line.quantity_received);
    if (delta === 0) continue;
    await trx('multicase.return_order_lines')
      .where('id', line.id as number)
      .update({ quantity_received: b.totalReceived });
    await trx('multicase.sales_order_lines')
      .where('id', line.sales_order_line_id as number)
      .increment('quantity_returned', delta);
    line.quantity_received = b.totalReceived;
    booked += delta;
    await bookStockChange(trx, {
      productId: line.product_id as number,
      warehouseId: ret.warehouse_id as number,
      quantityChange: delta,
      kind: delta > 0 ? 'return' : 'correction',
      reference: booking.returnNumber,
      cause:
        delta > 0
          ? `returned by the customer${line.cause ? `: ${String(line.cause)}` : ''}`
          : 'returned quantity corrected in the warehouse',
      eventId,
    });
  }
  if (booked !== 0)
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id as number,
      type: 'returned',
      text: `Return ${booking.returnNumber}: ${booked} item(s) received in the warehouse`,
      eventId,
    });
  if (ret.status === 'closed' || ret.status === 'cancelled' || ret.status === 'received') return;
  const toStock = lines.filter((l) => l.handling === 'to_stock');
  const complete = toStock.every((l) => Number(l.quantity_received) >= Number(l.quantity));
  const any = toStock.some((l) => Number(l.quantity_received) > 0);
  const status = complete ? 'received' : any ? 'partly_received' : ret.status;
  if (status !== ret.status)
    await trx('multicase.return_orders')
      .where('id', ret.id as number)
      .update({ status, updated_at: trx.fn.now() });
  if (complete) await settleReturn(trx, booking.returnNumber, eventId);
}

/**
 * Settles a complete (or closed) return inside the caller's transaction: lines handled in
 * Multicase count as returned, and a credit settlement gets its credit note(s). Idempotent: a
 * return already settled is left as it is. Returns the credit-note numbers created.
 */
export async function settleReturn(
  trx: Knex.Transaction,
  returnNumber: string,
  eventId: string | null = null,
): Promise<string[]> {
  const ret: Row | undefined = await trx('multicase.return_orders as r')
    .join('multicase.sales_orders as o', 'o.id', 'r.sales_order_id')
    .where('r.return_number', returnNumber)
    .forUpdate('r')
    .first('r.id', 'r.settlement', 'r.sales_order_id', 'o.customer_id', 'o.currency');
  if (!ret) throw new UnmappableError(`settling return ${returnNumber}: field returnNumber is not a Multicase return`);
  if (
    await trx('multicase.credit_notes')
      .where('return_order_id', ret.id as number)
      .first('id')
  )
    return [];
  const lines = await returnLines(trx, ret.id as number);
  // Lines handled in Multicase were the customer's to return in full; they count once, here.
  for (const l of lines.filter((x) => x.handling !== 'to_stock' && Number(x.quantity_received) < Number(x.quantity))) {
    const rest = Number(l.quantity) - Number(l.quantity_received);
    await trx('multicase.return_order_lines')
      .where('id', l.id as number)
      .update({ quantity_received: l.quantity });
    await trx('multicase.sales_order_lines')
      .where('id', l.sales_order_line_id as number)
      .increment('quantity_returned', rest);
    l.quantity_received = l.quantity;
  }
  if (ret.settlement !== 'credit') {
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id as number,
      type: 'note',
      text: `Return ${returnNumber} settled by replacement: no credit note`,
      eventId,
    });
    return [];
  }
  const credited = lines.filter((l) => Number(l.quantity_received) > 0);
  const byInvoice = new Map<number | null, Row[]>();
  for (const l of credited) {
    const invoice = (l.invoice_id as number | null) ?? null;
    byInvoice.set(invoice, [...(byInvoice.get(invoice) ?? []), l]);
  }
  const numbers: string[] = [];
  for (const [invoiceId, group] of byInvoice) {
    const creditLines = group.map((l, i) => {
      const unitPrice = Number(l.invoice_id ? l.invoice_price : l.order_price);
      const quantity = Number(l.quantity_received);
      return {
        position: i + 1,
        return_order_line_id: l.id,
        product_id: l.product_id,
        quantity,
        unit_price: unitPrice,
        vat_rate: Number(l.invoice_id ? l.invoice_vat : l.order_vat),
        line_amount: money(quantity * unitPrice),
      };
    });
    const { net, vat } = documentTotals(creditLines);
    const number = await allocateNumber(trx, 'credit_note');
    const invoice: Row | undefined = invoiceId
      ? await trx('multicase.invoices').where('id', invoiceId).first('invoice_number', 'currency')
      : undefined;
    const [note] = await trx('multicase.credit_notes')
      .insert({
        credit_note_number: number,
        return_order_id: ret.id,
        invoice_id: invoiceId,
        customer_id: ret.customer_id,
        currency: invoice?.currency ?? ret.currency,
        amount_net: net,
        vat_amount: vat,
        event_id: eventId,
      })
      .returning('id');
    await trx('multicase.credit_note_lines').insert(creditLines.map((l) => ({ ...l, credit_note_id: note.id })));
    const against = invoice ? ` against invoice ${String(invoice.invoice_number)}` : '';
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id as number,
      type: 'credited',
      text: `Credit note ${number} for return ${returnNumber}${against}: ${String(invoice?.currency ?? ret.currency)} ${net.toFixed(2)} + VAT ${vat.toFixed(2)}`,
      eventId,
    });
    numbers.push(number);
  }
  return numbers;
}

export const returnBookingHandler: MulticaseCommandHandler<ReturnBooking> = {
  name: 'sink.multicase.return-booking',
  input: topics.returnBook,
  apply: (trx, payload, command) => bookReturnReceipt(trx, payload, command.commandId),
};
