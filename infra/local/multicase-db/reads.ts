/**
 * Read helpers over the Multicase schema, returning documents by business key (product number,
 * order number, …) in camelCase with quantities and amounts as numbers. Used by the user
 * actions, tests, the demo and the load generator; sinks and sources query the tables directly.
 */
import type { Knex } from 'knex';

export type PurchaseOrderStatus = 'open' | 'partly_received' | 'received' | 'cancelled';
export type SalesOrderStatus = 'open' | 'sent_to_warehouse' | 'partly_shipped' | 'shipped' | 'invoiced' | 'cancelled';
export type PickingListStatus = 'sent' | 'shipped' | 'cancelled';
export type ReturnOrderStatus = 'registered' | 'sent_to_warehouse' | 'received' | 'credited' | 'cancelled';

export interface Product {
  id: number;
  productNumber: string;
  description: string;
  description2: string | null;
  ean: string | null;
  unit: string;
  weightKg: number | null;
  lengthCm: number | null;
  widthCm: number | null;
  heightCm: number | null;
  volumeDm3: number | null;
  isService: boolean;
  isActive: boolean;
  isDeleted: boolean;
  supplierNumber: string | null;
  productGroup: string | null;
  createdAt: Date;
  updatedAt: Date;
  changeSeq: string;
}

export interface PurchaseOrderLine {
  id: number;
  position: number;
  productNumber: string;
  quantityOrdered: number;
  quantityReceived: number;
  unitPrice: number | null;
}

export interface PurchaseOrder {
  id: number;
  purchaseOrderNumber: string;
  supplierNumber: string;
  warehouseCode: string;
  status: PurchaseOrderStatus;
  expectedDate: string | null;
  reference: string | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
  changeSeq: string;
  lines: PurchaseOrderLine[];
}

export interface DeliveryAddress {
  name: string;
  address1: string | null;
  address2: string | null;
  address3: string | null;
  postCode: string | null;
  city: string | null;
  countryCode: string;
  email: string | null;
  phone: string | null;
}

export interface SalesOrderLine {
  id: number;
  position: number;
  productNumber: string;
  quantity: number;
  unitPrice: number;
  vatRate: number;
  quantityDelivered: number;
  quantityReturned: number;
}

export interface SalesOrder {
  id: number;
  orderNumber: string;
  customerNumber: string;
  shippingMethodId: number;
  warehouseCode: string;
  deliveryAddress: DeliveryAddress;
  orderDate: string;
  deliveryDate: string | null;
  reference: string | null;
  currency: string;
  status: SalesOrderStatus;
  createdAt: Date;
  updatedAt: Date;
  changeSeq: string;
  lines: SalesOrderLine[];
}

export interface PickingList {
  id: number;
  pickingListNumber: string;
  orderNumber: string;
  status: PickingListStatus;
  createdAt: Date;
  changeSeq: string;
  lines: { position: number; salesOrderLinePosition: number; productNumber: string; quantity: number }[];
}

export interface ReturnOrder {
  id: number;
  returnNumber: string;
  orderNumber: string;
  warehouseCode: string;
  status: ReturnOrderStatus;
  reason: string | null;
  createdAt: Date;
  changeSeq: string;
  lines: { position: number; salesOrderLinePosition: number; productNumber: string; quantity: number; quantityReceived: number; cause: string | null }[];
}

export interface StockTransaction {
  id: string;
  productNumber: string;
  warehouseCode: string;
  quantityChange: number;
  balanceAfter: number;
  kind: 'receipt' | 'shipment' | 'return' | 'adjustment' | 'correction';
  reference: string | null;
  cause: string | null;
  eventId: string | null;
  createdAt: Date;
}

export interface OrderHistoryEntry {
  type: string;
  text: string;
  link: string | null;
  createdAt: Date;
}

type Row = Record<string, unknown>;
const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toProduct(r: Row): Product {
  return {
    id: num(r.id),
    productNumber: str(r.product_number),
    description: str(r.description),
    description2: strOrNull(r.description2),
    ean: strOrNull(r.ean),
    unit: str(r.unit),
    weightKg: numOrNull(r.weight_kg),
    lengthCm: numOrNull(r.length_cm),
    widthCm: numOrNull(r.width_cm),
    heightCm: numOrNull(r.height_cm),
    volumeDm3: numOrNull(r.volume_dm3),
    isService: r.is_service as boolean,
    isActive: r.is_active as boolean,
    isDeleted: r.is_deleted as boolean,
    supplierNumber: strOrNull(r.supplier_number),
    productGroup: strOrNull(r.product_group),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    changeSeq: String(r.change_seq),
  };
}

