/** Command payloads: what the sinks apply, to Ongoing first, then to Multicase. */
import { arrayOf, field, optional, record, timestampMillis } from '../avro.js';
import { addressLines, invoiceAddress } from './address.js';

const CMD = 'pipeline.command';

export const ArticleUpsert = record('ArticleUpsert', CMD, 'Create or update an Ongoing article (PUT /articles).', [
  field('articleNumber', 'string'),
  field('articleName', 'string'),
  optional('productCode', 'string'),
  optional('unitCode', 'string'),
  optional('description', 'string'),
  field('isStockArticle', 'boolean'),
  field('isActive', 'boolean'),
  optional('barCode', 'string'),
  optional('weight', 'double', 'kg'),
  optional('length', 'double', 'm'),
  optional('width', 'double', 'm'),
  optional('height', 'double', 'm'),
  optional('volume', 'double', 'm3'),
  optional('supplierNumber', 'string'),
  optional('articleGroup', 'string'),
  optional('countryOfOriginCode', 'string', 'ISO 3166 two-letter code'),
  optional('statisticsNumber', 'string', 'customs tariff number (HS, CN or TARIC)'),
  optional('netWeight', 'double', 'kg'),
  optional('quantityPerPackage', 'int'),
  optional('purchasePrice', 'double', "the cost price, in Multicase's company currency"),
  optional('stockValuationPrice', 'double', 'what Ongoing values a unit of stock at: the cost price'),
]);

