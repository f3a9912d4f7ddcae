/**
 * Read helpers over the Multicase schema, returning documents by business key (product number,
 * order number, …) in camelCase with quantities and amounts as numbers. Used by the user
 * actions, tests, the demo and the load generator; sinks and sources query the tables directly.
 */
import type { Knex } from 'knex';
import type {
  OrderHistoryEntry,
  PickingList,
  PickingListStatus,
  Product,
  PurchaseOrder,
  PurchaseOrderStatus,
  ReturnHandling,
  ReturnOrder,
  ReturnOrderStatus,
  ReturnSettlement,
  SalesOrder,
  SalesOrderStatus,
} from './documents.js';

export type * from './documents.js';
export * from './reads-stock.js';

type Row = Record<string, unknown>;
const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function getProduct(db: Knex, productNumber: string): Promise<Product | undefined> {
  const r: Row | undefined = await db('multicase.products as p')
    .leftJoin('multicase.suppliers as s', 's.id', 'p.supplier_id')
    .where('p.product_number', productNumber)
    .first('p.*', 's.supplier_number');
  if (!r) return undefined;
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
    countryOfOrigin: strOrNull(r.country_of_origin),
    customsCode: strOrNull(r.customs_code),
    netWeightKg: numOrNull(r.net_weight_kg),
    unitsPerPackage: numOrNull(r.units_per_package),
    costPrice: numOrNull(r.cost_price),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    changeSeq: String(r.change_seq),
  };
}

// ---------------------------------------------------------------------------------------------
// Documents: a header found by its business key, then its lines

/** An inner join, as knex takes it: table, then the two columns that must be equal. */
type Join = readonly [table: string, left: string, right: string];

interface TableRead {
  /** `multicase.<table> as <alias>` */
  readonly table: string;
  readonly join: readonly Join[];
  readonly select: readonly string[];
}

interface DocumentRead<T> {
  /** `key`: the column holding the business key the document is asked for by. */
  readonly header: TableRead & { readonly key: string };
  /** `parent`: the lines' column referring to the header's id. */
  readonly lines: TableRead & { readonly parent: string; readonly orderBy: string };
  readonly map: (header: Row, lines: Row[]) => T;
}

function from(db: Knex, read: TableRead): Knex.QueryBuilder {
  const q = db(read.table);
  for (const [table, left, right] of read.join) q.join(table, left, right);
  return q;
}

const isTransaction = (db: Knex) => (db as Knex & { isTransaction?: boolean }).isTransaction === true;

/**
 * A document and its lines, both read in one snapshot so a reader never sees a header and lines
 * of different commits. Inside the caller's transaction that is its snapshot; otherwise this
 * opens a read-only REPEATABLE READ transaction for the two queries.
 */
async function readDocument<T>(db: Knex, doc: DocumentRead<T>, key: string): Promise<T | undefined> {
  if (!isTransaction(db))
    return db.transaction((trx) => readDocument(trx, doc, key), { isolationLevel: 'repeatable read', readOnly: true });
  const header: Row | undefined = await from(db, doc.header)
    .where(doc.header.key, key)
    .first(...doc.header.select);
  if (!header) return undefined;
  const lines: Row[] = await from(db, doc.lines)
    .where(doc.lines.parent, header.id as number)
    .orderBy(doc.lines.orderBy)
    .select(...doc.lines.select);
  return doc.map(header, lines);
}

const PURCHASE_ORDER: DocumentRead<PurchaseOrder> = {
  header: {
    table: 'multicase.purchase_orders as po',
    key: 'po.purchase_order_number',
    join: [
      ['multicase.suppliers as s', 's.id', 'po.supplier_id'],
      ['multicase.warehouses as w', 'w.id', 'po.warehouse_id'],
    ],
    select: ['po.*', 's.supplier_number', 'w.code as warehouse_code'],
  },
  lines: {
    table: 'multicase.purchase_order_lines as l',
    parent: 'l.purchase_order_id',
    join: [['multicase.products as p', 'p.id', 'l.product_id']],
    select: ['l.*', 'p.product_number'],
    orderBy: 'l.position',
  },
  map: (h, lines) => ({
    id: num(h.id),
    purchaseOrderNumber: str(h.purchase_order_number),
    supplierNumber: str(h.supplier_number),
    warehouseCode: str(h.warehouse_code),
    status: h.status as PurchaseOrderStatus,
    expectedDate: strOrNull(h.expected_date),
    reference: strOrNull(h.reference),
    note: strOrNull(h.note),
    deliveryText: strOrNull(h.delivery_text),
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
  }),
};

