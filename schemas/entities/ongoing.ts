/** Ongoing change entities: what the Ongoing sources read, as `after` of their change events. */
import { arrayOf, field, optional, record, timestampMillis } from '../avro.js';

const ON = 'pipeline.ongoing';

export const GoodsReceipt = record(
  'GoodsReceipt',
  ON,
  'Goods received in the warehouse against a purchase order, or a customer return received as one (received vs reported per line).',
  [
    field('purchaseOrderId', 'long'),
    field('purchaseOrderNumber', 'string'),
    field('statusNumber', 'int'),
    optional('lastReceivedAt', timestampMillis),
    optional(
      'isReturn',
      'boolean',
      'true: a customer return, received on a purchase order marked as a return (advanced.purchaseOrderIsReturnType)',
    ),
    field(
      'lines',
      arrayOf(
        record('GoodsReceiptLine', ON, 'Received and already reported quantities of one line.', [
          field('lineId', 'long'),
          field('rowNumber', 'string'),
          field('articleNumber', 'string'),
          field('advisedNumberOfItems', 'double'),
          field('receivedNumberOfItems', 'double'),
          field('reportedNumberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);

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
  field(
    'parcels',
    arrayOf(
      record('ShippedParcel', ON, 'One parcel of the shipment.', [
        optional('parcelNumber', 'string', 'null when the warehouse gave the parcel no number'),
        optional('trackingUrl', 'string'),
      ]),
    ),
  ),
  field(
    'lines',
    arrayOf(
      record('ShippedOrderLine', ON, 'Picked and reported quantities of one line.', [
        field('lineId', 'long'),
        field('rowNumber', 'string'),
        field('articleNumber', 'string'),
        field('orderedNumberOfItems', 'double'),
        field('pickedNumberOfItems', 'double'),
        field('reportedNumberOfItems', 'double'),
      ]),
    ),
  ),
]);

export const InventoryAdjustment = record(
  'InventoryAdjustment',
  ON,
  'A stock change booked in the warehouse (a count, damage, a picking discrepancy): the signed total of one article in one Ongoing inventory, which Ongoing acknowledges as one (setReported per inventoryId and articleSystemId).',
  [
    field('inventoryId', 'long'),
    field('articleSystemId', 'long'),
    field('articleNumber', 'string'),
    field('numberOfItems', 'double', "signed change, e.g. -2: the sum of the inventory's items of this article"),
    optional('adjustedAt', timestampMillis, 'the latest inventoryTime of those items'),
    optional('causeCode', 'string', "Ongoing's inventoryAdjustmentCause.code, e.g. PICKDIFF"),
    optional('causeName', 'string', "Ongoing's inventoryAdjustmentCause.name"),
    optional('comment', 'string', 'inventoryItemComment'),
    optional('location', 'string'),
    optional('warehouse', 'string', 'code of the Ongoing warehouse, when Ongoing names one'),
    optional(
      'pickedOrderNumber',
      'string',
      'for a picking discrepancy: the Ongoing order (Multicase picking list) it was found on, as the warehouse noted it',
    ),
  ],
);
