/**
 * What a Multicase user does at the screen, as functions: create and change products, save
 * purchase orders, take customer orders, send them to the warehouse, register returns. Used by
 * tests, the demo and the load generator to produce the changes the pipeline captures.
 *
 * Each action is one database transaction (a savepoint when given a transaction) and checks its
 * input first, throwing a ValidationError that names the record and the field. The database's
 * own constraints stay the last line of defence. Every action returns the document as saved.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../runtime/errors.js';
import { addOrderHistory, allocateNumber, bookStockChange } from '../../../sinks/multicase/bookkeeping.js';
import {
  getProduct,
  getPickingList,
  getPurchaseOrder,
  getReturnOrder,
  getSalesOrder,
  type DeliveryAddress,
  type PickingList,
  type Product,
  type PurchaseOrder,
  type ReturnOrder,
  type SalesOrder,
} from './reads.js';

export * from './reads.js';

// ---------------------------------------------------------------------------------------------
// Input checks

type Row = Record<string, unknown>;

function text(record: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ValidationError(record, field, 'is required and must be non-empty text');
  return value.trim();
}

function optionalText(record: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError(record, field, 'must be text');
  return value.trim() === '' ? null : value.trim();
}

function positive(record: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ValidationError(record, field, `must be a number above 0, got ${String(value)}`);
  return value;
}

function notNegative(record: string, field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ValidationError(record, field, `must be a number of at least 0, got ${String(value)}`);
  return value;
}

function position(record: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ValidationError(record, field, `must be a whole number from 1, got ${String(value)}`);
  return value;
}

function isoDate(record: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new ValidationError(record, field, `must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

function countryCode(record: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value)) throw new ValidationError(record, field, `must be an ISO 3166 two-letter country code, got ${JSON.stringify(value)}`);
  return value;
}

function uniquePositions(record: string, positions: number[]): void {
  const seen = new Set<number>();
  for (const p of positions) {
    if (seen.has(p)) throw new ValidationError(record, `lines[position ${p}]`, 'appears more than once');
    seen.add(p);
  }
}

const lineField = (pos: number, field: string) => `lines[position ${pos}].${field}`;

async function warehouseId(db: Knex, record: string, code: unknown): Promise<number> {
  const c = text(record, 'warehouseCode', code);
  const w = await db('multicase.warehouses').where({ code: c }).first('id');
  if (!w) throw new ValidationError(record, 'warehouseCode', `names no known warehouse (${c})`);
  return w.id as number;
}

/** Looks up products by number for order lines; refuses unknown and deleted ones. */
async function productsByNumber(db: Knex, record: string, lines: { position: number; productNumber: string }[], use: 'sell' | 'purchase'): Promise<Map<string, Row>> {
  const numbers = [...new Set(lines.map((l) => l.productNumber))];
  const rows: Row[] = await db('multicase.products').whereIn('product_number', numbers).select('id', 'product_number', 'is_service', 'is_active', 'is_deleted');
  const found = new Map(rows.map((r) => [r.product_number as string, r]));
  for (const l of lines) {
    const p = found.get(l.productNumber);
    const field = lineField(l.position, 'productNumber');
    if (!p) throw new ValidationError(record, field, `names no known product (${l.productNumber})`);
    if (p.is_deleted) throw new ValidationError(record, field, `names a deleted product (${l.productNumber})`);
    if (!p.is_active) throw new ValidationError(record, field, `names an inactive product (${l.productNumber})`);
    if (use === 'purchase' && p.is_service) throw new ValidationError(record, field, `names a service item (${l.productNumber}), which is never received into stock`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Products

export interface ProductFields {
  description?: string;
  description2?: string | null;
  ean?: string | null;
  unit?: string;
  weightKg?: number | null;
  lengthCm?: number | null;
  widthCm?: number | null;
  heightCm?: number | null;
  volumeDm3?: number | null;
  /** A service item (freight, fee) is sold and sent to Ongoing as an article, but never stocked. */
  isService?: boolean;
  isActive?: boolean;
  supplierNumber?: string | null;
  productGroup?: string | null;
}

export interface ProductInput extends ProductFields {
  productNumber: string;
  description: string;
}

/** Column values for the fields present in `input` (absent fields are left alone). */
async function productColumns(db: Knex, record: string, input: ProductFields): Promise<Row> {
  const row: Row = {};
  const has = (k: keyof ProductFields) => Object.prototype.hasOwnProperty.call(input, k) && input[k] !== undefined;
  if (has('description')) row.description = text(record, 'description', input.description);
  if (has('description2')) row.description2 = optionalText(record, 'description2', input.description2);
  if (has('ean')) {
    const ean = optionalText(record, 'ean', input.ean);
    if (ean !== null && !/^([0-9]{8}|[0-9]{12,14})$/.test(ean)) throw new ValidationError(record, 'ean', `must be 8, 12, 13 or 14 digits, got ${JSON.stringify(ean)}`);
    row.ean = ean;
  }
  if (has('unit')) row.unit = text(record, 'unit', input.unit);
  if (has('weightKg')) row.weight_kg = notNegative(record, 'weightKg', input.weightKg);
  if (has('lengthCm')) row.length_cm = notNegative(record, 'lengthCm', input.lengthCm);
  if (has('widthCm')) row.width_cm = notNegative(record, 'widthCm', input.widthCm);
  if (has('heightCm')) row.height_cm = notNegative(record, 'heightCm', input.heightCm);
  if (has('volumeDm3')) row.volume_dm3 = notNegative(record, 'volumeDm3', input.volumeDm3);
  for (const k of ['isService', 'isActive'] as const) {
    if (!has(k)) continue;
    if (typeof input[k] !== 'boolean') throw new ValidationError(record, k, 'must be true or false');
    row[k === 'isService' ? 'is_service' : 'is_active'] = input[k];
  }
  if (has('supplierNumber')) {
    const n = optionalText(record, 'supplierNumber', input.supplierNumber);
    if (n === null) row.supplier_id = null;
    else {
      const s = await db('multicase.suppliers').where({ supplier_number: n }).first('id');
      if (!s) throw new ValidationError(record, 'supplierNumber', `names no known supplier (${n})`);
      row.supplier_id = s.id;
    }
  }
  if (has('productGroup')) row.product_group = optionalText(record, 'productGroup', input.productGroup);
  return row;
}

export async function createProduct(db: Knex, input: ProductInput): Promise<Product> {
  const number = text('product', 'productNumber', input.productNumber);
  const record = `product ${number}`;
  return db.transaction(async (trx) => {
    const row = await productColumns(trx, record, input);
    if (row.description === undefined) throw new ValidationError(record, 'description', 'is required and must be non-empty text');
    if (await trx('multicase.products').where({ product_number: number }).first('id')) throw new ValidationError(record, 'productNumber', 'already exists');
    await trx('multicase.products').insert({ ...row, product_number: number });
    return (await getProduct(trx, number))!;
  });
}

/** Changes the given fields; `isActive: false` deactivates, `isService: true` makes it a service item. */
export async function updateProduct(db: Knex, productNumber: string, changes: ProductFields): Promise<Product> {
  const record = `product ${productNumber}`;
  return db.transaction(async (trx) => {
    const current = await trx('multicase.products').where({ product_number: productNumber }).forUpdate().first('id', 'is_service', 'is_deleted');
    if (!current) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (current.is_deleted) throw new ValidationError(record, 'isDeleted', 'is true: a deleted product cannot be changed');
    const row = await productColumns(trx, record, changes);
    if (row.is_service === true && !current.is_service) {
      const stocked: Row | undefined = await trx('multicase.stock as s')
        .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
        .where('s.product_id', current.id)
        .where('s.quantity', '<>', 0)
        .first('s.quantity', 'w.code');
      if (stocked) throw new ValidationError(record, 'isService', `cannot be set while the product has stock (${Number(stocked.quantity)} in ${String(stocked.code)})`);
    }
    if (Object.keys(row).length > 0) await trx('multicase.products').where({ id: current.id }).update(row);
    return (await getProduct(trx, productNumber))!;
  });
}

/** Soft delete: the row stays (is_deleted, inactive) so change capture reports the deletion. Deleting twice changes nothing. */
export async function deleteProduct(db: Knex, productNumber: string): Promise<Product> {
  const record = `product ${productNumber}`;
  return db.transaction(async (trx) => {
    const current = await trx('multicase.products').where({ product_number: productNumber }).forUpdate().first('id', 'is_deleted');
    if (!current) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (!current.is_deleted) await trx('multicase.products').where({ id: current.id }).update({ is_deleted: true, is_active: false });
    return (await getProduct(trx, productNumber))!;
  });
}

// ---------------------------------------------------------------------------------------------
// Purchase orders

export interface PurchaseOrderLineInput {
  position: number;
  productNumber: string;
  quantityOrdered: number;
  unitPrice?: number | null;
}

export interface PurchaseOrderInput {
  /** Omit to create a new PO with the next number; give an existing number to change that PO. */
  purchaseOrderNumber?: string;
  supplierNumber: string;
  warehouseCode: string;
  expectedDate?: string | null;
  reference?: string | null;
  note?: string | null;
  /** The complete set of lines: lines are matched by position; positions left out are removed. */
  lines: PurchaseOrderLineInput[];
}

/**
 * Saves a purchase order as the user's form: creates it, or replaces its header and lines
 * (matched by position). Refuses a received or cancelled PO, and removing or re-pointing a line
 * that has goods received against it.
 */
export async function savePurchaseOrder(db: Knex, input: PurchaseOrderInput): Promise<PurchaseOrder> {
  return db.transaction(async (trx) => {
    const number = input.purchaseOrderNumber === undefined ? await allocateNumber(trx, 'purchase_order') : text('purchase order', 'purchaseOrderNumber', input.purchaseOrderNumber);
    const record = `purchase order ${number}`;

    const supplierNumber = text(record, 'supplierNumber', input.supplierNumber);
    const supplier = await trx('multicase.suppliers').where({ supplier_number: supplierNumber }).first('id');
    if (!supplier) throw new ValidationError(record, 'supplierNumber', `names no known supplier (${supplierNumber})`);
    const header = {
      supplier_id: supplier.id as number,
      warehouse_id: await warehouseId(trx, record, input.warehouseCode),
      expected_date: isoDate(record, 'expectedDate', input.expectedDate),
      reference: optionalText(record, 'reference', input.reference),
      note: optionalText(record, 'note', input.note),
    };

    if (!Array.isArray(input.lines) || input.lines.length === 0) throw new ValidationError(record, 'lines', 'must hold at least one line');
    const lines = input.lines.map((l, i) => {
      const pos = position(record, `lines[${i}].position`, l.position);
      return {
        position: pos,
        productNumber: text(record, lineField(pos, 'productNumber'), l.productNumber),
        quantityOrdered: positive(record, lineField(pos, 'quantityOrdered'), l.quantityOrdered),
        unitPrice: notNegative(record, lineField(pos, 'unitPrice'), l.unitPrice),
      };
    });
    uniquePositions(record, lines.map((l) => l.position));
    const products = await productsByNumber(trx, record, lines, 'purchase');

    const existing = await trx('multicase.purchase_orders').where({ purchase_order_number: number }).forUpdate().first('id', 'status');
    let poId: number;
    if (existing) {
      if (existing.status === 'received' || existing.status === 'cancelled')
        throw new ValidationError(record, 'status', `is ${existing.status as string}: a received or cancelled purchase order cannot be changed`);
      poId = existing.id as number;
      await trx('multicase.purchase_orders').where({ id: poId }).update(header);
    } else {
      const [created] = await trx('multicase.purchase_orders').insert({ ...header, purchase_order_number: number }).returning('id');
      poId = created.id as number;
    }

    const current: Row[] = await trx('multicase.purchase_order_lines').where({ purchase_order_id: poId }).select('id', 'position', 'product_id', 'quantity_received');
    const byPosition = new Map(current.map((r) => [r.position as number, r]));
    const wanted = new Set(lines.map((l) => l.position));
    for (const old of current) {
      if (wanted.has(old.position as number)) continue;
      if (Number(old.quantity_received) > 0) throw new ValidationError(record, lineField(old.position as number, 'position'), 'has goods received and cannot be removed');
      await trx('multicase.purchase_order_lines').where({ id: old.id }).delete();
    }
    for (const l of lines) {
      const productId = products.get(l.productNumber)!.id as number;
      const old = byPosition.get(l.position);
      const values = { product_id: productId, quantity_ordered: l.quantityOrdered, unit_price: l.unitPrice };
      if (!old) {
        await trx('multicase.purchase_order_lines').insert({ ...values, purchase_order_id: poId, position: l.position });
        continue;
      }
      if (old.product_id !== productId && Number(old.quantity_received) > 0)
        throw new ValidationError(record, lineField(l.position, 'productNumber'), 'cannot change on a line with goods received');
      await trx('multicase.purchase_order_lines').where({ id: old.id }).update(values);
    }
    return (await getPurchaseOrder(trx, number))!;
  });
}

/** Cancels a PO that is not fully received. Cancelling a cancelled PO changes nothing. */
export async function cancelPurchaseOrder(db: Knex, purchaseOrderNumber: string): Promise<PurchaseOrder> {
  const record = `purchase order ${purchaseOrderNumber}`;
  return db.transaction(async (trx) => {
    const po = await trx('multicase.purchase_orders').where({ purchase_order_number: purchaseOrderNumber }).forUpdate().first('id', 'status');
    if (!po) throw new ValidationError(record, 'purchaseOrderNumber', 'names no known purchase order');
    if (po.status === 'received') throw new ValidationError(record, 'status', 'is received: a fully received purchase order cannot be cancelled');
    if (po.status !== 'cancelled') await trx('multicase.purchase_orders').where({ id: po.id }).update({ status: 'cancelled' });
    return (await getPurchaseOrder(trx, purchaseOrderNumber))!;
  });
}

// ---------------------------------------------------------------------------------------------
// Sales orders and picking lists

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

// ---------------------------------------------------------------------------------------------
// Returns

export interface ReturnLineInput {
  /** Position of the sales-order line being returned. */
  position: number;
  quantity: number;
  cause?: string | null;
}

/**
 * Registers a customer return against delivered order lines. The quantity may not exceed what
 * was delivered, less what was returned already and what other open returns expect.
 */
export async function registerReturn(db: Knex, orderNumber: string, lines: ReturnLineInput[], reason?: string | null, returnNumber?: string): Promise<ReturnOrder> {
  const record = `return for sales order ${orderNumber}`;
  return db.transaction(async (trx) => {
    const order = await trx('multicase.sales_orders').where({ order_number: orderNumber }).forUpdate().first('id', 'status', 'warehouse_id');
    if (!order) throw new ValidationError(record, 'orderNumber', 'names no known sales order');
    if (!['partly_shipped', 'shipped', 'invoiced'].includes(order.status as string)) throw new ValidationError(record, 'status', `is ${order.status as string}: only delivered goods can be returned`);
    if (!Array.isArray(lines) || lines.length === 0) throw new ValidationError(record, 'lines', 'must hold at least one line');
    uniquePositions(record, lines.map((l) => position(record, 'lines[].position', l.position)));

    const orderLines: Row[] = await trx('multicase.sales_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('l.sales_order_id', order.id)
      .select(
        'l.id',
        'l.position',
        'l.product_id',
        'p.is_service',
        'p.product_number',
        trx.raw(
          `l.quantity_delivered - l.quantity_returned - coalesce((
             SELECT sum(rl.quantity - rl.quantity_received) FROM multicase.return_order_lines rl
               JOIN multicase.return_orders r ON r.id = rl.return_order_id
              WHERE rl.sales_order_line_id = l.id AND r.status IN ('registered', 'sent_to_warehouse')), 0) AS returnable`,
        ),
      );
    const rows = lines.map((l, i) => {
      const line = orderLines.find((o) => o.position === l.position);
      if (!line) throw new ValidationError(record, `lines[position ${l.position}]`, 'names no line of the order');
      if (line.is_service) throw new ValidationError(record, lineField(l.position, 'position'), `is a service item (${String(line.product_number)}), which cannot be returned`);
      const quantity = positive(record, lineField(l.position, 'quantity'), l.quantity);
      const returnable = Number(line.returnable);
      if (quantity > returnable) throw new ValidationError(record, lineField(l.position, 'quantity'), `is ${quantity} but only ${returnable} can be returned`);
      return { position: i + 1, sales_order_line_id: line.id, product_id: line.product_id, quantity, cause: optionalText(record, lineField(l.position, 'cause'), l.cause) };
    });

    const number = returnNumber === undefined ? await allocateNumber(trx, 'return_order') : text(record, 'returnNumber', returnNumber);
    if (await trx('multicase.return_orders').where({ return_number: number }).first('id')) throw new ValidationError(`return ${number}`, 'returnNumber', 'already exists');
    const [ret] = await trx('multicase.return_orders')
      .insert({ return_number: number, sales_order_id: order.id, warehouse_id: order.warehouse_id, reason: optionalText(record, 'reason', reason) })
      .returning('id');
    await trx('multicase.return_order_lines').insert(rows.map((r) => ({ ...r, return_order_id: ret.id })));
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: `Return ${number} registered` });
    return (await getReturnOrder(trx, number))!;
  });
}

/** Sends a registered return to the warehouse, which then expects the goods (flow 7). */
export async function sendReturnToWarehouse(db: Knex, returnNumber: string): Promise<ReturnOrder> {
  const record = `return ${returnNumber}`;
  return db.transaction(async (trx) => {
    const ret = await trx('multicase.return_orders').where({ return_number: returnNumber }).forUpdate().first('id', 'status', 'sales_order_id');
    if (!ret) throw new ValidationError(record, 'returnNumber', 'names no known return');
    if (ret.status !== 'registered') throw new ValidationError(record, 'status', `is ${ret.status as string}: only a registered return can be sent to the warehouse`);
    await trx('multicase.return_orders').where({ id: ret.id }).update({ status: 'sent_to_warehouse' });
    await addOrderHistory(trx, { salesOrderId: ret.sales_order_id as number, type: 'note', text: `Return ${returnNumber} sent to the warehouse` });
    return (await getReturnOrder(trx, returnNumber))!;
  });
}

// ---------------------------------------------------------------------------------------------
// Stock

/** Sets the stock of a product in a warehouse (seeding, stock counts), booking the difference as a correction. */
export async function setStock(db: Knex, productNumber: string, warehouseCode: string, quantity: number, options: { reference?: string; cause?: string } = {}): Promise<number> {
  const record = `stock of product ${productNumber} in ${warehouseCode}`;
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) throw new ValidationError(record, 'quantity', `must be a number of at least 0, got ${String(quantity)}`);
  return db.transaction(async (trx) => {
    const product = await trx('multicase.products').where({ product_number: productNumber }).first('id', 'is_service');
    if (!product) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (product.is_service) throw new ValidationError(record, 'productNumber', 'names a service item, which carries no stock');
    const warehouse = await warehouseId(trx, record, warehouseCode);
    const row = await trx('multicase.stock').where({ product_id: product.id, warehouse_id: warehouse }).forUpdate().first('quantity');
    const current = row ? Number(row.quantity) : 0;
    const change = Math.round((quantity - current) * 1000) / 1000;
    if (change === 0) return current;
    return bookStockChange(trx, {
      productId: product.id as number,
      warehouseId: warehouse,
      quantityChange: change,
      kind: 'correction',
      reference: options.reference ?? null,
      cause: options.cause ?? 'stock set',
    });
  });
}
