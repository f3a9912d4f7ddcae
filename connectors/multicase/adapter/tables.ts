/**
 * Every table of Multicase's database that the integration reads or writes, in schema `multicase`,
 * as its columns (columns.ts) and the row type that follows. The change-tracking columns the
 * integration installs (change_xid, change_seq: connectors/multicase/install.ts) are the change
 * capture's and left out. test/multicase-adapter-tables.test.ts compares this with the database.
 */
import type { ExceptionDocumentType, ExceptionKind } from './exception-kinds.js';
import {
  bigint,
  boolean,
  code,
  date,
  integer,
  json,
  measure,
  money,
  nullable,
  percent,
  quantity,
  text,
  timestamp,
  type RowOf,
} from './columns.js';

/** Closed: closed short, or cancelled after goods arrived; nothing more is expected. */
export type PurchaseOrderStatus = 'open' | 'partly_received' | 'received' | 'closed' | 'cancelled';
export type SalesOrderStatus = 'open' | 'sent_to_warehouse' | 'partly_shipped' | 'shipped' | 'invoiced' | 'cancelled';
export type PickingListStatus = 'sent' | 'shipped' | 'cancelled';
export type ReturnStatus = 'registered' | 'sent_to_warehouse' | 'partly_received' | 'received' | 'closed' | 'cancelled';
/** To stock: the warehouse receives it. Scrap, repair: handled in Multicase only. */
export type ReturnHandling = 'to_stock' | 'scrap' | 'repair';
export type ReturnSettlement = 'credit' | 'replace';
export type StockKind = 'receipt' | 'shipment' | 'return' | 'adjustment' | 'correction';
export type OrderHistoryType =
  'sent_to_warehouse' | 'shipped' | 'tracking' | 'invoiced' | 'returned' | 'credited' | 'note';
export type DocumentHistoryType = 'note' | 'exception';
export type ExceptionStatus = 'open' | 'resolved';

const created = { created_at: timestamp };
const changed = { created_at: timestamp, updated_at: timestamp };