const isTransaction = (db: Knex) => (db as Knex & { isTransaction?: boolean }).isTransaction === true;

/** A document and its lines from one snapshot, so a reader never sees a header and lines of different commits. */
function inSnapshot<T>(db: Knex, read: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(read, { isolationLevel: 'repeatable read', readOnly: true });
}

export async function getProduct(db: Knex, productNumber: string): Promise<Product | undefined> {
  const r = await db('multicase.products as p')
    .leftJoin('multicase.suppliers as s', 's.id', 'p.supplier_id')
    .where('p.product_number', productNumber)
    .first('p.*', 's.supplier_number');
  return r ? toProduct(r) : undefined;
}

export async function getPurchaseOrder(db: Knex, purchaseOrderNumber: string): Promise<PurchaseOrder | undefined> {
  if (!isTransaction(db)) return inSnapshot(db, (trx) => getPurchaseOrder(trx, purchaseOrderNumber));
  const h = await db('multicase.purchase_orders as po')
    .join('multicase.suppliers as s', 's.id', 'po.supplier_id')
    .join('multicase.warehouses as w', 'w.id', 'po.warehouse_id')
    .where('po.purchase_order_number', purchaseOrderNumber)
    .first('po.*', 's.supplier_number', 'w.code as warehouse_code');
  if (!h) return undefined;
  const lines: Row[] = await db('multicase.purchase_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.purchase_order_id', h.id)
    .orderBy('l.position')
    .select('l.*', 'p.product_number');
  return {
    id: num(h.id),
    purchaseOrderNumber: str(h.purchase_order_number),
    supplierNumber: str(h.supplier_number),
    warehouseCode: str(h.warehouse_code),
    status: h.status as PurchaseOrderStatus,
    expectedDate: strOrNull(h.expected_date),
    reference: strOrNull(h.reference),
    note: strOrNull(h.note),
    createdAt: h.created_at as Date,
    updatedAt: h.updated_at as Date,
    changeSeq: String(h.change_seq),
    lines: lines.map((l) => ({
      id: num(l.id),
      position: num(l.position),
      productNumber: str(l.product_number),
      quantityOrdered: num(l.quantity_ordered),
      quantityReceived: num(l.quantity_received),
      unitPrice: numOrNull(l.unit_price),
    })),
  };
}

export async function getSalesOrder(db: Knex, orderNumber: string): Promise<SalesOrder | undefined> {
  if (!isTransaction(db)) return inSnapshot(db, (trx) => getSalesOrder(trx, orderNumber));
  const h = await db('multicase.sales_orders as o')
    .join('multicase.customers as c', 'c.id', 'o.customer_id')
    .join('multicase.warehouses as w', 'w.id', 'o.warehouse_id')
    .where('o.order_number', orderNumber)
    .first('o.*', 'c.customer_number', 'w.code as warehouse_code');
  if (!h) return undefined;
  const lines: Row[] = await db('multicase.sales_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.sales_order_id', h.id)
    .orderBy('l.position')
    .select('l.*', 'p.product_number');
  return {
    id: num(h.id),
    orderNumber: str(h.order_number),
    customerNumber: str(h.customer_number),
    shippingMethodId: num(h.shipping_method_id),
    warehouseCode: str(h.warehouse_code),
    deliveryAddress: {
      name: str(h.delivery_name),
      address1: strOrNull(h.delivery_address1),
      address2: strOrNull(h.delivery_address2),
      address3: strOrNull(h.delivery_address3),
      postCode: strOrNull(h.delivery_post_code),
      city: strOrNull(h.delivery_city),
      countryCode: str(h.delivery_country_code),
      email: strOrNull(h.delivery_email),
      phone: strOrNull(h.delivery_phone),
    },
    orderDate: str(h.order_date),
    deliveryDate: strOrNull(h.delivery_date),
    reference: strOrNull(h.reference),
    currency: str(h.currency),
    status: h.status as SalesOrderStatus,
    createdAt: h.created_at as Date,
    updatedAt: h.updated_at as Date,
    changeSeq: String(h.change_seq),
    lines: lines.map((l) => ({
      id: num(l.id),
      position: num(l.position),
      productNumber: str(l.product_number),
      quantity: num(l.quantity),
      unitPrice: num(l.unit_price),
      vatRate: num(l.vat_rate),
      quantityDelivered: num(l.quantity_delivered),
      quantityReturned: num(l.quantity_returned),
    })),
  };
}

