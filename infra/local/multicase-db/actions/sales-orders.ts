/**
 * Taking a customer order. Allocating it, sending it to the warehouse, changing and cancelling
 * it: allocation.ts, picking-lists.ts, order-changes.ts.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { allocateNumber } from '../../../../connectors/multicase/adapter/number-series.js';
import { getSalesOrder, type DeliveryAddress, type SalesOrder } from '../reads.js';
import {
  countryCode,
  isoDate,
  lineField,
  notNegative,
  optionalText,
  position,
  positive,
  productsByNumber,
  text,
  uniquePositions,
  warehouseId,
  type Row,
} from './checks.js';
import { customerDefaults, orderWarehouseColumns, type OrderWarehouseFields } from './order-fields.js';
import { paymentTermsDays, pickupPoint, shippingMethod } from './order-rules.js';

export interface SalesOrderLineInput {
  /** Defaults to the line's place in the list, from 1. */
  position?: number;
  productNumber: string;
  quantity: number;
  unitPrice?: number;
  vatRate?: number;
}

/** The warehouse fields (invoice address, VAT and organisation number) default to the customer's. */
export interface SalesOrderInput extends OrderWarehouseFields {
  /** Omit to take the next number of the series. */
  orderNumber?: string;
  customerNumber: string;
  /** FreightID (number) or short name; defaults to the customer's preferred shipping method. */
  shippingMethod?: number | string;
  /** Required when the shipping method needs a pickup point (parcel locker, post office). */
  pickupPointCode?: string | null;
  /** Days from invoice date to due date; defaults to the customer's payment terms. */
  paymentTermsDays?: number;
  /** Defaults to the only warehouse, when there is exactly one. */
  warehouseCode?: string;
  /** Defaults to the customer's address; given fields override it. */
  deliveryAddress?: Partial<DeliveryAddress>;
  orderDate?: string;
  deliveryDate?: string | null;
  reference?: string | null;
  currency?: string;
  lines: SalesOrderLineInput[];
}

export async function createSalesOrder(db: Knex, input: SalesOrderInput): Promise<SalesOrder> {
  return db.transaction(async (trx) => {
    const number =
      input.orderNumber === undefined
        ? await allocateNumber(trx, 'sales_order')
        : text('sales order', 'orderNumber', input.orderNumber);
    const record = `sales order ${number}`;
    if (await trx('multicase.sales_orders').where({ order_number: number }).first('id'))
      throw new ValidationError(record, 'orderNumber', 'already exists');

    const customerNumber = text(record, 'customerNumber', input.customerNumber);
    const customer: Row | undefined = await trx('multicase.customers')
      .where({ customer_number: customerNumber })
      .first();
    if (!customer) throw new ValidationError(record, 'customerNumber', `names no known customer (${customerNumber})`);

    const method = input.shippingMethod ?? (customer.preferred_shipping_method_id as number | null);
    if (method === null || method === undefined)
      throw new ValidationError(record, 'shippingMethod', 'is required: the customer has no preferred shipping method');
    const shipping = await shippingMethod(trx, record, method);

    let warehouse: number;
    if (input.warehouseCode !== undefined) warehouse = await warehouseId(trx, record, input.warehouseCode);
    else {
      const all: Row[] = await trx('multicase.warehouses').select('id').limit(2);
      if (all.length !== 1)
        throw new ValidationError(record, 'warehouseCode', 'is required when there is not exactly one warehouse');
      warehouse = all[0]!.id as number;
    }

    const a = input.deliveryAddress ?? {};
    const pick = <K extends keyof DeliveryAddress>(k: K, column: string) =>
      a[k] !== undefined ? a[k] : (customer[column] as DeliveryAddress[K]);
    const address = {
      delivery_name: text(record, 'deliveryAddress.name', pick('name', 'name')),
      delivery_address1: optionalText(record, 'deliveryAddress.address1', pick('address1', 'address1')),
      delivery_address2: optionalText(record, 'deliveryAddress.address2', pick('address2', 'address2')),
      delivery_address3: optionalText(record, 'deliveryAddress.address3', pick('address3', 'address3')),
      delivery_post_code: optionalText(record, 'deliveryAddress.postCode', pick('postCode', 'post_code')),
      delivery_city: optionalText(record, 'deliveryAddress.city', pick('city', 'city')),
      delivery_country_code: countryCode(record, 'deliveryAddress.countryCode', pick('countryCode', 'country_code')),
      delivery_email: optionalText(record, 'deliveryAddress.email', pick('email', 'email')),
      delivery_phone: optionalText(record, 'deliveryAddress.phone', pick('phone', 'phone')),
    };

    const defaults = customerDefaults(customer);
    const warehouseFields = { ...defaults, ...orderWarehouseColumns(record, input, defaults) };

    const currency = input.currency ?? 'NOK';
    if (!/^[A-Z]{3}$/.test(currency))
      throw new ValidationError(record, 'currency', `must be an ISO 4217 code, got ${JSON.stringify(currency)}`);

    if (!Array.isArray(input.lines) || input.lines.length === 0)
      throw new ValidationError(record, 'lines', 'must hold at least one line');
    const lines = input.lines.map((l, i) => {
      const pos = position(record, `lines[${i}].position`, l.position ?? i + 1);
      const vat = notNegative(record, lineField(pos, 'vatRate'), l.vatRate) ?? 25;
      if (vat > 100)
        throw new ValidationError(record, lineField(pos, 'vatRate'), `must be a percentage up to 100, got ${vat}`);
      return {
        position: pos,
        productNumber: text(record, lineField(pos, 'productNumber'), l.productNumber),
        quantity: positive(record, lineField(pos, 'quantity'), l.quantity),
        unitPrice: notNegative(record, lineField(pos, 'unitPrice'), l.unitPrice) ?? 0,
        vatRate: vat,
      };
    });
    uniquePositions(
      record,
      lines.map((l) => l.position),
    );
    const products = await productsByNumber(trx, record, lines, 'sell');
    const pickupPointCode = pickupPoint(record, shipping, input.pickupPointCode);
    const terms = paymentTermsDays(record, input.paymentTermsDays) ?? (customer.payment_terms_days as number);

    const [order] = await trx('multicase.sales_orders')
      .insert({
        order_number: number,
        customer_id: customer.id,
        shipping_method_id: shipping.id,
        pickup_point_code: pickupPointCode,
        payment_terms_days: terms,
        warehouse_id: warehouse,
        ...address,
        ...warehouseFields,
        order_date: isoDate(record, 'orderDate', input.orderDate) ?? trx.raw('current_date'),
        delivery_date: isoDate(record, 'deliveryDate', input.deliveryDate),
        reference: optionalText(record, 'reference', input.reference),
        currency,
      })
      .returning('id');
    await trx('multicase.sales_order_lines').insert(
      lines.map((l) => ({
        sales_order_id: order.id,
        position: l.position,
        product_id: products.get(l.productNumber)!.id,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        vat_rate: l.vatRate,
      })),
    );
    return (await getSalesOrder(trx, number))!;
  });
}
