/** Changing and cancelling a customer order. */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { addOrderHistory } from '../../../../connectors/multicase/adapter/order-history.js';
import { getSalesOrder, type DeliveryAddress, type SalesOrder } from '../reads.js';
import {
  countryCode,
  isoDate,
  lineField,
  notNegative,
  optionalText,
  positive,
  productsByNumber,
  text,
  uniquePositions,
  warehouseId,
  type Row,
} from './checks.js';
import { moveOrderToWarehouse, orderWarehouseColumns, type OrderWarehouseFields } from './order-fields.js';
import {
  lockOrder,
  orderLines,
  paymentTermsDays,
  pickupPoint,
  qty,
  requireWorkable,
  shippingMethod,
  type OrderLine,
  type ShippingMethodRow,
} from './order-rules.js';

export interface OrderLineChange {
  /** An existing line is changed (or removed); a new position adds a line. */
  position: number;
  /** Required for a new line; an existing line's product cannot change. */
  productNumber?: string;
  quantity?: number;
  unitPrice?: number;
  vatRate?: number;
  /** Removes the line: refused once anything of it was sent or delivered, or it was ever on a picking list. */
  remove?: boolean;
}

export interface OrderChanges extends OrderWarehouseFields {
  lines?: OrderLineChange[];
  /** Moves the order, with what is allocated to it, to another warehouse (moveOrderToWarehouse). */
  warehouseCode?: string;
  shippingMethod?: number | string;
  /** null clears it; a method that needs a pickup point refuses that. */
  pickupPointCode?: string | null;
  /** Given fields replace the order's. */
  deliveryAddress?: Partial<DeliveryAddress>;
  deliveryDate?: string | null;
  /** null: the customer's payment terms. */
  paymentTermsDays?: number | null;
  reference?: string | null;
}

const ADDRESS_COLUMNS: Record<keyof DeliveryAddress, string> = {
  name: 'delivery_name',
  address1: 'delivery_address1',
  address2: 'delivery_address2',
  address3: 'delivery_address3',
  postCode: 'delivery_post_code',
  city: 'delivery_city',
  countryCode: 'delivery_country_code',
  email: 'delivery_email',
  phone: 'delivery_phone',
};

async function headerChanges(trx: Knex, record: string, order: Row, changes: OrderChanges): Promise<Row> {
  const header: Row = {};
  if (changes.shippingMethod !== undefined || changes.pickupPointCode !== undefined) {
    let method: ShippingMethodRow;
    if (changes.shippingMethod !== undefined) method = await shippingMethod(trx, record, changes.shippingMethod);
    else {
      const row: Row = await trx('multicase.shipping_methods')
        .where({ id: order.shipping_method_id })
        .first('id', 'short_name', 'needs_pickup_point');
      method = {
        id: row.id as number,
        shortName: row.short_name as string,
        needsPickupPoint: row.needs_pickup_point as boolean,
      };
    }
    // A new method that needs no pickup point drops the old one unless a code is given.
    const code =
      changes.pickupPointCode !== undefined
        ? changes.pickupPointCode
        : method.needsPickupPoint
          ? order.pickup_point_code
          : null;
    header.shipping_method_id = method.id;
    header.pickup_point_code = pickupPoint(record, method, code);
  }
  for (const [key, column] of Object.entries(changes.deliveryAddress ?? {}) as [keyof DeliveryAddress, unknown][]) {
    const field = `deliveryAddress.${key}`;
    if (column === undefined) continue;
    if (!(key in ADDRESS_COLUMNS)) throw new ValidationError(record, field, 'is not a delivery address field');
    header[ADDRESS_COLUMNS[key]] =
      key === 'name'
        ? text(record, field, column)
        : key === 'countryCode'
          ? countryCode(record, field, column)
          : optionalText(record, field, column);
  }
  if (changes.deliveryDate !== undefined) header.delivery_date = isoDate(record, 'deliveryDate', changes.deliveryDate);
  if (changes.paymentTermsDays !== undefined)
    header.payment_terms_days = paymentTermsDays(record, changes.paymentTermsDays);
  if (changes.reference !== undefined) header.reference = optionalText(record, 'reference', changes.reference);
  return { ...header, ...orderWarehouseColumns(record, changes, order) };
}

