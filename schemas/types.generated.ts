// Generated from the Avro schemas in schemas/catalog.ts by schemas/generate-types.ts. Do not edit;
// run `npm run schemas:types` after changing a schema.
/* eslint-disable */

export type Operation = 'SNAPSHOT' | 'CREATE' | 'UPDATE' | 'DELETE';

/** Where in the source system the change was read. */
export interface SourcePosition {
  /** multicase | ongoing */
  system: string;
  entity: string;
  /** connector-specific position, e.g. a change sequence */
  position: string;
}

/** A Multicase product (article master data); service items have isService = true. */
export interface Product {
  productId: number;
  productNumber: string;
  description: string;
  description2: null | string;
  ean: null | string;
  unit: null | string;
  weightKg: null | number;
  lengthCm: null | number;
  widthCm: null | number;
  heightCm: null | number;
  volumeDm3: null | number;
  isService: boolean;
  isActive: boolean;
  isDeleted: boolean;
  supplierNumber: null | string;
  productGroup: null | string;
  /** ISO 3166 two-letter code of the country the goods were made in */
  countryOfOrigin: null | string;
  /** customs tariff number (HS, CN or TARIC) */
  customsCode: null | string;
  netWeightKg: null | number;
  /** Multicase's UnitsPerPackage */
  unitsPerPackage: null | number;
  /** Multicase's SupplierCostPrice, in the company's currency: what stock is valued at */
  costPrice: null | number;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface ProductChanged {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | Product;
}

/** One position of a purchase order. */
export interface PurchaseOrderLine {
  position: number;
  productNumber: string;
  quantityOrdered: number;
  quantityReceived: number;
  unitPrice: null | number;
}

/** A Multicase purchase order with its lines, as saved. */
export interface PurchaseOrder {
  purchaseOrderNumber: string;
  /** open | partly_received | received | closed (closed short, or cancelled after goods arrived) | cancelled */
  status: string;
  supplierNumber: null | string;
  supplierName: null | string;
  warehouseCode: null | string;
  /** ISO date (yyyy-mm-dd) the goods are expected */
  expectedDate: null | string;
  reference: null | string;
  note: null | string;
  /** Multicase's DeliveryTxt: receiving instructions for the warehouse */
  deliveryText: null | string;
  lines: Array<PurchaseOrderLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface PurchaseOrderChanged {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | PurchaseOrder;
}

/** A delivery address. */
export interface Address {
  name: string;
  address1: null | string;
  address2: null | string;
  address3: null | string;
  postCode: null | string;
  city: null | string;
  countryCode: string;
  email: null | string;
  phone: null | string;
}

/** Where the order's invoice goes (the customer's address unless the order says otherwise). */
export interface InvoiceAddress {
  name: string;
  address1: null | string;
  address2: null | string;
  address3: null | string;
  postCode: null | string;
  city: null | string;
  countryCode: null | string;
}

/** One line of the picking list. */
export interface ReleasedOrderLine {
  position: number;
  productNumber: string;
  quantity: number;
  unitPrice: null | number;
}

/** An order / picking list a Multicase user sent to the warehouse. */
export interface ReleasedOrder {
  pickingListNumber: string;
  orderNumber: string;
  /** sent | shipped | cancelled */
  status: string;
  customerNumber: string;
  customerName: null | string;
  /** Multicase FreightID of the order */
  shippingMethodId: number;
  /** Multicase shipping method short name */
  shippingMethodCode: null | string;
  deliveryAddress: Address;
  /** ISO date */
  deliveryDate: null | string;
  reference: null | string;
  /** the Multicase warehouse the goods leave from */
  warehouseCode: null | string;
  /** the service point the customer picks the parcel up at, for methods that need one */
  pickupPointCode: null | string;
  /** ISO 4217 code of the order */
  currency: null | string;
  /** false when the freight method has been taken out of use */
  shippingMethodActive: null | boolean;
  invoiceAddress: null | InvoiceAddress;
  /** the customer's VAT number */
  vatNumber: null | string;
  /** the customer's organisation (company registration) number */
  organisationNumber: null | string;
  /** Incoterms code, e.g. DAP */
  termsOfDelivery: null | string;
  /** what the warehouse should know about the order */
  orderRemark: null | string;
  /** to collect on delivery, in the order's currency; null: not cash on delivery */
  cashOnDeliveryAmount: null | number;
  lines: Array<ReleasedOrderLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface OrderReleased {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | ReleasedOrder;
}

/** One returned position. */
export interface ReturnOrderLine {
  position: number;
  orderLinePosition: number;
  productNumber: string;
  quantity: number;
  cause: null | string;
  /** to_stock (received in the warehouse) | scrap | repair (handled in Multicase only) */
  handling: null | string;
  quantityReceived: null | number;
}

/** A customer return registered in Multicase against delivered order lines. */
export interface ReturnOrder {
  returnNumber: string;
  orderNumber: string;
  /** registered | sent_to_warehouse | partly_received | received | closed | cancelled */
  status: string;
  reason: null | string;
  /** credit | replace */
  settlement: null | string;
  /** the warehouse that receives the goods */
  warehouseCode: null | string;
  /** the customer sending the goods back */
  customerNumber: null | string;
  customerName: null | string;
  lines: Array<ReturnOrderLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface ReturnOrderChanged {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | ReturnOrder;
}

/** Received and already reported quantities of one line. */
export interface GoodsReceiptLine {
  lineId: number;
  rowNumber: string;
  articleNumber: string;
  advisedNumberOfItems: number;
  receivedNumberOfItems: number;
  reportedNumberOfItems: number;
}

/** Goods received in the warehouse against a purchase order, or a customer return received as one (received vs reported per line). */
export interface GoodsReceipt {
  purchaseOrderId: number;
  purchaseOrderNumber: string;
  statusNumber: number;
  lastReceivedAt: null | number;
  /** true: a customer return, received on a purchase order marked as a return (advanced.purchaseOrderIsReturnType) */
  isReturn: null | boolean;
  lines: Array<GoodsReceiptLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface GoodsReceiptReceived {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | GoodsReceipt;
}

/** One parcel of the shipment. */
export interface ShippedParcel {
  /** null when the warehouse gave the parcel no number */
  parcelNumber: null | string;
  trackingUrl: null | string;
}

/** Picked and reported quantities of one line. */
export interface ShippedOrderLine {
  lineId: number;
  rowNumber: string;
  articleNumber: string;
  orderedNumberOfItems: number;
  pickedNumberOfItems: number;
  reportedNumberOfItems: number;
}

/** An outbound order the warehouse has sent, with tracking. */
export interface ShippedOrder {
  orderId: number;
  orderNumber: string;
  statusNumber: number;
  shippedAt: null | number;
  waybill: null | string;
  trackingUrl: null | string;
  transporterCode: null | string;
  transporterServiceCode: null | string;
  /** the Multicase order number the pipeline sent with the order */
  goodsOwnerOrderId: null | string;
  /** for a back order the warehouse made of another order's rest: that order's id (advanced.backOrderInfo) */
  backOrderForOrderId: null | number;
  /** the number of that order, as Ongoing has it */
  backOrderForOrderNumber: null | string;
  parcels: Array<ShippedParcel>;
  lines: Array<ShippedOrderLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface OrderShipped {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | ShippedOrder;
}

/** A stock change booked in the warehouse (a count, damage, a picking discrepancy): the signed total of one article in one Ongoing inventory, which Ongoing acknowledges as one (setReported per inventoryId and articleSystemId). */
export interface InventoryAdjustment {
  inventoryId: number;
  articleSystemId: number;
  articleNumber: string;
  /** signed change, e.g. -2: the sum of the inventory's items of this article */
  numberOfItems: number;
  /** the latest inventoryTime of those items */
  adjustedAt: null | number;
  /** Ongoing's inventoryAdjustmentCause.code, e.g. PICKDIFF */
  causeCode: null | string;
  /** Ongoing's inventoryAdjustmentCause.name */
  causeName: null | string;
  /** inventoryItemComment */
  comment: null | string;
  location: null | string;
  /** code of the Ongoing warehouse, when Ongoing names one */
  warehouse: null | string;
  /** for a picking discrepancy: the Ongoing order (Multicase picking list) it was found on, as the warehouse noted it */
  pickedOrderNumber: null | string;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface InventoryAdjusted {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | InventoryAdjustment;
}

/** Returned and already reported returned quantities of one order line. */
export interface ReturnedOrderLine {
  lineId: number;
  rowNumber: string;
  articleNumber: string;
  returnedNumberOfItems: number;
  reportedReturnedNumberOfItems: number;
  /** the return causes of the returned items, e.g. "DAMAGED Damaged" */
  returnCause: null | string;
}

/** What one return-order line says of an order line. */
export interface ReturnOrderOfOrderLine {
  orderLineId: number;
  returnedNumberOfItems: number;
  returnCause: null | string;
  comment: null | string;
}

/** A return order made against the order, for its number, cause and comment. */
export interface ReturnOrderOfOrder {
  returnOrderId: number;
  returnOrderNumber: string;
  comment: null | string;
  lines: Array<ReturnOrderOfOrderLine>;
}

/** Goods the warehouse took back against an outbound order (registered on the order itself or on a return order made against it): returned vs reported per line, the line being the one source of the quantity; the order's return orders only add their number, cause and comment. */
export interface ReturnedOrder {
  orderId: number;
  orderNumber: string;
  /** the Multicase order number the pipeline sent with the order */
  goodsOwnerOrderId: null | string;
  /** the latest return date of the returned items */
  returnedAt: null | number;
  lines: Array<ReturnedOrderLine>;
  returnOrders: Array<ReturnOrderOfOrder>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface OrderReturned {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | ReturnedOrder;
}

/** Ordered and picked quantities of one line. */
export interface ClosedOrderLine {
  lineId: number;
  rowNumber: string;
  articleNumber: string;
  orderedNumberOfItems: number;
  pickedNumberOfItems: number;
}

/** An outbound order the warehouse cancelled, or closed (sent or further) with nothing picked: nothing of it will be shipped. */
export interface ClosedOrder {
  orderId: number;
  orderNumber: string;
  statusNumber: number;
  statusText: null | string;
  /** true: at the installation's cancelled status; false: closed at another status */
  cancelled: boolean;
  /** the Multicase order number the pipeline sent with the order */
  goodsOwnerOrderId: null | string;
  lines: Array<ClosedOrderLine>;
}

/** A change event (shared envelope; `after` holds the entity state). */
export interface OrderClosed {
  /** deterministic: system:entity:key:version, the same on every replay */
  eventId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  /** when the change happened in the source, as far as it tells */
  occurredAt: number;
  /** when the source connector read it */
  capturedAt: number;
  /** the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE) */
  after: null | ClosedOrder;
}

/** Create or update an Ongoing article (PUT /articles). */
export interface ArticleUpsert {
  articleNumber: string;
  articleName: string;
  productCode: null | string;
  unitCode: null | string;
  description: null | string;
  isStockArticle: boolean;
  isActive: boolean;
  barCode: null | string;
  /** kg */
  weight: null | number;
  /** m */
  length: null | number;
  /** m */
  width: null | number;
  /** m */
  height: null | number;
  /** m3 */
  volume: null | number;
  supplierNumber: null | string;
  articleGroup: null | string;
  /** ISO 3166 two-letter code */
  countryOfOriginCode: null | string;
  /** customs tariff number (HS, CN or TARIC) */
  statisticsNumber: null | string;
  /** kg */
  netWeight: null | number;
  quantityPerPackage: null | number;
  /** the cost price, in Multicase's company currency */
  purchasePrice: null | number;
  /** what Ongoing values a unit of stock at: the cost price */
  stockValuationPrice: null | number;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface ArticleUpsertCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: ArticleUpsert;
}

/** One line; rowNumber is the Multicase position. */
export interface PurchaseOrderUpsertLine {
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
}

/** Create, update or cancel an Ongoing purchase (inbound) order. */
export interface PurchaseOrderUpsert {
  purchaseOrderNumber: string;
  /** true: cancel the purchase order in Ongoing */
  cancel: boolean;
  supplierNumber: null | string;
  supplierName: null | string;
  /** ISO date the goods are expected */
  inDate: null | string;
  referenceNumber: null | string;
  comment: null | string;
  /** true: a customer return announced as a purchase order marked as a return; the supplier is the customer sending it */
  isReturn: null | boolean;
  /** receiving instructions for the warehouse */
  purchaseOrderRemark: null | string;
  /** true: closed in Multicase with less received than ordered; the lines advise what was received, and the sink sets Ongoing's status for a finished purchase order */
  close: null | boolean;
  lines: Array<PurchaseOrderUpsertLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface PurchaseOrderUpsertCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: PurchaseOrderUpsert;
}

/** Where the order's invoice goes (the customer's address unless the order says otherwise). */
export interface ConsigneeInvoiceAddress {
  name: string;
  address1: null | string;
  address2: null | string;
  address3: null | string;
  postCode: null | string;
  city: null | string;
  countryCode: null | string;
}

/** Who receives the goods. */
export interface Consignee {
  customerNumber: string;
  name: string;
  address1: null | string;
  address2: null | string;
  address3: null | string;
  postCode: null | string;
  city: null | string;
  countryCode: string;
  email: null | string;
  mobilePhone: null | string;
  invoiceAddress: null | ConsigneeInvoiceAddress;
  vatNumber: null | string;
  organisationNumber: null | string;
}

/** One order line. */
export interface OrderUpsertLine {
  rowNumber: string;
  articleNumber: string;
  numberOfItems: number;
  linePrice: null | number;
}

/** Create, update or cancel an Ongoing outbound order (PUT /orders). */
export interface OrderUpsert {
  orderNumber: string;
  cancel: boolean;
  /** Multicase order number */
  goodsOwnerOrderId: null | string;
  deliveryDate: string;
  referenceNumber: null | string;
  wayOfDeliveryCode: null | string;
  wayOfDeliveryName: null | string;
  transporterCode: null | string;
  transporterServiceCode: null | string;
  /** pickup point of the parcel */
  servicePointCode: null | string;
  /** ISO 4217 code of the line prices */
  currency: null | string;
  consignee: Consignee;
  orderRemark: null | string;
  /** Incoterms code */
  termsOfDeliveryCode: null | string;
  termsOfDeliveryName: null | string;
  /** to collect on delivery, in the order's currency; Ongoing's REST model has no field for it, so the sink writes it into the warehouse instruction */
  cashOnDeliveryAmount: null | number;
  lines: Array<OrderUpsertLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface OrderUpsertCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: OrderUpsert;
}

/** The quantity to mark reported on one Ongoing order line. */
export interface OrderReportLine {
  lineId: number;
  reportedNumberOfItems: number;
}

/** Tell Ongoing what was reported for an outbound order (its reporting-back acknowledgement): the reported quantity per line, exactly as emitted in the shipment event. */
export interface OrderReport {
  orderNumber: string;
  ongoingOrderId: number;
  lines: Array<OrderReportLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface OrderReportCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: OrderReport;
}

/** Acknowledge an inventory adjustment in Ongoing (PATCH /inventoryAdjustments/{inventoryId}/articles/{articleSystemId}/setReported) once its event is in Kafka. */
export interface InventoryAdjustmentReport {
  inventoryId: number;
  articleSystemId: number;
  articleNumber: string;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface InventoryAdjustmentReportCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: InventoryAdjustmentReport;
}

/** The quantity to mark reported on one Ongoing line. */
export interface ReceiptReportLine {
  lineId: number;
  reportedNumberOfItems: number;
}

/** Tell Ongoing what was reported for a purchase order (its reporting-back acknowledgement): the reported quantity per line, exactly as emitted in the receipt event. */
export interface ReceiptReport {
  purchaseOrderNumber: string;
  ongoingPurchaseOrderId: number;
  lines: Array<ReceiptReportLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface ReceiptReportCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: ReceiptReport;
}

/** Total received so far on one warehouse line. */
export interface ReceiptBookingLine {
  /** the Multicase position the row number names; null when it names none */
  position: null | number;
  productNumber: string;
  totalReceived: number;
  /** Ongoing's row number of the line: the warehouse line the total is for */
  rowNumber: null | string;
}

/** Book goods received in the warehouse on an Ongoing purchase order (cumulative received quantity per warehouse line): against the Multicase purchase order of that number when the integration created it, else as an unplanned receipt. */
export interface ReceiptBooking {
  /** the Ongoing purchase order's number: the Multicase purchase order's when ours */
  purchaseOrderNumber: string;
  ongoingPurchaseOrderId: number;
  receivedAt: null | number;
  /** why the Ongoing purchase order is not one the integration created (made by hand in the warehouse, or another Ongoing id than ours): booked as an unplanned receipt with an integration exception; null: ours */
  notOurs: null | string;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
  lines: Array<ReceiptBookingLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface ReceiptBookingCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: ReceiptBooking;
}

/** Total shipped so far on one Ongoing order line. */
export interface ShipmentInvoiceLine {
  /** the picking-list position the line was sent as (its row number) */
  position: null | number;
  productNumber: string;
  totalShipped: number;
  /** Ongoing's order line: what was booked is kept per line */
  ongoingLineId: null | number;
  /** the line's row number in Ongoing, as it came */
  rowNumber: null | string;
}

/** Record a shipment: packing slip, invoice, tracking link in the order history. An order the pipeline did not create is booked as stock leaving the warehouse, with an integration exception. */
export interface ShipmentInvoice {
  /** the Multicase sales order; null for an order the pipeline did not create */
  orderNumber: null | string;
  /** the Multicase picking list; null for an order the pipeline did not create */
  pickingListNumber: null | string;
  ongoingOrderId: number;
  /** the order's number in Ongoing, where it is not the picking list's (a back order, an order the pipeline did not create) */
  ongoingOrderNumber: null | string;
  /** why the order is taken for one the pipeline did not create (no id-map entry after the grace, another Ongoing id) */
  notCreatedByPipeline: null | string;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
  shippedAt: null | number;
  carrier: null | string;
  waybill: null | string;
  trackingUrl: null | string;
  lines: Array<ShipmentInvoiceLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface ShipmentInvoiceCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: ShipmentInvoice;
}

/** Total received so far on one warehouse line. */
export interface ReturnBookingLine {
  /** the return line the row number names; null when it names none */
  position: null | number;
  productNumber: string;
  totalReceived: number;
  /** Ongoing's row number of the line: the warehouse line the total is for */
  rowNumber: null | string;
}

/** Book returned goods the warehouse received into Multicase stock (cumulative received quantity per return line); a complete return is settled. */
export interface ReturnBooking {
  returnNumber: string;
  ongoingPurchaseOrderId: number;
  receivedAt: null | number;
  /** the Ongoing purchase order's number (the return number with ONGOING_RETURN_NUMBER_PREFIX) */
  purchaseOrderNumber: null | string;
  /** why the Ongoing purchase order is not one the integration created (made by hand in the warehouse, or another Ongoing id than ours): booked as an unplanned receipt with an integration exception; null: ours */
  notOurs: null | string;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
  lines: Array<ReturnBookingLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface ReturnBookingCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: ReturnBooking;
}

/** Write an entry into a Multicase order's history: what happened to it in the warehouse that the user must see where they work (a change or cancel Ongoing refused). */
export interface OrderNote {
  /** the Multicase sales order */
  orderNumber: string;
  pickingListNumber: null | string;
  text: string;
  notedAt: number;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface OrderNoteCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: OrderNote;
}

/** Apply a stock change made in the warehouse to Multicase stock. quantityChange is the total of the Ongoing adjustment; the sink books what it has not booked for adjustmentId yet. */
export interface StockAdjustment {
  /** Ongoing's adjustment, e.g. 'inventory 123/article 45': the reference in Multicase's stock history */
  adjustmentId: string;
  productNumber: string;
  quantityChange: number;
  adjustedAt: null | number;
  /** Ongoing's cause code, e.g. PICKDIFF */
  causeCode: null | string;
  causeName: null | string;
  comment: null | string;
  /** for a picking discrepancy: the Multicase picking list (Ongoing order) it was found on */
  pickingListNumber: null | string;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface StockAdjustmentCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: StockAdjustment;
}

/** The returned quantity to mark reported on one Ongoing order line. */
export interface OrderReturnReportLine {
  lineId: number;
  reportedReturnedNumberOfItems: number;
}

/** Tell Ongoing what was reported of the returns on an outbound order (its reporting-back acknowledgement): the reported returned quantity per line, exactly as emitted in the return event. */
export interface OrderReturnReport {
  orderNumber: string;
  ongoingOrderId: number;
  lines: Array<OrderReturnReportLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface OrderReturnReportCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: OrderReturnReport;
}

/** Total returned so far on one Ongoing order line. */
export interface WarehouseReturnLine {
  ongoingLineId: number;
  /** the picking-list position the line was sent as (its row number) */
  position: null | number;
  productNumber: string;
  totalReturned: number;
  /** the return cause the warehouse gave */
  cause: null | string;
}

/** Book goods the warehouse took back against an outbound order (cumulative returned quantity per Ongoing order line): stock in, and a Multicase return the user settles (created, or one already announced linked), with an integration exception. */
export interface WarehouseReturn {
  /** the Multicase sales order; null for an order the pipeline did not create */
  orderNumber: null | string;
  /** the Multicase picking list; null for an order the pipeline did not create */
  pickingListNumber: null | string;
  ongoingOrderId: number;
  ongoingOrderNumber: string;
  /** why the order is taken for one the pipeline did not create (no id-map entry after the grace, another Ongoing id) */
  notCreatedByPipeline: null | string;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
  /** Ongoing's return orders made against the order */
  returnOrderNumbers: Array<string>;
  /** what the warehouse noted on them */
  comment: null | string;
  lines: Array<WarehouseReturnLine>;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface WarehouseReturnCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: WarehouseReturn;
}

/** The warehouse cancelled the order of a picking list, or closed it with nothing picked: the picking list is closed in Multicase, its quantities back on the back order without allocation, with an integration exception. */
export interface PickingListClosure {
  pickingListNumber: string;
  /** the Multicase sales order */
  orderNumber: null | string;
  ongoingOrderId: number;
  /** the Multicase warehouse Ongoing runs */
  warehouseCode: null | string;
  /** the order's status in Ongoing */
  statusNumber: number;
  statusText: null | string;
  /** true: cancelled in the warehouse; false: closed at another status, nothing picked */
  cancelled: boolean;
}

/** A command (shared envelope; `payload` holds what to apply). */
export interface PickingListClosureCommand {
  /** deterministic: derived from the causing event id, the same on every replay */
  commandId: string;
  /** eventId of the change event this command was derived from */
  causationId: string;
  /** the business key; also the Kafka record key */
  entityKey: string;
  issuedAt: number;
  /** capturedAt of the originating change, for end-to-end latency */
  traceOrigin: null | number;
  payload: PickingListClosure;
}

/** A Multicase business key and the id the target system gave it. */
export interface IdMapping {
  /** ongoing */
  system: string;
  /** article | purchaseOrder | order | orderLine | returnOrder */
  entityType: string;
  businessKey: string;
  externalId: string;
  updatedAt: number;
  /** hash of the last payload written, so an unchanged command is not sent again */
  contentHash: null | string;
}

/** How one Multicase shipping method is delivered by Ongoing. */
export interface ShippingMethodMapping {
  /** Multicase FreightID */
  shippingMethodId: number;
  shippingMethodCode: null | string;
  wayOfDeliveryCode: null | string;
  wayOfDeliveryName: null | string;
  transporterCode: null | string;
  transporterServiceCode: null | string;
  updatedAt: number;
}

/** A record a stage holds until setup it needs appears (a picking list whose freight method has no mapping). Tombstoned when it goes on; an entry at or below its group's committed offset is history. */
export interface HeldRecord {
  stage: string;
  topic: string;
  partition: number;
  offset: number;
  key: null | string;
  /** names the record and what it waits for */
  reason: string;
  since: number;
}

/** A source connector's position in its system. */
export interface SourceOffset {
  source: string;
  /** connector-specific, JSON */
  position: string;
  updatedAt: number;
}

/** An operator's request to a running source (Debezium's signal channel): the source with this name picks it up between two polls. The latest signal per source counts; one already carried out (its id is in the source's position) is not repeated. */
export interface SourceSignal {
  /** the source it is for, e.g. multicase.products */
  source: string;
  /** unique per request */
  signalId: string;
  /** resnapshot: send every row the source holds again, in chunks between its change reads */
  kind: string;
  requestedAt: number;
  /** who asked (user@host), for the record */
  requestedBy: null | string;
}
