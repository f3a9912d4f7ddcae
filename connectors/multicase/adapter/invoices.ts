/**
 * Invoices in Multicase: what was shipped, at the order's prices and VAT, with the order's service
 * lines (fees, freight) that no earlier invoice covered, due by the order's payment terms.
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readRows } from './columns.js';
import { allocateNumber } from './number-series.js';
import { addOrderHistory } from './order-history.js';
import { tables, type SalesOrderRow } from './tables.js';
import { documentTotals, lineAmount, roundQuantity, type Quantity } from './values.js';

const ORDER_LINE = {
  ...pick(tables.sales_order_lines, 'id', 'product_id', 'quantity', 'unit_price', 'vat_rate'),
  ...pick(tables.products, 'is_service'),
};

/** The order lines already on an invoice of the order. */
async function invoicedOrderLines(trx: MulticaseTransaction, salesOrderId: number): Promise<Set<number>> {
  const ids: number[] = await trx('multicase.invoice_lines as il')
    .join('multicase.invoices as i', 'i.id', 'il.invoice_id')
    .where('i.sales_order_id', salesOrderId)
    .whereNotNull('il.sales_order_line_id')
    .pluck('il.sales_order_line_id');
  return new Set(ids);
}

/** The invoice's lines: what was shipped, plus service lines no earlier invoice covered. */
async function invoiceLines(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  shipped: readonly { orderLineId: number; quantity: Quantity }[],
) {
  const orderLines = readRows(
    ORDER_LINE,
    await trx('multicase.sales_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('l.sales_order_id', order.id)
      .orderBy('l.position')
      .select('l.id', 'l.product_id', 'l.quantity', 'l.unit_price', 'l.vat_rate', 'p.is_service'),
  );
  const invoiced = await invoicedOrderLines(trx, order.id);
  const shippedQty = new Map<number, Quantity>();
  for (const s of shipped)
    shippedQty.set(s.orderLineId, roundQuantity((shippedQty.get(s.orderLineId) ?? 0) + s.quantity));
  return orderLines.flatMap((l) => {
    const quantity = l.is_service ? (invoiced.has(l.id) ? 0 : l.quantity) : (shippedQty.get(l.id) ?? 0);
    if (quantity <= 0) return [];
    return [
      {
        sales_order_line_id: l.id,
        product_id: l.product_id,
        quantity,
        unit_price: l.unit_price,
        vat_rate: l.vat_rate,
        line_amount: lineAmount(quantity, l.unit_price),
      },
    ];
  });
}

/** Invoices a delivery of `order`; the invoice is noted in the order's history. Returns its number. */
export async function createInvoice(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  delivery: { id: number; shipped: readonly { orderLineId: number; quantity: Quantity }[] },
  eventId: string,
): Promise<string> {
  const lines = await invoiceLines(trx, order, delivery.shipped);
  const { net, vat } = documentTotals(lines);
  const number = await allocateNumber(trx, 'invoice');
  const [created] = await trx('multicase.invoices')
    .insert({
      invoice_number: number,
      sales_order_id: order.id,
      delivery_id: delivery.id,
      customer_id: order.customer_id,
      invoice_date: trx.raw('current_date'),
      due_date: trx.raw('multicase.order_due_date(?, current_date)', [order.id]),
      currency: order.currency,
      amount_net: net,
      vat_amount: vat,
      event_id: eventId,
    })
    .returning('id');
  const invoiceId = (created as { id: number }).id;
  await trx('multicase.invoice_lines').insert(lines.map((l, i) => ({ invoice_id: invoiceId, position: i + 1, ...l })));
  await addOrderHistory(trx, {
    salesOrderId: order.id,
    type: 'invoiced',
    text: `Invoice ${number}: ${order.currency} ${net.toFixed(2)} + VAT ${vat.toFixed(2)}`,
    eventId,
  });
  return number;
}
