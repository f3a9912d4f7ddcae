/**
 * The order fields a warehouse needs besides the delivery address, shared by taking an order
 * (sales-orders.ts) and changing it (order-changes.ts): the invoice address, the customer's VAT and
 * organisation number, terms of delivery, a remark and a cash-on-delivery amount.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import type { InvoiceAddress } from '../reads.js';
import { countryCode, optionalText, text, type Row } from './checks.js';

export interface OrderWarehouseFields {
  /** Given fields replace the order's; null: no invoice address on the order. */
  invoiceAddress?: Partial<InvoiceAddress> | null;
  vatNumber?: string | null;
  organisationNumber?: string | null;
  /** An Incoterms code (DAP, EXW, …). */
  termsOfDelivery?: string | null;
  /** What the warehouse should know about the order. */
  orderRemark?: string | null;
  /** To collect on delivery, in the order's currency; null: not cash on delivery. */
  cashOnDeliveryAmount?: number | null;
}

const INVOICE_COLUMNS: Record<keyof InvoiceAddress, string> = {
  name: 'invoice_name',
  address1: 'invoice_address1',
  address2: 'invoice_address2',
  address3: 'invoice_address3',
  postCode: 'invoice_post_code',
  city: 'invoice_city',
  countryCode: 'invoice_country_code',
};

/** The invoice columns: `given` over the invoice address in `current`; null removes it. */
function invoiceColumns(record: string, given: Partial<InvoiceAddress> | null, current: Row): Row {
  const row: Row = {};
  for (const column of Object.values(INVOICE_COLUMNS)) row[column] = given === null ? null : current[column];
  if (given === null) return row;
  for (const [key, value] of Object.entries(given) as [keyof InvoiceAddress, unknown][]) {
    if (value === undefined) continue;
    const field = `invoiceAddress.${key}`;
    if (!(key in INVOICE_COLUMNS)) throw new ValidationError(record, field, 'is not an invoice address field');
    row[INVOICE_COLUMNS[key]] =
      key === 'name'
        ? text(record, field, value)
        : key === 'countryCode'
          ? value === null
            ? null
            : countryCode(record, field, value)
          : optionalText(record, field, value);
  }
  if (row.invoice_name === null && Object.values(row).some((v) => v !== null))
    throw new ValidationError(record, 'invoiceAddress.name', 'is required for an invoice address');
  return row;
}

/**
 * Column values for the warehouse fields present in `input` (absent ones are left alone);
 * `current` is the order's row as it is (for a new order: the customer's defaults).
 */
export function orderWarehouseColumns(record: string, input: OrderWarehouseFields, current: Row): Row {
  const row: Row = {};
  if (input.invoiceAddress !== undefined) Object.assign(row, invoiceColumns(record, input.invoiceAddress, current));
  if (input.vatNumber !== undefined) row.vat_number = optionalText(record, 'vatNumber', input.vatNumber);
  if (input.organisationNumber !== undefined)
    row.organisation_number = optionalText(record, 'organisationNumber', input.organisationNumber);
  if (input.termsOfDelivery !== undefined) {
    const terms = optionalText(record, 'termsOfDelivery', input.termsOfDelivery);
    if (terms !== null && !/^[A-Z]{3}$/.test(terms))
      throw new ValidationError(
        record,
        'termsOfDelivery',
        `must be an Incoterms code such as DAP, got ${JSON.stringify(terms)}`,
      );
    row.terms_of_delivery = terms;
  }
  if (input.orderRemark !== undefined) row.order_remark = optionalText(record, 'orderRemark', input.orderRemark);
  if (input.cashOnDeliveryAmount !== undefined) {
    const amount = input.cashOnDeliveryAmount;
    if (amount !== null && (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0))
      throw new ValidationError(record, 'cashOnDeliveryAmount', `must be an amount above 0, got ${String(amount)}`);
    row.cash_on_delivery_amount = amount;
  }
  return row;
}

/** A new order's defaults from its customer: the customer's address is invoiced, with its VAT and organisation number. */
export const customerDefaults = (customer: Row): Row => ({
  invoice_name: customer.name,
  invoice_address1: customer.address1,
  invoice_address2: customer.address2,
  invoice_address3: customer.address3,
  invoice_post_code: customer.post_code,
  invoice_city: customer.city,
  invoice_country_code: customer.country_code,
  vat_number: customer.vat_number,
  organisation_number: customer.organisation_number,
});

/**
 * Moves an order to another warehouse with what it holds there: its allocation is released in
 * the old warehouse and taken in the new one (refused when that one lacks the stock). Picking
 * lists already at the old warehouse stay sent; the integration cancels them in Ongoing when that
 * warehouse was Ongoing's.
 */
export async function moveOrderToWarehouse(trx: Knex, orderId: number, warehouseId: number): Promise<void> {
  const held: Row[] = await trx('multicase.sales_order_lines')
    .where({ sales_order_id: orderId })
    .where('quantity_allocated', '>', 0)
    .select('id', 'quantity_allocated', 'quantity_sent');
  // The allocation trigger books each change against the order's warehouse of the moment.
  for (const l of held)
    await trx('multicase.sales_order_lines').where({ id: l.id }).update({ quantity_sent: 0, quantity_allocated: 0 });
  await trx('multicase.sales_orders').where({ id: orderId }).update({ warehouse_id: warehouseId });
  for (const l of held)
    await trx('multicase.sales_order_lines')
      .where({ id: l.id })
      .update({ quantity_allocated: l.quantity_allocated, quantity_sent: l.quantity_sent });
}
