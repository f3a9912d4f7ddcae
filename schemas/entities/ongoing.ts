/** Ongoing change entities: what the Ongoing sources read, as `after` of their change events. */
import { arrayOf, field, optional, record, timestampMillis } from '../avro.js';

const ON = 'pipeline.ongoing';

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
  optional('goodsOwnerOrderId', 'string', 'the Multicase order number the pipeline sent with the order'),
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
