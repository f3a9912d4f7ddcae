/**
 * The one catalog of topics: name, partitions, cleanup policy, what the key is and the value
 * schema. Everything that creates, produces to or consumes from a topic names it from here.
 */
import type { AvroSchema } from './avro.js';
import * as e from './entities.js';
import { changeEventSchema, commandSchema, type ChangeEvent, type Command } from './envelopes.js';
import type { TopicSpec } from './topic.js';
import type * as T from './types.generated.js';

export { dlqTopicName, valueSubject, type TopicKind, type TopicSpec, type ValueOf } from './topic.js';

const PARTITIONS = 3;

const change = <V extends ChangeEvent<unknown>>(
  name: string,
  typeName: string,
  ns: string,
  entity: AvroSchema,
  key: string,
): TopicSpec<V> => ({
  name,
  kind: 'change',
  partitions: PARTITIONS,
  compacted: false,
  key,
  schema: changeEventSchema(typeName, ns, entity),
});
const command = <V extends Command<unknown>>(
  name: string,
  typeName: string,
  payload: AvroSchema,
  key: string,
): TopicSpec<V> => ({
  name,
  kind: 'command',
  partitions: PARTITIONS,
  compacted: false,
  key,
  schema: commandSchema(typeName, 'pipeline.command', payload),
});
const state = <V>(name: string, schema: AvroSchema, key: string): TopicSpec<V> => ({
  name,
  kind: 'state',
  partitions: 1,
  compacted: true,
  key,
  schema,
});

export const topics = {
  productChanged: change<T.ProductChanged>(
    'multicase.product.changed',
    'ProductChanged',
    'pipeline.multicase',
    e.Product,
    'product number',
  ),
  purchaseOrderChanged: change<T.PurchaseOrderChanged>(
    'multicase.purchase-order.changed',
    'PurchaseOrderChanged',
    'pipeline.multicase',
    e.PurchaseOrder,
    'purchase order number',
  ),
  orderReleased: change<T.OrderReleased>(
    'multicase.order.released',
    'OrderReleased',
    'pipeline.multicase',
    e.ReleasedOrder,
    'order number',
  ),
  returnOrderChanged: change<T.ReturnOrderChanged>(
    'multicase.return-order.changed',
    'ReturnOrderChanged',
    'pipeline.multicase',
    e.ReturnOrder,
    'return number',
  ),
  goodsReceiptReceived: change<T.GoodsReceiptReceived>(
    'ongoing.goods-receipt.received',
    'GoodsReceiptReceived',
    'pipeline.ongoing',
    e.GoodsReceipt,
    'purchase order number',
  ),
  orderShipped: change<T.OrderShipped>(
    'ongoing.order.shipped',
    'OrderShipped',
    'pipeline.ongoing',
    e.ShippedOrder,
    'order number',
  ),
  inventoryAdjusted: change<T.InventoryAdjusted>(
    'ongoing.inventory.adjusted',
    'InventoryAdjusted',
    'pipeline.ongoing',
    e.InventoryAdjustment,
    'article number',
  ),
  orderReturned: change<T.OrderReturned>(
    'ongoing.order.returned',
    'OrderReturned',
    'pipeline.ongoing',
    e.ReturnedOrder,
    'order number',
  ),
  orderClosed: change<T.OrderClosed>(
    'ongoing.order.closed',
    'OrderClosed',
    'pipeline.ongoing',
    e.ClosedOrder,
    'order number',
  ),

  articleUpsert: command<T.ArticleUpsertCommand>(
    'ongoing.article.upsert',
    'ArticleUpsertCommand',
    e.ArticleUpsert,
    'article number',
  ),
  purchaseOrderUpsert: command<T.PurchaseOrderUpsertCommand>(
    'ongoing.purchase-order.upsert',
    'PurchaseOrderUpsertCommand',
    e.PurchaseOrderUpsert,
    'purchase order number',
  ),
  orderUpsert: command<T.OrderUpsertCommand>(
    'ongoing.order.upsert',
    'OrderUpsertCommand',
    e.OrderUpsert,
    'order number',
  ),
  orderReport: command<T.OrderReportCommand>(
    'ongoing.order.report',
    'OrderReportCommand',
    e.OrderReport,
    'order number',
  ),
  inventoryAdjustmentReport: command<T.InventoryAdjustmentReportCommand>(
    'ongoing.inventory-adjustment.report',
    'InventoryAdjustmentReportCommand',
    e.InventoryAdjustmentReport,
    'article number',
  ),
  receiptReport: command<T.ReceiptReportCommand>(
    'ongoing.goods-receipt.report',
    'ReceiptReportCommand',
    e.ReceiptReport,
    'purchase order number',
  ),
  receiptBook: command<T.ReceiptBookingCommand>(
    'multicase.receipt.book',
    'ReceiptBookingCommand',
    e.ReceiptBooking,
    'purchase order number',
  ),
  shipmentInvoice: command<T.ShipmentInvoiceCommand>(
    'multicase.shipment.invoice',
    'ShipmentInvoiceCommand',
    e.ShipmentInvoice,
    'order number',
  ),
  returnBook: command<T.ReturnBookingCommand>(
    'multicase.return.book',
    'ReturnBookingCommand',
    e.ReturnBooking,
    "the return's Ongoing purchase order number (the return number with its prefix)",
  ),
  orderNote: command<T.OrderNoteCommand>('multicase.order.note', 'OrderNoteCommand', e.OrderNote, 'order number'),
  stockAdjust: command<T.StockAdjustmentCommand>(
    'multicase.stock.adjust',
    'StockAdjustmentCommand',
    e.StockAdjustment,
    'product number',
  ),

  orderReturnReport: command<T.OrderReturnReportCommand>(
    'ongoing.order-return.report',
    'OrderReturnReportCommand',
    e.OrderReturnReport,
    'order number',
  ),
  warehouseReturn: command<T.WarehouseReturnCommand>(
    'multicase.warehouse-return.book',
    'WarehouseReturnCommand',
    e.WarehouseReturn,
    'order number',
  ),
  pickingListClosure: command<T.PickingListClosureCommand>(
    'multicase.picking-list.close',
    'PickingListClosureCommand',
    e.PickingListClosure,
    'order number',
  ),

  idMap: state<T.IdMapping>('state.id-map', e.IdMapping, 'system:entityType:businessKey'),
  shippingMethodMap: state<T.ShippingMethodMapping>(
    'state.shipping-method-map',
    e.ShippingMethodMapping,
    'Multicase shipping method id',
  ),
  heldRecords: state<T.HeldRecord>('state.held-records', e.HeldRecord, 'stage|topic|partition|key'),
  sourceOffsets: state<T.SourceOffset>('state.source-offsets', e.SourceOffset, 'source name'),
  sourceSignals: state<T.SourceSignal>('state.source-signals', e.SourceSignal, 'source name'),
} as const;

