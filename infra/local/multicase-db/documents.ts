/**
 * The documents the read helpers (reads.ts) return: camelCase, business keys instead of ids,
 * quantities and amounts as numbers, `changeSeq` as the decimal string pg returns for bigint.
 */

/** Closed: closed short, or cancelled after goods arrived; nothing more is expected. */
export type PurchaseOrderStatus = 'open' | 'partly_received' | 'received' | 'closed' | 'cancelled';
export type SalesOrderStatus = 'open' | 'sent_to_warehouse' | 'partly_shipped' | 'shipped' | 'invoiced' | 'cancelled';
export type PickingListStatus = 'sent' | 'shipped' | 'cancelled';
export type ReturnOrderStatus =
  'registered' | 'sent_to_warehouse' | 'partly_received' | 'received' | 'closed' | 'cancelled';
export type ReturnHandling = 'to_stock' | 'scrap' | 'repair';
export type ReturnSettlement = 'credit' | 'replace';

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
  /** ISO 3166 two-letter code. */
  countryOfOrigin: string | null;
  /** Customs tariff number: HS (6 digits), CN (8) or TARIC (10). */
  customsCode: string | null;
  netWeightKg: number | null;
  unitsPerPackage: number | null;
  /** Multicase's SupplierCostPrice: what stock is valued at. */
  costPrice: number | null;
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
  /** Multicase's DeliveryTxt: receiving instructions for the warehouse. */
  deliveryText: string | null;
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

export interface InvoiceAddress extends Omit<DeliveryAddress, 'countryCode' | 'email' | 'phone'> {
  countryCode: string | null;
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
  /** A service item (freight, fee): invoiced with the order, never allocated nor picked. */
  isService: boolean;
  /** Reserved on stock for this line and not yet delivered; includes what was sent. */
  quantityAllocated: number;
  /** On picking lists still at the warehouse (status sent), not yet shipped; never above allocated. */
  quantitySent: number;
  /** Neither delivered nor at the warehouse: quantity − delivered − sent (0 for service lines). */
  quantityBackOrdered: number;
}

export interface SalesOrder {
  id: number;
  orderNumber: string;
  customerNumber: string;
  shippingMethodId: number;
  /** Required when the shipping method needs a pickup point. */
  pickupPointCode: string | null;
  warehouseCode: string;
  deliveryAddress: DeliveryAddress;
  orderDate: string;
  deliveryDate: string | null;
  reference: string | null;
  currency: string;
  /** The order's payment terms, else its customer's: days from invoice date to due date. */
  paymentTermsDays: number;
  /** The customer's address unless the order says otherwise; null: none on the order. */
  invoiceAddress: InvoiceAddress | null;
  vatNumber: string | null;
  organisationNumber: string | null;
  /** An Incoterms code (DAP, EXW, …). */
  termsOfDelivery: string | null;
  /** What the warehouse should know about the order. */
  orderRemark: string | null;
  /** To collect on delivery, in the order's currency; null: not cash on delivery. */
  cashOnDeliveryAmount: number | null;
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
  settlement: ReturnSettlement;
  reason: string | null;
  createdAt: Date;
  changeSeq: string;
  lines: {
    position: number;
    salesOrderLinePosition: number;
    productNumber: string;
    quantity: number;
    quantityReceived: number;
    cause: string | null;
    handling: ReturnHandling;
  }[];
}

export interface StockLevels {
  onHand: number;
  allocated: number;
  /** onHand − allocated, never below zero. */
  available: number;
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
