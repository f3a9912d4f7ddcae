/** Multicase change entities: what the Multicase source reads, as `after` of its change events. */
import { arrayOf, field, optional, record } from '../avro.js';
import { addressLines, invoiceAddress } from './address.js';

const MC = 'pipeline.multicase';

export const Product = record(
  'Product',
  MC,
  'A Multicase product (article master data); service items have isService = true.',
  [
    field('productId', 'long'),
    field('productNumber', 'string'),
    field('description', 'string'),
    optional('description2', 'string'),
    optional('ean', 'string'),
    optional('unit', 'string'),
    optional('weightKg', 'double'),
    optional('lengthCm', 'double'),
    optional('widthCm', 'double'),
    optional('heightCm', 'double'),
    optional('volumeDm3', 'double'),
    field('isService', 'boolean'),
    field('isActive', 'boolean'),
    field('isDeleted', 'boolean'),
    optional('supplierNumber', 'string'),
    optional('productGroup', 'string'),
    optional('countryOfOrigin', 'string', 'ISO 3166 two-letter code of the country the goods were made in'),
    optional('customsCode', 'string', 'customs tariff number (HS, CN or TARIC)'),
    optional('netWeightKg', 'double'),
    optional('unitsPerPackage', 'int', "Multicase's UnitsPerPackage"),
    optional(
      'costPrice',
      'double',
      "Multicase's SupplierCostPrice, in the company's currency: what stock is valued at",
    ),
  ],
);

export const PurchaseOrder = record('PurchaseOrder', MC, 'A Multicase purchase order with its lines, as saved.', [
  field('purchaseOrderNumber', 'string'),
  field(
    'status',
    'string',
    'open | partly_received | received | closed (closed short, or cancelled after goods arrived) | cancelled',
  ),
  optional('supplierNumber', 'string'),
  optional('supplierName', 'string'),
  optional('warehouseCode', 'string'),
  optional('expectedDate', 'string', 'ISO date (yyyy-mm-dd) the goods are expected'),
  optional('reference', 'string'),
  optional('note', 'string'),
  optional('deliveryText', 'string', "Multicase's DeliveryTxt: receiving instructions for the warehouse"),
  field(
    'lines',
    arrayOf(
      record('PurchaseOrderLine', MC, 'One position of a purchase order.', [
        field('position', 'int'),
        field('productNumber', 'string'),
        field('quantityOrdered', 'double'),
        field('quantityReceived', 'double'),
        optional('unitPrice', 'double'),
      ]),
    ),
  ),
]);

const Address = record('Address', MC, 'A delivery address.', [
  ...addressLines(),
  field('countryCode', 'string'),
  optional('email', 'string'),
  optional('phone', 'string'),
]);

export const ReleasedOrder = record(
  'ReleasedOrder',
  MC,
  'An order / picking list a Multicase user sent to the warehouse.',
  [
    field('pickingListNumber', 'string'),
    field('orderNumber', 'string'),
    field('status', 'string', 'sent | shipped | cancelled'),
    field('customerNumber', 'string'),
    optional('customerName', 'string'),
    field('shippingMethodId', 'long', 'Multicase FreightID of the order'),
    optional('shippingMethodCode', 'string', 'Multicase shipping method short name'),
    field('deliveryAddress', Address),
    optional('deliveryDate', 'string', 'ISO date'),
    optional('reference', 'string'),
    optional('warehouseCode', 'string', 'the Multicase warehouse the goods leave from'),
    optional(
      'pickupPointCode',
      'string',
      'the service point the customer picks the parcel up at, for methods that need one',
    ),
    optional('currency', 'string', 'ISO 4217 code of the order'),
    optional('shippingMethodActive', 'boolean', 'false when the freight method has been taken out of use'),
    optional('invoiceAddress', invoiceAddress('InvoiceAddress', MC)),
    optional('vatNumber', 'string', "the customer's VAT number"),
    optional('organisationNumber', 'string', "the customer's organisation (company registration) number"),
    optional('termsOfDelivery', 'string', 'Incoterms code, e.g. DAP'),
    optional('orderRemark', 'string', 'what the warehouse should know about the order'),
    optional(
      'cashOnDeliveryAmount',
      'double',
      "to collect on delivery, in the order's currency; null: not cash on delivery",
    ),
    field(
      'lines',
      arrayOf(
        record('ReleasedOrderLine', MC, 'One line of the picking list.', [
          field('position', 'int'),
          field('productNumber', 'string'),
          field('quantity', 'double'),
          optional('unitPrice', 'double'),
        ]),
      ),
    ),
  ],
);

export const ReturnOrder = record(
  'ReturnOrder',
  MC,
  'A customer return registered in Multicase against delivered order lines.',
  [
    field('returnNumber', 'string'),
    field('orderNumber', 'string'),
    field('status', 'string', 'registered | sent_to_warehouse | partly_received | received | closed | cancelled'),
    optional('reason', 'string'),
    optional('settlement', 'string', 'credit | replace'),
    optional('warehouseCode', 'string', 'the warehouse that receives the goods'),
    optional('customerNumber', 'string', 'the customer sending the goods back'),
    optional('customerName', 'string'),
    field(
      'lines',
      arrayOf(
        record('ReturnOrderLine', MC, 'One returned position.', [
          field('position', 'int'),
          field('orderLinePosition', 'int'),
          field('productNumber', 'string'),
          field('quantity', 'double'),
          optional('cause', 'string'),
          optional(
            'handling',
            'string',
            'to_stock (received in the warehouse) | scrap | repair (handled in Multicase only)',
          ),
          optional('quantityReceived', 'double'),
        ]),
      ),
    ),
  ],
);
