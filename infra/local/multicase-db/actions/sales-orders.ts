/** Sales orders and picking lists: take an order, send it to the warehouse, cancel it. */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { addOrderHistory, allocateNumber } from '../../../../sinks/multicase/bookkeeping.js';
import { getPickingList, getSalesOrder, type DeliveryAddress, type PickingList, type SalesOrder } from '../reads.js';
import { countryCode, isoDate, lineField, notNegative, optionalText, position, positive, productsByNumber, text, uniquePositions, warehouseId, type Row } from './checks.js';

export interface SalesOrderLineInput {
  /** Defaults to the line's place in the list, from 1. */
  position?: number;
  productNumber: string;
  quantity: number;
  unitPrice?: number;
  vatRate?: number;
}

export interface SalesOrderInput {
  /** Omit to take the next number of the series. */
  orderNumber?: string;
  customerNumber: string;
  /** FreightID (number) or short name; defaults to the customer's preferred shipping method. */
  shippingMethod?: number | string;
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
    const number = input.orderNumber === undefined ? await allocateNumber(trx, 'sales_order') : text('sales order', 'orderNumber', input.orderNumber);
    const record = `sales order ${number}`;
    if (await trx('multicase.sales_orders').where({ order_number: number }).first('id')) throw new ValidationError(record, 'orderNumber', 'already exists');

    const customerNumber = text(record, 'customerNumber', input.customerNumber);
    const customer: Row | undefined = await trx('multicase.customers').where({ customer_number: customerNumber }).first();
    if (!customer) throw new ValidationError(record, 'customerNumber', `names no known customer (${customerNumber})`);

    const method = input.shippingMethod ?? (customer.preferred_shipping_method_id as number | null);
    if (method === null || method === undefined) throw new ValidationError(record, 'shippingMethod', 'is required: the customer has no preferred shipping method');
    const shipping = await trx('multicase.shipping_methods')
      .where(typeof method === 'number' ? { id: method } : { short_name: method })
      .first('id', 'active');
    if (!shipping) throw new ValidationError(record, 'shippingMethod', `names no known shipping method (${String(method)})`);
    if (!shipping.active) throw new ValidationError(record, 'shippingMethod', `names an inactive shipping method (${String(method)})`);

    let warehouse: number;
    if (input.warehouseCode !== undefined) warehouse = await warehouseId(trx, record, input.warehouseCode);
    else {
      const all: Row[] = await trx('multicase.warehouses').select('id').limit(2);
      if (all.length !== 1) throw new ValidationError(record, 'warehouseCode', 'is required when there is not exactly one warehouse');
      warehouse = all[0]!.id as number;
    }

    const a = input.deliveryAddress ?? {};
    const pick = <K extends keyof DeliveryAddress>(k: K, column: string) => (a[k] !== undefined ? a[k] : (customer[column] as DeliveryAddress[K]));
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

    const currency = input.currency ?? 'NOK';
    if (!/^[A-Z]{3}$/.test(currency)) throw new ValidationError(record, 'currency', `must be an ISO 4217 code, got ${JSON.stringify(currency)}`);

    if (!Array.isArray(input.lines) || input.lines.length === 0) throw new ValidationError(record, 'lines', 'must hold at least one line');
    const lines = input.lines.map((l, i) => {
      const pos = position(record, `lines[${i}].position`, l.position ?? i + 1);
      const vat = notNegative(record, lineField(pos, 'vatRate'), l.vatRate) ?? 25;
      if (vat > 100) throw new ValidationError(record, lineField(pos, 'vatRate'), `must be a percentage up to 100, got ${vat}`);
      return {
        position: pos,
        productNumber: text(record, lineField(pos, 'productNumber'), l.productNumber),
        quantity: positive(record, lineField(pos, 'quantity'), l.quantity),
        unitPrice: notNegative(record, lineField(pos, 'unitPrice'), l.unitPrice) ?? 0,
        vatRate: vat,
      };
    });
    uniquePositions(record, lines.map((l) => l.position));
    const products = await productsByNumber(trx, record, lines, 'sell');