export const PurchaseOrderUpsert = record(
  'PurchaseOrderUpsert',
  CMD,
  'Create, update or cancel an Ongoing purchase (inbound) order.',
  [
    field('purchaseOrderNumber', 'string'),
    field('cancel', 'boolean', 'true: cancel the purchase order in Ongoing'),
    optional('supplierNumber', 'string'),
    optional('supplierName', 'string'),
    optional('inDate', 'string', 'ISO date the goods are expected'),
    optional('referenceNumber', 'string'),
    optional('comment', 'string'),
    optional(
      'isReturn',
      'boolean',
      'true: a customer return announced as a purchase order marked as a return; the supplier is the customer sending it',
    ),
    optional('purchaseOrderRemark', 'string', 'receiving instructions for the warehouse'),
    optional(
      'close',
      'boolean',
      "true: closed in Multicase with less received than ordered; the lines advise what was received, and the sink sets Ongoing's status for a finished purchase order",
    ),
    field(
      'lines',
      arrayOf(
        record('PurchaseOrderUpsertLine', CMD, 'One line; rowNumber is the Multicase position.', [
          field('rowNumber', 'string'),
          field('articleNumber', 'string'),
          field('numberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);

export const OrderUpsert = record(
  'OrderUpsert',
  CMD,
  'Create, update or cancel an Ongoing outbound order (PUT /orders).',
  [
    field('orderNumber', 'string'),
    field('cancel', 'boolean'),
    optional('goodsOwnerOrderId', 'string', 'Multicase order number'),
    field('deliveryDate', 'string'),
    optional('referenceNumber', 'string'),
    optional('wayOfDeliveryCode', 'string'),
    optional('wayOfDeliveryName', 'string'),
    optional('transporterCode', 'string'),
    optional('transporterServiceCode', 'string'),
    optional('servicePointCode', 'string', 'pickup point of the parcel'),
    optional('currency', 'string', 'ISO 4217 code of the line prices'),
    field(
      'consignee',
      record('Consignee', CMD, 'Who receives the goods.', [
        field('customerNumber', 'string'),
        ...addressLines(),
        field('countryCode', 'string'),
        optional('email', 'string'),
        optional('mobilePhone', 'string'),
        optional('invoiceAddress', invoiceAddress('ConsigneeInvoiceAddress', CMD)),
        optional('vatNumber', 'string'),
        optional('organisationNumber', 'string'),
      ]),
    ),
    optional('orderRemark', 'string'),
    optional('termsOfDeliveryCode', 'string', 'Incoterms code'),
    optional('termsOfDeliveryName', 'string'),
    optional(
      'cashOnDeliveryAmount',
      'double',
      "to collect on delivery, in the order's currency; Ongoing's REST model has no field for it, so the sink writes it into the warehouse instruction",
    ),
    field(
      'lines',
      arrayOf(
        record('OrderUpsertLine', CMD, 'One order line.', [
          field('rowNumber', 'string'),
          field('articleNumber', 'string'),
          field('numberOfItems', 'double'),
          optional('linePrice', 'double'),
        ]),
      ),
    ),
  ],
);

const NOT_OURS =
  'why the Ongoing purchase order is not one the integration created (made by hand in the warehouse, or another Ongoing id than ours): booked as an unplanned receipt with an integration exception; null: ours';

export const ReceiptBooking = record(
  'ReceiptBooking',
  CMD,
  'Book goods received in the warehouse on an Ongoing purchase order (cumulative received quantity per warehouse line): against the Multicase purchase order of that number when the integration created it, else as an unplanned receipt.',
  [
    field(
      'purchaseOrderNumber',
      'string',
      "the Ongoing purchase order's number: the Multicase purchase order's when ours",
    ),
    field('ongoingPurchaseOrderId', 'long'),
    optional('receivedAt', timestampMillis),
    optional('notOurs', 'string', NOT_OURS),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
    field(
      'lines',
      arrayOf(
        record('ReceiptBookingLine', CMD, 'Total received so far on one warehouse line.', [
          optional('position', 'int', 'the Multicase position the row number names; null when it names none'),
          field('productNumber', 'string'),
          field('totalReceived', 'double'),
          optional('rowNumber', 'string', "Ongoing's row number of the line: the warehouse line the total is for"),
        ]),
      ),
    ),
  ],
);

export const ReceiptReport = record(
  'ReceiptReport',
  CMD,
  'Tell Ongoing what was reported for a purchase order (its reporting-back acknowledgement): the reported quantity per line, exactly as emitted in the receipt event.',
  [
    field('purchaseOrderNumber', 'string'),
    field('ongoingPurchaseOrderId', 'long'),
    field(
      'lines',
      arrayOf(
        record('ReceiptReportLine', CMD, 'The quantity to mark reported on one Ongoing line.', [
          field('lineId', 'long'),
          field('reportedNumberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);

export const OrderReport = record(
  'OrderReport',
  CMD,
  'Tell Ongoing what was reported for an outbound order (its reporting-back acknowledgement): the reported quantity per line, exactly as emitted in the shipment event.',
  [
    field('orderNumber', 'string'),
    field('ongoingOrderId', 'long'),
    field(
      'lines',
      arrayOf(
        record('OrderReportLine', CMD, 'The quantity to mark reported on one Ongoing order line.', [
          field('lineId', 'long'),
          field('reportedNumberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);

export const ReturnBooking = record(
  'ReturnBooking',
  CMD,
  'Book returned goods the warehouse received into Multicase stock (cumulative received quantity per return line); a complete return is settled.',
  [
    field('returnNumber', 'string'),
    field('ongoingPurchaseOrderId', 'long'),
    optional('receivedAt', timestampMillis),
    optional(
      'purchaseOrderNumber',
      'string',
      "the Ongoing purchase order's number (the return number with ONGOING_RETURN_NUMBER_PREFIX)",
    ),
    optional('notOurs', 'string', NOT_OURS),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
    field(
      'lines',
      arrayOf(
        record('ReturnBookingLine', CMD, 'Total received so far on one warehouse line.', [
          optional('position', 'int', 'the return line the row number names; null when it names none'),
          field('productNumber', 'string'),
          field('totalReceived', 'double'),
          optional('rowNumber', 'string', "Ongoing's row number of the line: the warehouse line the total is for"),
        ]),
      ),
    ),
  ],
);

export const ShipmentInvoice = record(
  'ShipmentInvoice',
  CMD,
  'Record a shipment: packing slip, invoice, tracking link in the order history. An order the pipeline did not create is booked as stock leaving the warehouse, with an integration exception.',
  [
    optional('orderNumber', 'string', 'the Multicase sales order; null for an order the pipeline did not create'),
    optional(
      'pickingListNumber',
      'string',
      'the Multicase picking list; null for an order the pipeline did not create',
    ),
    field('ongoingOrderId', 'long'),
    optional(
      'ongoingOrderNumber',
      'string',
      "the order's number in Ongoing, where it is not the picking list's (a back order, an order the pipeline did not create)",
    ),
    optional(
      'notCreatedByPipeline',
      'string',
      'why the order is taken for one the pipeline did not create (no id-map entry after the grace, another Ongoing id)',
    ),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
    optional('shippedAt', timestampMillis),
    optional('carrier', 'string'),
    optional('waybill', 'string'),
    optional('trackingUrl', 'string'),
    field(
      'lines',
      arrayOf(
        record('ShipmentInvoiceLine', CMD, 'Total shipped so far on one Ongoing order line.', [
          optional('position', 'int', 'the picking-list position the line was sent as (its row number)'),
          field('productNumber', 'string'),
          field('totalShipped', 'double'),
          optional('ongoingLineId', 'long', "Ongoing's order line: what was booked is kept per line"),
          optional('rowNumber', 'string', "the line's row number in Ongoing, as it came"),
        ]),
      ),
    ),
  ],
);

export const OrderNote = record(
  'OrderNote',
  CMD,
  "Write an entry into a Multicase order's history: what happened to it in the warehouse that the user must see where they work (a change or cancel Ongoing refused).",
  [
    field('orderNumber', 'string', 'the Multicase sales order'),
    optional('pickingListNumber', 'string'),
    field('text', 'string'),
    field('notedAt', timestampMillis),
  ],
);

export const StockAdjustment = record(
  'StockAdjustment',
  CMD,
  'Apply a stock change made in the warehouse to Multicase stock. quantityChange is the total of the Ongoing adjustment; the sink books what it has not booked for adjustmentId yet.',
  [
    field(
      'adjustmentId',
      'string',
      "Ongoing's adjustment, e.g. 'inventory 123/article 45': the reference in Multicase's stock history",
    ),
    field('productNumber', 'string'),
    field('quantityChange', 'double'),
    optional('adjustedAt', timestampMillis),
    optional('causeCode', 'string', "Ongoing's cause code, e.g. PICKDIFF"),
    optional('causeName', 'string'),
    optional('comment', 'string'),
    optional(
      'pickingListNumber',
      'string',
      'for a picking discrepancy: the Multicase picking list (Ongoing order) it was found on',
    ),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
  ],
);

export const InventoryAdjustmentReport = record(
  'InventoryAdjustmentReport',
  CMD,
  'Acknowledge an inventory adjustment in Ongoing (PATCH /inventoryAdjustments/{inventoryId}/articles/{articleSystemId}/setReported) once its event is in Kafka.',
  [field('inventoryId', 'long'), field('articleSystemId', 'long'), field('articleNumber', 'string')],
);