async function changeLine(
  trx: Knex,
  record: string,
  orderId: number,
  line: OrderLine | undefined,
  c: OrderLineChange,
): Promise<void> {
  const pos = c.position;
  const vat = notNegative(record, lineField(pos, 'vatRate'), c.vatRate);
  if (vat !== null && vat > 100)
    throw new ValidationError(record, lineField(pos, 'vatRate'), `must be a percentage up to 100, got ${vat}`);
  const price = notNegative(record, lineField(pos, 'unitPrice'), c.unitPrice);
  if (c.remove === true) {
    if (!line) throw new ValidationError(record, `lines[position ${pos}]`, 'names no line of the order');
    if (line.sent > 0 || line.delivered > 0)
      throw new ValidationError(
        record,
        lineField(pos, 'remove'),
        `is refused: ${line.sent} is sent and ${line.delivered} delivered`,
      );
    const listed: Row | undefined = await trx('multicase.picking_list_lines as pll')
      .join('multicase.picking_lists as pl', 'pl.id', 'pll.picking_list_id')
      .where('pll.sales_order_line_id', line.id)
      .first('pl.picking_list_number');
    if (listed)
      throw new ValidationError(
        record,
        lineField(pos, 'remove'),
        `is refused: the line was on picking list ${listed.picking_list_number as string}; change its quantity instead`,
      );
    await trx('multicase.sales_order_lines').where({ id: line.id }).delete(); // the allocation trigger releases its stock
    return;
  }
  if (!line) {
    const productNumber = text(record, lineField(pos, 'productNumber'), c.productNumber);
    const products = await productsByNumber(trx, record, [{ position: pos, productNumber }], 'sell');
    await trx('multicase.sales_order_lines').insert({
      sales_order_id: orderId,
      position: pos,
      product_id: products.get(productNumber)!.id,
      quantity: positive(record, lineField(pos, 'quantity'), c.quantity),
      unit_price: price ?? 0,
      vat_rate: vat ?? 25,
    });
    return;
  }
  if (c.productNumber !== undefined && c.productNumber !== line.productNumber)
    throw new ValidationError(
      record,
      lineField(pos, 'productNumber'),
      `cannot change (${line.productNumber}): remove the line and add another`,
    );
  const update: Row = {};
  if (c.quantity !== undefined) {
    const quantity = positive(record, lineField(pos, 'quantity'), c.quantity);
    const floor = qty(line.delivered + line.sent);
    if (quantity < floor)
      throw new ValidationError(
        record,
        lineField(pos, 'quantity'),
        `is ${quantity} but ${floor} is already sent to the warehouse or delivered`,
      );
    update.quantity = quantity;
    // allocation never exceeds what is still to deliver: release the surplus
    const most = Math.max(qty(quantity - line.delivered), 0);
    if (line.allocated > most) update.quantity_allocated = most;
  }
  if (price !== null) update.unit_price = price;
  if (vat !== null) update.vat_rate = vat;
  if (Object.keys(update).length > 0) await trx('multicase.sales_order_lines').where({ id: line.id }).update(update);
}

/**
 * Changes an open, sent or partly shipped order: lines (add, change, remove), shipping method and
 * pickup point, delivery address, delivery date, payment terms, reference, the warehouse fields
 * (invoice address, VAT and organisation number, terms of delivery, remark, cash on delivery) and
 * the warehouse itself. A line cannot drop below what was already sent or delivered; lowering it
 * releases allocation it no longer needs.
 */
export async function changeOrder(db: Knex, orderNumber: string, changes: OrderChanges): Promise<SalesOrder> {
  return db.transaction(async (trx) => {
    const { record, order } = await lockOrder(trx, orderNumber);
    requireWorkable(record, order, 'changed');
    const header = await headerChanges(trx, record, order, changes);
    if (changes.lines !== undefined) {
      if (!Array.isArray(changes.lines)) throw new ValidationError(record, 'lines', 'must be a list of line changes');
      changes.lines.forEach((c, i) => {
        if (typeof c?.position !== 'number' || !Number.isInteger(c.position) || c.position < 1)
          throw new ValidationError(
            record,
            `lines[${i}].position`,
            `must be a whole number from 1, got ${String(c?.position)}`,
          );
      });
      uniquePositions(
        record,
        changes.lines.map((c) => c.position),
      );
      const lines = await orderLines(trx, order.id as number);
      for (const c of changes.lines)
        await changeLine(
          trx,
          record,
          order.id as number,
          lines.find((l) => l.position === c.position),
          c,
        );
      if (!(await trx('multicase.sales_order_lines').where({ sales_order_id: order.id }).first('id')))
        throw new ValidationError(record, 'lines', 'must keep at least one line');
    }
    if (Object.keys(header).length > 0) await trx('multicase.sales_orders').where({ id: order.id }).update(header);
    if (changes.warehouseCode !== undefined) {
      const target = await warehouseId(trx, record, changes.warehouseCode);
      if (target !== order.warehouse_id) await moveOrderToWarehouse(trx, order.id as number, target);
    }
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: 'Order changed' });
    return (await getSalesOrder(trx, orderNumber))!;
  });
}

/**
 * Cancels an order nothing of which has shipped: its picking lists still at the warehouse are
 * cancelled and every allocation of its lines is released.
 */
export async function cancelOrder(db: Knex, orderNumber: string): Promise<SalesOrder> {
  return db.transaction(async (trx) => {
    const { record, order } = await lockOrder(trx, orderNumber);
    if (order.status === 'cancelled') return (await getSalesOrder(trx, orderNumber))!;
    if (!['open', 'sent_to_warehouse'].includes(order.status as string))
      throw new ValidationError(
        record,
        'status',
        `is ${order.status as string}: an order with goods shipped cannot be cancelled`,
      );
    await trx('multicase.picking_lists')
      .where({ sales_order_id: order.id, status: 'sent' })
      .update({ status: 'cancelled' });
    await trx('multicase.sales_order_lines')
      .where({ sales_order_id: order.id })
      .andWhere((q) => q.where('quantity_allocated', '>', 0).orWhere('quantity_sent', '>', 0))
      .update({ quantity_sent: 0, quantity_allocated: 0 });
    await trx('multicase.sales_orders').where({ id: order.id }).update({ status: 'cancelled' });
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: 'Order cancelled' });
    return (await getSalesOrder(trx, orderNumber))!;
  });
}