export const tables = {
  // Reference data
  warehouses: { id: integer, code: text, name: text },
  suppliers: { id: integer, supplier_number: text, name: text },
  shipping_methods: {
    id: integer,
    name: text,
    short_name: text,
    carrier: nullable(text),
    active: boolean,
    needs_pickup_point: boolean,
  },
  customers: {
    id: integer,
    customer_number: text,
    name: text,
    email: nullable(text),
    phone: nullable(text),
    address1: nullable(text),
    address2: nullable(text),
    address3: nullable(text),
    post_code: nullable(text),
    city: nullable(text),
    country_code: text,
    preferred_shipping_method_id: nullable(integer),
    payment_terms_days: integer,
    vat_number: nullable(text),
    organisation_number: nullable(text),
    ...changed,
  },
  products: {
    id: integer,
    product_number: text,
    description: text,
    description2: nullable(text),
    ean: nullable(text),
    unit: text,
    weight_kg: nullable(measure(12, 3)),
    length_cm: nullable(measure(10, 2)),
    width_cm: nullable(measure(10, 2)),
    height_cm: nullable(measure(10, 2)),
    volume_dm3: nullable(measure(12, 3)),
    is_service: boolean,
    is_active: boolean,
    is_deleted: boolean,
    supplier_id: nullable(integer),
    product_group: nullable(text),
    country_of_origin: nullable(text),
    customs_code: nullable(text),
    net_weight_kg: nullable(measure(12, 3)),
    units_per_package: nullable(integer),
    cost_price: nullable(money),
    ...changed,
  },

  // Purchasing
  purchase_orders: {
    id: integer,
    purchase_order_number: text,
    supplier_id: integer,
    warehouse_id: integer,
    status: code<PurchaseOrderStatus>(),
    expected_date: nullable(date),
    reference: nullable(text),
    note: nullable(text),
    delivery_text: nullable(text),
    ...changed,
  },
  purchase_order_lines: {
    id: integer,
    purchase_order_id: integer,
    position: integer,
    product_id: integer,
    quantity_ordered: quantity,
    quantity_received: quantity,
    unit_price: nullable(money),
  },

  // Sales: orders, what is sent to the warehouse, what it shipped, what was invoiced
  sales_orders: {
    id: integer,
    order_number: text,
    customer_id: integer,
    shipping_method_id: integer,
    warehouse_id: integer,
    delivery_name: text,
    delivery_address1: nullable(text),
    delivery_address2: nullable(text),
    delivery_address3: nullable(text),
    delivery_post_code: nullable(text),
    delivery_city: nullable(text),
    delivery_country_code: text,
    delivery_email: nullable(text),
    delivery_phone: nullable(text),
    order_date: date,
    delivery_date: nullable(date),
    reference: nullable(text),
    currency: text,
    status: code<SalesOrderStatus>(),
    pickup_point_code: nullable(text),
    payment_terms_days: nullable(integer),
    invoice_name: nullable(text),
    invoice_address1: nullable(text),
    invoice_address2: nullable(text),
    invoice_address3: nullable(text),
    invoice_post_code: nullable(text),
    invoice_city: nullable(text),
    invoice_country_code: nullable(text),
    vat_number: nullable(text),
    organisation_number: nullable(text),
    terms_of_delivery: nullable(text),
    order_remark: nullable(text),
    cash_on_delivery_amount: nullable(money),
    ...changed,
  },
  sales_order_lines: {
    id: integer,
    sales_order_id: integer,
    position: integer,
    product_id: integer,
    quantity: quantity,
    unit_price: money,
    vat_rate: percent,
    quantity_delivered: quantity,
    quantity_returned: quantity,
    quantity_allocated: quantity,
    quantity_sent: quantity,
  },
  picking_lists: {
    id: integer,
    picking_list_number: text,
    sales_order_id: integer,
    status: code<PickingListStatus>(),
    ...changed,
  },
  picking_list_lines: {
    id: integer,
    picking_list_id: integer,
    position: integer,
    sales_order_line_id: integer,
    quantity: quantity,
  },
  order_history: {
    id: bigint,
    sales_order_id: integer,
    entry_type: code<OrderHistoryType>(),
    text: text,
    link: nullable(text),
    event_id: nullable(text),
    ...created,
  },
  deliveries: {
    id: integer,
    sales_order_id: integer,
    picking_list_id: nullable(integer),
    packing_slip_number: text,
    shipped_at: timestamp,
    carrier: nullable(text),
    waybill: nullable(text),
    tracking_url: nullable(text),
    event_id: nullable(text),
    ...created,
  },
  delivery_lines: { id: integer, delivery_id: integer, sales_order_line_id: integer, quantity: quantity },
  invoices: {
    id: integer,
    invoice_number: text,
    sales_order_id: integer,
    delivery_id: nullable(integer),
    customer_id: integer,
    invoice_date: date,
    due_date: date,
    currency: text,
    amount_net: money,
    vat_amount: money,
    freight_cost: money,
    event_id: nullable(text),
    ...created,
  },
  invoice_lines: {
    id: integer,
    invoice_id: integer,
    position: integer,
    sales_order_line_id: nullable(integer),
    product_id: integer,
    quantity: quantity,
    unit_price: money,
    vat_rate: percent,
    line_amount: money,
  },

  // Customer returns
  return_orders: {
    id: integer,
    return_number: text,
    sales_order_id: integer,
    warehouse_id: integer,
    status: code<ReturnStatus>(),
    reason: nullable(text),
    settlement: code<ReturnSettlement>(),
    ...changed,
  },
  return_order_lines: {
    id: integer,
    return_order_id: integer,
    position: integer,
    sales_order_line_id: integer,
    product_id: integer,
    quantity: quantity,
    quantity_received: quantity,
    cause: nullable(text),
    handling: code<ReturnHandling>(),
    invoice_line_id: nullable(integer),
  },
  credit_notes: {
    id: integer,
    credit_note_number: text,
    return_order_id: nullable(integer),
    invoice_id: nullable(integer),
    customer_id: integer,
    credit_date: date,
    currency: text,
    amount_net: money,
    vat_amount: money,
    event_id: nullable(text),
    ...created,
  },
  credit_note_lines: {
    id: integer,
    credit_note_id: integer,
    position: integer,
    return_order_line_id: nullable(integer),
    product_id: integer,
    quantity: quantity,
    unit_price: money,
    vat_rate: percent,
    line_amount: money,
  },

  // Stock
  stock: {
    product_id: integer,
    warehouse_id: integer,
    quantity: quantity,
    allocated: quantity,
    // Generated (quantity - allocated), so nullable in the catalog.
    available: nullable(quantity),
    updated_at: timestamp,
  },
  stock_transactions: {
    id: bigint,
    product_id: integer,
    warehouse_id: integer,
    quantity_change: quantity,
    balance_after: quantity,
    kind: code<StockKind>(),
    reference: nullable(text),
    cause: nullable(text),
    event_id: nullable(text),
    ...created,
  },
  // The integration's own: commands applied (idempotency)
  applied_events: { event_id: text, topic: text, applied_at: timestamp },

  // What Multicase's model could not reconcile with the warehouse, for a person (exceptions.ts)
  integration_exceptions: {
    id: bigint,
    kind: code<ExceptionKind>(),
    status: code<ExceptionStatus>(),
    document_type: code<ExceptionDocumentType>(),
    document_number: text,
    sales_order_id: nullable(integer),
    purchase_order_id: nullable(integer),
    return_order_id: nullable(integer),
    picking_list_id: nullable(integer),
    product_id: nullable(integer),
    warehouse_id: nullable(integer),
    quantity_expected: nullable(quantity),
    quantity_reported: nullable(quantity),
    quantity_booked: nullable(quantity),
    stock_not_booked: quantity,
    reason: text,
    details: json,
    event_id: nullable(text),
    created_at: timestamp,
    resolved_at: nullable(timestamp),
    resolved_by: nullable(text),
    resolution_note: nullable(text),
  },
  // Notes on purchase orders and returns (document-history.ts)
  document_history: {
    id: bigint,
    purchase_order_id: nullable(integer),
    return_order_id: nullable(integer),
    entry_type: code<DocumentHistoryType>(),
    text: text,
    event_id: nullable(text),
    ...created,
  },
  // What the integration booked per warehouse line, cumulative (fact-ledger.ts)
  warehouse_fact_ledger: {
    fact_kind: text,
    document_id: text,
    line_key: text,
    document_number: text,
    product_id: nullable(integer),
    booked_total: quantity,
    updated_at: timestamp,
    event_id: nullable(text),
  },
};