export async function getPickingList(db: Knex, pickingListNumber: string): Promise<PickingList | undefined> {
  if (!isTransaction(db)) return inSnapshot(db, (trx) => getPickingList(trx, pickingListNumber));
  const h = await db('multicase.picking_lists as pl')
    .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
    .where('pl.picking_list_number', pickingListNumber)
    .first('pl.*', 'o.order_number');
  if (!h) return undefined;
  const lines: Row[] = await db('multicase.picking_list_lines as l')
    .join('multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id')
    .join('multicase.products as p', 'p.id', 'ol.product_id')
    .where('l.picking_list_id', h.id)
    .orderBy('l.position')
    .select('l.position', 'l.quantity', 'ol.position as order_position', 'p.product_number');
  return {
    id: num(h.id),
    pickingListNumber: str(h.picking_list_number),
    orderNumber: str(h.order_number),
    status: h.status as PickingListStatus,
    createdAt: h.created_at as Date,
    changeSeq: String(h.change_seq),
    lines: lines.map((l) => ({
      position: num(l.position),
      salesOrderLinePosition: num(l.order_position),
      productNumber: str(l.product_number),
      quantity: num(l.quantity),
    })),
  };
}

/** Picking-list numbers of an order, oldest first. */
export async function getPickingListNumbers(db: Knex, orderNumber: string): Promise<string[]> {
  const rows: Row[] = await db('multicase.picking_lists as pl')
    .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('pl.id')
    .select('pl.picking_list_number');
  return rows.map((r) => str(r.picking_list_number));
}

export async function getReturnOrder(db: Knex, returnNumber: string): Promise<ReturnOrder | undefined> {
  if (!isTransaction(db)) return inSnapshot(db, (trx) => getReturnOrder(trx, returnNumber));
  const h = await db('multicase.return_orders as r')
    .join('multicase.sales_orders as o', 'o.id', 'r.sales_order_id')
    .join('multicase.warehouses as w', 'w.id', 'r.warehouse_id')
    .where('r.return_number', returnNumber)
    .first('r.*', 'o.order_number', 'w.code as warehouse_code');
  if (!h) return undefined;
  const lines: Row[] = await db('multicase.return_order_lines as l')
    .join('multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.return_order_id', h.id)
    .orderBy('l.position')
    .select('l.*', 'ol.position as order_position', 'p.product_number');
  return {
    id: num(h.id),
    returnNumber: str(h.return_number),
    orderNumber: str(h.order_number),
    warehouseCode: str(h.warehouse_code),
    status: h.status as ReturnOrderStatus,
    reason: strOrNull(h.reason),
    createdAt: h.created_at as Date,
    changeSeq: String(h.change_seq),
    lines: lines.map((l) => ({
      position: num(l.position),
      salesOrderLinePosition: num(l.order_position),
      productNumber: str(l.product_number),
      quantity: num(l.quantity),
      quantityReceived: num(l.quantity_received),
      cause: strOrNull(l.cause),
    })),
  };
}

export async function getOrderHistory(db: Knex, orderNumber: string): Promise<OrderHistoryEntry[]> {
  const rows: Row[] = await db('multicase.order_history as h')
    .join('multicase.sales_orders as o', 'o.id', 'h.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('h.id')
    .select('h.*');
  return rows.map((r) => ({ type: str(r.entry_type), text: str(r.text), link: strOrNull(r.link), createdAt: r.created_at as Date }));
}

/** Stock of a product in a warehouse; 0 when it has never had any. */
export async function getStock(db: Knex, productNumber: string, warehouseCode: string): Promise<number> {
  const r = await db('multicase.stock as s')
    .join('multicase.products as p', 'p.id', 's.product_id')
    .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
    .where({ 'p.product_number': productNumber, 'w.code': warehouseCode })
    .first('s.quantity');
  return r ? num(r.quantity) : 0;
}

/** The stock history of a product, oldest first, optionally for one warehouse. */
export async function getStockTransactions(db: Knex, productNumber: string, warehouseCode?: string): Promise<StockTransaction[]> {
  const q = db('multicase.stock_transactions as t')
    .join('multicase.products as p', 'p.id', 't.product_id')
    .join('multicase.warehouses as w', 'w.id', 't.warehouse_id')
    .where('p.product_number', productNumber)
    .orderBy('t.id')
    .select('t.*', 'p.product_number', 'w.code as warehouse_code');
  if (warehouseCode !== undefined) q.where('w.code', warehouseCode);
  const rows: Row[] = await q;
  return rows.map((r) => ({
    id: String(r.id),
    productNumber: str(r.product_number),
    warehouseCode: str(r.warehouse_code),
    quantityChange: num(r.quantity_change),
    balanceAfter: num(r.balance_after),
    kind: r.kind as StockTransaction['kind'],
    reference: strOrNull(r.reference),
    cause: strOrNull(r.cause),
    eventId: strOrNull(r.event_id),
    createdAt: r.created_at as Date,
  }));
}