const SALES_ORDER: DocumentRead<SalesOrder> = {
  header: {
    table: 'multicase.sales_orders as o',
    key: 'o.order_number',
    join: [
      ['multicase.customers as c', 'c.id', 'o.customer_id'],
      ['multicase.warehouses as w', 'w.id', 'o.warehouse_id'],
    ],
    select: [
      'o.*',
      'c.customer_number',
      'c.payment_terms_days as customer_payment_terms_days',
      'w.code as warehouse_code',
    ],
  },
  lines: {
    table: 'multicase.sales_order_lines as l',
    parent: 'l.sales_order_id',
    join: [['multicase.products as p', 'p.id', 'l.product_id']],
    select: ['l.*', 'p.product_number', 'p.is_service'],
    orderBy: 'l.position',
  },
  map: (h, lines) => ({
    id: num(h.id),
    orderNumber: str(h.order_number),
    customerNumber: str(h.customer_number),
    shippingMethodId: num(h.shipping_method_id),
    pickupPointCode: strOrNull(h.pickup_point_code),
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
    paymentTermsDays: num(h.payment_terms_days ?? h.customer_payment_terms_days),
    invoiceAddress:
      h.invoice_name === null
        ? null
        : {
            name: str(h.invoice_name),
            address1: strOrNull(h.invoice_address1),
            address2: strOrNull(h.invoice_address2),
            address3: strOrNull(h.invoice_address3),
            postCode: strOrNull(h.invoice_post_code),
            city: strOrNull(h.invoice_city),
            countryCode: strOrNull(h.invoice_country_code),
          },
    vatNumber: strOrNull(h.vat_number),
    organisationNumber: strOrNull(h.organisation_number),
    termsOfDelivery: strOrNull(h.terms_of_delivery),
    orderRemark: strOrNull(h.order_remark),
    cashOnDeliveryAmount: numOrNull(h.cash_on_delivery_amount),
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
      isService: l.is_service as boolean,
      quantityAllocated: num(l.quantity_allocated),
      quantitySent: num(l.quantity_sent),
      // service lines are never picked, so never back-ordered
      quantityBackOrdered: l.is_service
        ? 0
        : Math.max(num(l.quantity) - num(l.quantity_delivered) - num(l.quantity_sent), 0),
    })),
  }),
};

const PICKING_LIST: DocumentRead<PickingList> = {
  header: {
    table: 'multicase.picking_lists as pl',
    key: 'pl.picking_list_number',
    join: [['multicase.sales_orders as o', 'o.id', 'pl.sales_order_id']],
    select: ['pl.*', 'o.order_number'],
  },
  lines: {
    table: 'multicase.picking_list_lines as l',
    parent: 'l.picking_list_id',
    join: [
      ['multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id'],
      ['multicase.products as p', 'p.id', 'ol.product_id'],
    ],
    select: ['l.position', 'l.quantity', 'ol.position as order_position', 'p.product_number'],
    orderBy: 'l.position',
  },
  map: (h, lines) => ({
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
  }),
};

const RETURN_ORDER: DocumentRead<ReturnOrder> = {
  header: {
    table: 'multicase.return_orders as r',
    key: 'r.return_number',
    join: [
      ['multicase.sales_orders as o', 'o.id', 'r.sales_order_id'],
      ['multicase.warehouses as w', 'w.id', 'r.warehouse_id'],
    ],
    select: ['r.*', 'o.order_number', 'w.code as warehouse_code'],
  },
  lines: {
    table: 'multicase.return_order_lines as l',
    parent: 'l.return_order_id',
    join: [
      ['multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id'],
      ['multicase.products as p', 'p.id', 'l.product_id'],
    ],
    select: ['l.*', 'ol.position as order_position', 'p.product_number'],
    orderBy: 'l.position',
  },
  map: (h, lines) => ({
    id: num(h.id),
    returnNumber: str(h.return_number),
    orderNumber: str(h.order_number),
    warehouseCode: str(h.warehouse_code),
    status: h.status as ReturnOrderStatus,
    settlement: h.settlement as ReturnSettlement,
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
      handling: l.handling as ReturnHandling,
    })),
  }),
};

export const getPurchaseOrder = (db: Knex, purchaseOrderNumber: string): Promise<PurchaseOrder | undefined> =>
  readDocument(db, PURCHASE_ORDER, purchaseOrderNumber);
export const getSalesOrder = (db: Knex, orderNumber: string): Promise<SalesOrder | undefined> =>
  readDocument(db, SALES_ORDER, orderNumber);
export const getPickingList = (db: Knex, pickingListNumber: string): Promise<PickingList | undefined> =>
  readDocument(db, PICKING_LIST, pickingListNumber);
export const getReturnOrder = (db: Knex, returnNumber: string): Promise<ReturnOrder | undefined> =>
  readDocument(db, RETURN_ORDER, returnNumber);

// ---------------------------------------------------------------------------------------------
// Lists and balances

/** Picking-list numbers of an order, oldest first. */
export async function getPickingListNumbers(db: Knex, orderNumber: string): Promise<string[]> {
  const rows: Row[] = await db('multicase.picking_lists as pl')
    .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('pl.id')
    .select('pl.picking_list_number');
  return rows.map((r) => str(r.picking_list_number));
}

export async function getOrderHistory(db: Knex, orderNumber: string): Promise<OrderHistoryEntry[]> {
  const rows: Row[] = await db('multicase.order_history as h')
    .join('multicase.sales_orders as o', 'o.id', 'h.sales_order_id')
    .where('o.order_number', orderNumber)
    .orderBy('h.id')
    .select('h.*');
  return rows.map((r) => ({
    type: str(r.entry_type),
    text: str(r.text),
    link: strOrNull(r.link),
    createdAt: r.created_at as Date,
  }));
}
