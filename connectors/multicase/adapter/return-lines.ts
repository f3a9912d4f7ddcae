/** The lines of a customer return, as receiving and settling it read and change them. */
import type { MulticaseTransaction } from './commands.js';
import { nullable, pick, readRows } from './columns.js';
import { tables, type ReturnOrderLineRow } from './tables.js';
import type { Quantity } from './values.js';

const RETURN_LINE = {
  ...pick(
    tables.return_order_lines,
    'id',
    'position',
    'product_id',
    'quantity',
    'quantity_received',
    'handling',
    'sales_order_line_id',
    'cause',
  ),
  product_number: tables.products.product_number,
  // The invoice line the goods were billed on, when there is one; else the order line's terms.
  invoice_id: nullable(tables.invoice_lines.invoice_id),
  invoice_price: nullable(tables.invoice_lines.unit_price),
  invoice_vat: nullable(tables.invoice_lines.vat_rate),
  order_price: tables.sales_order_lines.unit_price,
  order_vat: tables.sales_order_lines.vat_rate,
};

/** The lines of a return, locked, with the price and VAT each was billed at. */
export async function returnLines(trx: MulticaseTransaction, returnId: number) {
  return readRows(
    RETURN_LINE,
    await trx('multicase.return_order_lines as l')
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
      ),
  );
}

export type ReturnLine = Awaited<ReturnType<typeof returnLines>>[number];

/** Sets what was received of a return line; the order line counts it as returned. */
export async function receiveOnReturnLine(
  trx: MulticaseTransaction,
  line: Pick<ReturnOrderLineRow, 'id' | 'sales_order_line_id' | 'quantity_received'>,
  totalReceived: Quantity,
): Promise<void> {
  await trx('multicase.return_order_lines').where('id', line.id).update({ quantity_received: totalReceived });
  await trx('multicase.sales_order_lines')
    .where('id', line.sales_order_line_id)
    .increment('quantity_returned', totalReceived - line.quantity_received);
  line.quantity_received = totalReceived;
}
