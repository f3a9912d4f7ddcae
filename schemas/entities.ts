/**
 * The entity states that change events carry and the payloads that commands carry. Each is wrapped
 * by an envelope in envelopes.ts; the topic catalog (catalog.ts) pairs them with topics. Adding a
 * field: make it `optional(...)` so the registry's BACKWARD check accepts the new version.
 */
import { arrayOf, field, optional, record, timestampMillis } from './avro.js';

const MC = 'pipeline.multicase';
const ON = 'pipeline.ongoing';
const CMD = 'pipeline.command';
const ST = 'pipeline.state';

// ---------------------------------------------------------------- Multicase change entities

export const Product = record('Product', MC, 'A Multicase product (article master data); service items have isService = true.', [
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
]);

export const PurchaseOrder = record('PurchaseOrder', MC, 'A Multicase purchase order with its lines, as saved.', [
  field('purchaseOrderNumber', 'string'),
  field('status', 'string', "open | partly_received | received | cancelled"),
  optional('supplierNumber', 'string'),
  optional('supplierName', 'string'),
  optional('warehouseCode', 'string'),
  optional('expectedDate', 'string', 'ISO date (yyyy-mm-dd) the goods are expected'),
  optional('reference', 'string'),
  optional('note', 'string'),
  field('lines', arrayOf(record('PurchaseOrderLine', MC, 'One position of a purchase order.', [
    field('position', 'int'),
    field('productNumber', 'string'),
    field('quantityOrdered', 'double'),
    field('quantityReceived', 'double'),
    optional('unitPrice', 'double'),
  ]))),
]);

const Address = record('Address', MC, 'A delivery address.', [
  field('name', 'string'),
  optional('address1', 'string'),
  optional('address2', 'string'),
  optional('address3', 'string'),
  optional('postCode', 'string'),
  optional('city', 'string'),
  field('countryCode', 'string'),
  optional('email', 'string'),
  optional('phone', 'string'),
]);

export const ReleasedOrder = record('ReleasedOrder', MC, 'An order / picking list a Multicase user sent to the warehouse.', [
  field('pickingListNumber', 'string'),
  field('orderNumber', 'string'),
  field('status', 'string', 'sent | shipped | cancelled'),
  field('customerNumber', 'string'),
  optional('customerName', 'string'),
  field('shippingMethodId', 'long', 'Multicase FreightID of the order'),
  optional('shippingMethodCode', 'string', "Multicase shipping method short name"),
  field('deliveryAddress', Address),
  optional('deliveryDate', 'string', 'ISO date'),
  optional('reference', 'string'),
  field('lines', arrayOf(record('ReleasedOrderLine', MC, 'One line of the picking list.', [
    field('position', 'int'),
    field('productNumber', 'string'),
    field('quantity', 'double'),
    optional('unitPrice', 'double'),
  ]))),
]);

export const ReturnOrder = record('ReturnOrder', MC, 'A return registered in Multicase against a sales order.', [
  field('returnNumber', 'string'),
  field('orderNumber', 'string'),
  field('status', 'string', 'registered | sent_to_warehouse | received | credited | cancelled'),
  optional('reason', 'string'),
  field('lines', arrayOf(record('ReturnOrderLine', MC, 'One returned position.', [
    field('position', 'int'),
    field('orderLinePosition', 'int'),
    field('productNumber', 'string'),
    field('quantity', 'double'),
    optional('cause', 'string'),
  ]))),
]);

// ---------------------------------------------------------------- Ongoing change entities

export const GoodsReceipt = record('GoodsReceipt', ON, 'Goods received in the warehouse against a purchase order (received vs reported per line).', [
  field('purchaseOrderId', 'long'),
  field('purchaseOrderNumber', 'string'),
  field('statusNumber', 'int'),
  optional('lastReceivedAt', timestampMillis),
  field('lines', arrayOf(record('GoodsReceiptLine', ON, 'Received and already reported quantities of one line.', [
    field('lineId', 'long'),
    field('rowNumber', 'string'),
    field('articleNumber', 'string'),
    field('advisedNumberOfItems', 'double'),
    field('receivedNumberOfItems', 'double'),
    field('reportedNumberOfItems', 'double'),
  ]))),
]);