    const [order] = await trx('multicase.sales_orders')
      .insert({
        order_number: number,
        customer_id: customer.id,
        shipping_method_id: shipping.id,
        warehouse_id: warehouse,
        ...address,
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

/** Quantity of each line of an order not yet delivered nor on a picking list still at the warehouse. */
async function openQuantities(db: Knex, salesOrderId: number): Promise<Row[]> {
  return db('multicase.sales_order_lines as l')
    .where('l.sales_order_id', salesOrderId)
    .orderBy('l.position')
    .select(
      'l.id',
      'l.position',
      db.raw(
        `l.quantity - l.quantity_delivered - coalesce((
           SELECT sum(pll.quantity) FROM multicase.picking_list_lines pll
             JOIN multicase.picking_lists pl ON pl.id = pll.picking_list_id
            WHERE pll.sales_order_line_id = l.id AND pl.status = 'sent'), 0) AS open`,
      ),
    );
}

/**
 * The user sends an order (all its open quantities, or the given lines) to the warehouse: a new
 * picking list, the order marked sent_to_warehouse, and an order-history entry. This is what
 * the `multicase.order.released` flow captures.
 */
export async function sendOrderToWarehouse(db: Knex, orderNumber: string, only?: { position: number; quantity?: number }[]): Promise<PickingList> {
  const record = `sales order ${orderNumber}`;
  return db.transaction(async (trx) => {
    const order = await trx('multicase.sales_orders').where({ order_number: orderNumber }).forUpdate().first('id', 'status');
    if (!order) throw new ValidationError(record, 'orderNumber', 'names no known sales order');
    if (!['open', 'sent_to_warehouse', 'partly_shipped'].includes(order.status as string))
      throw new ValidationError(record, 'status', `is ${order.status as string}: only an open or partly shipped order can be sent to the warehouse`);

    const open = await openQuantities(trx, order.id as number);
    let pick: { lineId: number; quantity: number }[];
    if (only === undefined) {
      pick = open.filter((l) => Number(l.open) > 0).map((l) => ({ lineId: l.id as number, quantity: Number(l.open) }));
    } else {
      uniquePositions(record, only.map((l) => l.position));
      pick = only.map((want) => {
        const line = open.find((l) => l.position === want.position);
        if (!line) throw new ValidationError(record, `lines[position ${want.position}]`, 'names no line of the order');
        const available = Number(line.open);
        const quantity = want.quantity === undefined ? available : positive(record, lineField(want.position, 'quantity'), want.quantity);
        if (quantity <= 0 || quantity > available) throw new ValidationError(record, lineField(want.position, 'quantity'), `is ${quantity} but ${available} is open`);
        return { lineId: line.id as number, quantity };
      });
    }
    if (pick.length === 0) throw new ValidationError(record, 'lines', 'has nothing left to send to the warehouse');

    const number = await allocateNumber(trx, 'picking_list');
    const [list] = await trx('multicase.picking_lists').insert({ picking_list_number: number, sales_order_id: order.id }).returning('id');
    await trx('multicase.picking_list_lines').insert(pick.map((p, i) => ({ picking_list_id: list.id, position: i + 1, sales_order_line_id: p.lineId, quantity: p.quantity })));
    if (order.status === 'open') await trx('multicase.sales_orders').where({ id: order.id }).update({ status: 'sent_to_warehouse' });
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'sent_to_warehouse', text: `Picking list ${number} sent to the warehouse` });
    return (await getPickingList(trx, number))!;
  });
}

/** Cancels an order nothing of which has shipped, with its picking lists still at the warehouse. */
export async function cancelOrder(db: Knex, orderNumber: string): Promise<SalesOrder> {
  const record = `sales order ${orderNumber}`;
  return db.transaction(async (trx) => {
    const order = await trx('multicase.sales_orders').where({ order_number: orderNumber }).forUpdate().first('id', 'status');
    if (!order) throw new ValidationError(record, 'orderNumber', 'names no known sales order');
    if (order.status === 'cancelled') return (await getSalesOrder(trx, orderNumber))!;
    if (!['open', 'sent_to_warehouse'].includes(order.status as string)) throw new ValidationError(record, 'status', `is ${order.status as string}: an order with goods shipped cannot be cancelled`);
    await trx('multicase.picking_lists').where({ sales_order_id: order.id, status: 'sent' }).update({ status: 'cancelled' });
    await trx('multicase.sales_orders').where({ id: order.id }).update({ status: 'cancelled' });
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: 'Order cancelled' });
    return (await getSalesOrder(trx, orderNumber))!;
  });
}