export type TopicName = (typeof topics)[keyof typeof topics]['name'];

export const allTopics: TopicSpec<unknown>[] = Object.values(topics);

/** Key of an entry in state.id-map. */
export const idMapKey = (system: 'ongoing', entityType: string, businessKey: string): string =>
  `${system}:${entityType}:${businessKey}`;

/**
 * A Multicase return goes to Ongoing as a purchase order marked as a return, in a key space of its
 * own: its Ongoing number carries a prefix (ONGOING_RETURN_NUMBER_PREFIX) and the id map keys it as
 * a return, never as a purchase order, so that a return can never overwrite a purchase order in
 * Ongoing or in the id map, whatever the two number series do.
 */
export const returnInOngoing = (returnNumber: string, prefix: string) => ({
  purchaseOrderNumber: `${prefix}${returnNumber}`,
  idMapKey: idMapKey('ongoing', 'return', returnNumber),
});

/** What an Ongoing purchase order's receipt is about: a Multicase return, or a purchase order of that number. */
export type ReceiptDocument =
  { kind: 'return'; returnNumber: string } | { kind: 'purchaseOrder'; purchaseOrderNumber: string };

/**
 * The one decision whether goods received on an Ongoing purchase order are a customer return
 * (flow 7) or a goods receipt (flow 3). A return when its number carries the prefix and the id map
 * knows that return (the integration sent it), or when Ongoing marks the purchase order as a return
 * (`isReturn` true; null means Ongoing did not say, which is no answer either way). Otherwise a
 * purchase order, whether or not the integration created it.
 */
export function receiptDocument(
  ongoingNumber: string,
  isReturn: boolean | null,
  knownReturn: (returnNumber: string) => boolean,
  prefix: string,
): ReceiptDocument {
  const prefixed = prefix !== '' && ongoingNumber.startsWith(prefix) && ongoingNumber.length > prefix.length;
  const returnNumber = prefixed ? ongoingNumber.slice(prefix.length) : ongoingNumber;
  if ((prefixed && knownReturn(returnNumber)) || isReturn === true) return { kind: 'return', returnNumber };
  return { kind: 'purchaseOrder', purchaseOrderNumber: ongoingNumber };
}