export const ShippedOrder = record('ShippedOrder', ON, 'An outbound order the warehouse has sent, with tracking.', [
  field('orderId', 'long'),
  field('orderNumber', 'string'),
  field('statusNumber', 'int'),
  optional('shippedAt', timestampMillis),
  optional('waybill', 'string'),
  optional('trackingUrl', 'string'),
  optional('transporterCode', 'string'),
  optional('transporterServiceCode', 'string'),
  field('parcels', arrayOf(record('ShippedParcel', ON, 'One parcel of the shipment.', [
    field('parcelNumber', 'string'),
    optional('trackingUrl', 'string'),
  ]))),
  field('lines', arrayOf(record('ShippedOrderLine', ON, 'Picked and reported quantities of one line.', [
    field('lineId', 'long'),
    field('rowNumber', 'string'),
    field('articleNumber', 'string'),
    field('orderedNumberOfItems', 'double'),
    field('pickedNumberOfItems', 'double'),
    field('reportedNumberOfItems', 'double'),
  ]))),
]);

export const ReceivedReturn = record('ReceivedReturn', ON, 'A return order whose goods the warehouse received.', [
  field('returnOrderId', 'long'),
  field('returnOrderNumber', 'string'),
  optional('orderNumber', 'string'),
  field('statusNumber', 'int'),
  field('lines', arrayOf(record('ReceivedReturnLine', ON, 'Returned quantity of one line.', [
    field('rowNumber', 'string'),
    field('articleNumber', 'string'),
    field('toBeReturnedNumberOfItems', 'double'),
    field('returnedNumberOfItems', 'double'),
    optional('returnCause', 'string'),
  ]))),
]);

export const InventoryAdjustment = record('InventoryAdjustment', ON, 'A stock correction made in the warehouse (signed change).', [
  field('inventoryId', 'long'),
  field('articleSystemId', 'long'),
  field('articleNumber', 'string'),
  field('numberOfItems', 'double', 'signed change, e.g. -2'),
  field('adjustedAt', timestampMillis),
  optional('cause', 'string'),
  optional('comment', 'string'),
  optional('warehouse', 'string'),
]);

// ---------------------------------------------------------------- commands to Ongoing

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
]);

export const PurchaseOrderUpsert = record('PurchaseOrderUpsert', CMD, 'Create, update or cancel an Ongoing purchase (inbound) order.', [
  field('purchaseOrderNumber', 'string'),
  field('cancel', 'boolean', 'true: cancel the purchase order in Ongoing'),
  optional('supplierNumber', 'string'),
  optional('supplierName', 'string'),
  optional('inDate', 'string', 'ISO date the goods are expected'),
  optional('referenceNumber', 'string'),
  optional('comment', 'string'),
  field('lines', arrayOf(record('PurchaseOrderUpsertLine', CMD, 'One line; rowNumber is the Multicase position.', [
    field('rowNumber', 'string'),
    field('articleNumber', 'string'),
    field('numberOfItems', 'double'),
  ]))),
]);

export const OrderUpsert = record('OrderUpsert', CMD, 'Create, update or cancel an Ongoing outbound order (PUT /orders).', [
  field('orderNumber', 'string'),
  field('cancel', 'boolean'),
  optional('goodsOwnerOrderId', 'string', 'Multicase order number'),
  field('deliveryDate', 'string'),
  optional('referenceNumber', 'string'),
  optional('wayOfDeliveryCode', 'string'),
  optional('wayOfDeliveryName', 'string'),
  optional('transporterCode', 'string'),
  optional('transporterServiceCode', 'string'),
  field('consignee', record('Consignee', CMD, 'Who receives the goods.', [
    field('customerNumber', 'string'),
    field('name', 'string'),
    optional('address1', 'string'),
    optional('address2', 'string'),
    optional('address3', 'string'),
    optional('postCode', 'string'),
    optional('city', 'string'),
    field('countryCode', 'string'),
    optional('email', 'string'),
    optional('mobilePhone', 'string'),
  ])),
  field('lines', arrayOf(record('OrderUpsertLine', CMD, 'One order line.', [
    field('rowNumber', 'string'),
    field('articleNumber', 'string'),
    field('numberOfItems', 'double'),
    optional('linePrice', 'double'),
  ]))),
]);

