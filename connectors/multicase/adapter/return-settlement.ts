/**
 * Settling a customer return: when every to-stock line has arrived, or when the user closes it
 * (then Multicase's own close action calls `settleReturn`). Lines handled in Multicase only
 * (scrapped, sent for repair) count as returned in full. A credit settlement creates a credit note
 * per invoice the goods were billed on: what actually arrived, plus the lines handled in Multicase,
 * at that invoice line's price and VAT. A replace settlement creates none. Settling twice creates
 * nothing more.
 */
import { UnmappableError } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst, type RowOf } from './columns.js';
import { allocateNumber } from './number-series.js';
import { addOrderHistory } from './order-history.js';
import { receiveOnReturnLine, returnLines, type ReturnLine } from './return-lines.js';
import { tables } from './tables.js';
import { documentTotals, lineAmount } from './values.js';

const RETURN = {
  ...pick(tables.return_orders, 'id', 'settlement', 'sales_order_id'),
  ...pick(tables.sales_orders, 'customer_id', 'currency'),
};

type SettledReturn = RowOf<typeof RETURN>;

/**
 * Settles a complete (or closed) return inside the caller's transaction. Idempotent: a return
 * already settled is left as it is. Returns the credit-note numbers created.
 */
export async function settleReturn(
  trx: MulticaseTransaction,
  returnNumber: string,
  eventId: string | null = null,
): Promise<string[]> {
  const ret = readFirst(
    RETURN,
    await trx('multicase.return_orders as r')
      .join('multicase.sales_orders as o', 'o.id', 'r.sales_order_id')
      .where('r.return_number', returnNumber)
      .forUpdate('r')
      .first('r.id', 'r.settlement', 'r.sales_order_id', 'o.customer_id', 'o.currency'),
  );
  if (!ret) throw new UnmappableError(`settling return ${returnNumber}: field returnNumber is not a Multicase return`);
  if (await trx('multicase.credit_notes').where('return_order_id', ret.id).first('id')) return [];
  const lines = await returnLines(trx, ret.id);
  // Lines handled in Multicase were the customer's to return in full; they count once, here.
  for (const l of lines.filter((x) => x.handling !== 'to_stock' && x.quantity_received < x.quantity))
    await receiveOnReturnLine(trx, l, l.quantity);
  if (ret.settlement !== 'credit') {
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id,
      type: 'note',
      text: `Return ${returnNumber} settled by replacement: no credit note`,
      eventId,
    });
    return [];
  }
  const byInvoice = new Map<number | null, ReturnLine[]>();
  for (const l of lines.filter((x) => x.quantity_received > 0))
    byInvoice.set(l.invoice_id, [...(byInvoice.get(l.invoice_id) ?? []), l]);
  const numbers: string[] = [];
  for (const [invoiceId, group] of byInvoice)
    numbers.push(await createCreditNote(trx, { returnNumber, ret, invoiceId, lines: group }, eventId));
  return numbers;
}

/** A credit note for what of one invoice (or, without one, of the order) came back; noted in the order's history. */
async function createCreditNote(
  trx: MulticaseTransaction,
  credit: { returnNumber: string; ret: SettledReturn; invoiceId: number | null; lines: readonly ReturnLine[] },
  eventId: string | null,
): Promise<string> {
  const { ret, invoiceId } = credit;
  const creditLines = credit.lines.map((l, i) => {
    const unitPrice = l.invoice_id !== null ? l.invoice_price! : l.order_price;
    return {
      position: i + 1,
      return_order_line_id: l.id,
      product_id: l.product_id,
      quantity: l.quantity_received,
      unit_price: unitPrice,
      vat_rate: l.invoice_id !== null ? l.invoice_vat! : l.order_vat,
      line_amount: lineAmount(l.quantity_received, unitPrice),
    };
  });
  const { net, vat } = documentTotals(creditLines);
  const number = await allocateNumber(trx, 'credit_note');
  const invoice = readFirst(
    pick(tables.invoices, 'invoice_number', 'currency'),
    invoiceId !== null
      ? await trx('multicase.invoices').where('id', invoiceId).first('invoice_number', 'currency')
      : undefined,
  );
  const currency = invoice?.currency ?? ret.currency;
  const [note] = await trx('multicase.credit_notes')
    .insert({
      credit_note_number: number,
      return_order_id: ret.id,
      invoice_id: invoiceId,
      customer_id: ret.customer_id,
      currency,
      amount_net: net,
      vat_amount: vat,
      event_id: eventId,
    })
    .returning('id');
  await trx('multicase.credit_note_lines').insert(
    creditLines.map((l) => ({ ...l, credit_note_id: (note as { id: number }).id })),
  );
  const against = invoice ? ` against invoice ${invoice.invoice_number}` : '';
  await addOrderHistory(trx, {
    salesOrderId: ret.sales_order_id,
    type: 'credited',
    text: `Credit note ${number} for return ${credit.returnNumber}${against}: ${currency} ${net.toFixed(2)} + VAT ${vat.toFixed(2)}`,
    eventId,
  });
  return number;
}
