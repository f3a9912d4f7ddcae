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
  optional(
    'backOrderForOrderId',
    'long',
    "for a back order the warehouse made of another order's rest: that order's id (advanced.backOrderInfo)",
  ),
  optional('backOrderForOrderNumber', 'string', 'the number of that order, as Ongoing has it'),
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

export const ReturnedOrder = record(
  'ReturnedOrder',
  ON,
  "Goods the warehouse took back against an outbound order (registered on the order itself or on a return order made against it): returned vs reported per line, the line being the one source of the quantity; the order's return orders only add their number, cause and comment.",
  [
    field('orderId', 'long'),
    field('orderNumber', 'string'),
    optional('goodsOwnerOrderId', 'string', 'the Multicase order number the pipeline sent with the order'),
    optional('returnedAt', timestampMillis, 'the latest return date of the returned items'),
    field(
      'lines',
      arrayOf(
        record('ReturnedOrderLine', ON, 'Returned and already reported returned quantities of one order line.', [
          field('lineId', 'long'),
          field('rowNumber', 'string'),
          field('articleNumber', 'string'),
          field('returnedNumberOfItems', 'double'),
          field('reportedReturnedNumberOfItems', 'double'),
          optional('returnCause', 'string', 'the return causes of the returned items, e.g. "DAMAGED Damaged"'),
        ]),
      ),
    ),
    field(
      'returnOrders',
      arrayOf(
        record('ReturnOrderOfOrder', ON, 'A return order made against the order, for its number, cause and comment.', [
          field('returnOrderId', 'long'),
          field('returnOrderNumber', 'string'),
          optional('comment', 'string'),
          field(
            'lines',
            arrayOf(
              record('ReturnOrderOfOrderLine', ON, 'What one return-order line says of an order line.', [
                field('orderLineId', 'long'),
                field('returnedNumberOfItems', 'double'),
                optional('returnCause', 'string'),
                optional('comment', 'string'),
              ]),
            ),
          ),
        ]),
      ),
    ),
  ],
);

export const ClosedOrder = record(
  'ClosedOrder',
  ON,
  'An outbound order the warehouse cancelled, or closed (sent or further) with nothing picked: nothing of it will be shipped.',
  [
    field('orderId', 'long'),
    field('orderNumber', 'string'),
    field('statusNumber', 'int'),
    optional('statusText', 'string'),
    field('cancelled', 'boolean', "true: at the installation's cancelled status; false: closed at another status"),
    optional('goodsOwnerOrderId', 'string', 'the Multicase order number the pipeline sent with the order'),
    field(
      'lines',
      arrayOf(
        record('ClosedOrderLine', ON, 'Ordered and picked quantities of one line.', [
          field('lineId', 'long'),
          field('rowNumber', 'string'),
          field('articleNumber', 'string'),
          field('orderedNumberOfItems', 'double'),
          field('pickedNumberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);