export type WarehouseRow = RowOf<typeof tables.warehouses>;
export type SupplierRow = RowOf<typeof tables.suppliers>;
export type ShippingMethodRow = RowOf<typeof tables.shipping_methods>;
export type CustomerRow = RowOf<typeof tables.customers>;
export type ProductRow = RowOf<typeof tables.products>;
export type PurchaseOrderRow = RowOf<typeof tables.purchase_orders>;
export type PurchaseOrderLineRow = RowOf<typeof tables.purchase_order_lines>;
export type SalesOrderRow = RowOf<typeof tables.sales_orders>;
export type SalesOrderLineRow = RowOf<typeof tables.sales_order_lines>;
export type PickingListRow = RowOf<typeof tables.picking_lists>;
export type PickingListLineRow = RowOf<typeof tables.picking_list_lines>;
export type OrderHistoryRow = RowOf<typeof tables.order_history>;
export type DeliveryRow = RowOf<typeof tables.deliveries>;
export type DeliveryLineRow = RowOf<typeof tables.delivery_lines>;
export type InvoiceRow = RowOf<typeof tables.invoices>;
export type InvoiceLineRow = RowOf<typeof tables.invoice_lines>;
export type ReturnOrderRow = RowOf<typeof tables.return_orders>;
export type ReturnOrderLineRow = RowOf<typeof tables.return_order_lines>;
export type CreditNoteRow = RowOf<typeof tables.credit_notes>;
export type CreditNoteLineRow = RowOf<typeof tables.credit_note_lines>;
export type StockRow = RowOf<typeof tables.stock>;
export type StockTransactionRow = RowOf<typeof tables.stock_transactions>;
export type AppliedEventRow = RowOf<typeof tables.applied_events>;
export type IntegrationExceptionRow = RowOf<typeof tables.integration_exceptions>;
export type DocumentHistoryRow = RowOf<typeof tables.document_history>;
export type WarehouseFactLedgerRow = RowOf<typeof tables.warehouse_fact_ledger>;
