/**
 * Command payloads for what the warehouse decides on its own about outbound orders: returns it
 * registers itself, orders it cancels or closes with nothing picked, and the acknowledgement of
 * returns in Ongoing (reporting back).
 */
import { arrayOf, field, optional, record } from '../avro.js';

const CMD = 'pipeline.command';

export const WarehouseReturn = record(
  'WarehouseReturn',
  CMD,
  'Book goods the warehouse took back against an outbound order (cumulative returned quantity per Ongoing order line): stock in, and a Multicase return the user settles (created, or one already announced linked), with an integration exception.',
  [
    optional('orderNumber', 'string', 'the Multicase sales order; null for an order the pipeline did not create'),
    optional(
      'pickingListNumber',
      'string',
      'the Multicase picking list; null for an order the pipeline did not create',
    ),
    field('ongoingOrderId', 'long'),
    field('ongoingOrderNumber', 'string'),
    optional(
      'notCreatedByPipeline',
      'string',
      'why the order is taken for one the pipeline did not create (no id-map entry after the grace, another Ongoing id)',
    ),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
    field('returnOrderNumbers', arrayOf('string'), "Ongoing's return orders made against the order"),
    optional('comment', 'string', 'what the warehouse noted on them'),
    field(
      'lines',
      arrayOf(
        record('WarehouseReturnLine', CMD, 'Total returned so far on one Ongoing order line.', [
          field('ongoingLineId', 'long'),
          optional('position', 'int', 'the picking-list position the line was sent as (its row number)'),
          field('productNumber', 'string'),
          field('totalReturned', 'double'),
          optional('cause', 'string', 'the return cause the warehouse gave'),
        ]),
      ),
    ),
  ],
);

export const OrderReturnReport = record(
  'OrderReturnReport',
  CMD,
  'Tell Ongoing what was reported of the returns on an outbound order (its reporting-back acknowledgement): the reported returned quantity per line, exactly as emitted in the return event.',
  [
    field('orderNumber', 'string'),
    field('ongoingOrderId', 'long'),
    field(
      'lines',
      arrayOf(
        record('OrderReturnReportLine', CMD, 'The returned quantity to mark reported on one Ongoing order line.', [
          field('lineId', 'long'),
          field('reportedReturnedNumberOfItems', 'double'),
        ]),
      ),
    ),
  ],
);

export const PickingListClosure = record(
  'PickingListClosure',
  CMD,
  'The warehouse cancelled the order of a picking list, or closed it with nothing picked: the picking list is closed in Multicase, its quantities back on the back order without allocation, with an integration exception.',
  [
    field('pickingListNumber', 'string'),
    optional('orderNumber', 'string', 'the Multicase sales order'),
    field('ongoingOrderId', 'long'),
    optional('warehouseCode', 'string', 'the Multicase warehouse Ongoing runs'),
    field('statusNumber', 'int', "the order's status in Ongoing"),
    optional('statusText', 'string'),
    field('cancelled', 'boolean', 'true: cancelled in the warehouse; false: closed at another status, nothing picked'),
  ],
);