export const ReturnOrderUpsert = record('ReturnOrderUpsert', CMD, 'Announce a return to Ongoing (PUT /returnOrders) against the original order.', [
  field('returnOrderNumber', 'string'),
  field('orderId', 'long', "Ongoing's id of the original order"),
  optional('comment', 'string'),
  field('lines', arrayOf(record('ReturnOrderUpsertLine', CMD, 'One announced return line.', [
    field('returnOrderRowNumber', 'string'),
    field('orderLineId', 'long', "Ongoing's id of the original order line"),
    field('toBeReturnedNumberOfItems', 'double'),
    optional('returnCauseCode', 'string'),
  ]))),
]);

// ---------------------------------------------------------------- commands to Multicase

export const ReceiptBooking = record('ReceiptBooking', CMD, 'Book goods received against a Multicase purchase order (cumulative received quantity per line).', [
  field('purchaseOrderNumber', 'string'),
  field('ongoingPurchaseOrderId', 'long'),
  optional('receivedAt', timestampMillis),
  field('lines', arrayOf(record('ReceiptBookingLine', CMD, 'Total received so far for one position.', [
    field('position', 'int'),
    field('productNumber', 'string'),
    field('totalReceived', 'double'),
  ]))),
]);

export const ShipmentInvoice = record('ShipmentInvoice', CMD, 'Record a shipment: packing slip, invoice, tracking link in the order history.', [
  field('orderNumber', 'string'),
  field('pickingListNumber', 'string'),
  field('ongoingOrderId', 'long'),
  optional('shippedAt', timestampMillis),
  optional('carrier', 'string'),
  optional('waybill', 'string'),
  optional('trackingUrl', 'string'),
  field('lines', arrayOf(record('ShipmentInvoiceLine', CMD, 'Total shipped so far for one position.', [
    field('position', 'int'),
    field('productNumber', 'string'),
    field('totalShipped', 'double'),
  ]))),
]);

export const ReturnCredit = record('ReturnCredit', CMD, 'Book received returned goods into stock and credit them where needed.', [
  field('returnNumber', 'string'),
  field('orderNumber', 'string'),
  field('lines', arrayOf(record('ReturnCreditLine', CMD, 'Total returned so far for one return position.', [
    field('position', 'int'),
    field('productNumber', 'string'),
    field('totalReturned', 'double'),
    optional('cause', 'string'),
  ]))),
]);

export const StockAdjustment = record('StockAdjustment', CMD, 'Apply a stock change made in the warehouse to Multicase stock.', [
  field('adjustmentId', 'string', 'inventoryId:articleSystemId in Ongoing'),
  field('productNumber', 'string'),
  field('quantityChange', 'double'),
  field('adjustedAt', timestampMillis),
  optional('cause', 'string'),
  optional('warehouseCode', 'string'),
]);

// ---------------------------------------------------------------- state

export const IdMapping = record('IdMapping', ST, 'A Multicase business key and the id the target system gave it.', [
  field('system', 'string', 'ongoing'),
  field('entityType', 'string', 'article | purchaseOrder | order | orderLine | returnOrder'),
  field('businessKey', 'string'),
  field('externalId', 'string'),
  field('updatedAt', timestampMillis),
  optional('contentHash', 'string', 'hash of the last payload written, so an unchanged command is not sent again'),
]);

export const ShippingMethodMapping = record('ShippingMethodMapping', ST, 'How one Multicase shipping method is delivered by Ongoing.', [
  field('shippingMethodId', 'long', 'Multicase FreightID'),
  optional('shippingMethodCode', 'string'),
  optional('wayOfDeliveryCode', 'string'),
  optional('wayOfDeliveryName', 'string'),
  optional('transporterCode', 'string'),
  optional('transporterServiceCode', 'string'),
  field('updatedAt', timestampMillis),
]);

export const SourceOffset = record('SourceOffset', ST, "A source connector's position in its system.", [
  field('source', 'string'),
  field('position', 'string', 'connector-specific, JSON'),
  field('updatedAt', timestampMillis),
]);
