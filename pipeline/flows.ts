/**
 * The eight flows of the integration, one entry each: where its changes are read (source), how
 * they become commands (mapping), where the commands are applied (sink), how what was read is
 * acknowledged in Ongoing (reporting back), and the topics between. Everything that lists flows
 * or stages derives from this table: the composition root (`main.ts`), the ops CLI's stage list
 * (`ops/stages.ts`), `npm run ops -- flows`, the README's flow table (checked by a test), the
 * console's flow picture and the dashboard. Adding a flow: its source, mapping and sink files,
 * plus one entry here.
 */
import type { Knex } from 'knex';
import { topics } from '../schemas/catalog.js';
import type { TopicSpec } from '../schemas/topic.js';
import type { Runtime } from '../runtime/runtime.js';
import type { SourceConnector } from '../runtime/source.js';
import type { RunningStage } from '../runtime/stage.js';
import type { Table } from '../runtime/table.js';
import type { IdMapping } from '../schemas/types.generated.js';
import { productReader } from '../connectors/multicase/products.js';
import { pickingListReader } from '../connectors/multicase/picking-lists.js';
import { purchaseOrderReader } from '../connectors/multicase/purchase-orders.js';
import { returnReader } from '../connectors/multicase/returns.js';
import type { OngoingApi } from '../connectors/ongoing/api/client.js';
import { goodsReceiptSource } from '../connectors/ongoing/goods-receipts.js';
import { inventoryAdjustmentSource } from '../connectors/ongoing/inventory-adjustments.js';
import { orderClosingSource } from '../connectors/ongoing/order-closings.js';
import { orderReturnSource } from '../connectors/ongoing/order-returns.js';
import { shipmentSource } from '../connectors/ongoing/shipments.js';
import { goodsReceiptToBookingProcessor } from '../processors/goods-receipt-to-booking.js';
import { inventoryAdjustmentToStockProcessor } from '../processors/inventory-adjustment-to-stock.js';
import { closedOrderToClosureProcessor } from '../processors/order-closed-to-closure.js';
import { orderReturnToBookingProcessor } from '../processors/order-return-to-booking.js';
import { pickingListToOrderProcessor } from '../processors/picking-list-to-order.js';
import { shipmentToInvoiceProcessor } from '../processors/shipment-to-invoice.js';
import type { Lookups, ProcessorSpec } from '../processors/processor.js';
import { productToArticleProcessor } from '../processors/product-to-article.js';
import { purchaseOrderToInboundProcessor } from '../processors/purchase-order-to-inbound.js';
import { returnReceiptToBookingProcessor } from '../processors/return-receipt-to-booking.js';
import { returnToInboundProcessor } from '../processors/return-to-inbound.js';
import { receiptBookingHandler } from '../sinks/multicase/receipt-booking.js';
import { returnBookingHandler } from '../sinks/multicase/return-booking.js';
import { orderNoteHandler } from '../sinks/multicase/order-note.js';
import { shipmentInvoiceHandler } from '../sinks/multicase/shipment-invoice.js';
import { pickingListClosureHandler } from '../sinks/multicase/picking-list-closure.js';
import { warehouseReturnHandler } from '../sinks/multicase/warehouse-return.js';
import { stockAdjustmentHandler } from '../sinks/multicase/stock-adjustment.js';
import { articleUpsertHandler } from '../sinks/ongoing/article-upsert.js';
import { inventoryAdjustmentReportHandler } from '../sinks/ongoing/inventory-adjustment-report.js';
import { orderReportHandler } from '../sinks/ongoing/order-report.js';
import { orderReturnReportHandler } from '../sinks/ongoing/order-return-report.js';
import { orderUpsertHandler } from '../sinks/ongoing/order-upsert.js';
import { purchaseOrderUpsertHandler } from '../sinks/ongoing/purchase-order-upsert.js';
import { receiptReportHandler } from '../sinks/ongoing/receipt-report.js';
import { mapping, multicaseTable, multicaseWrite, ongoingSource, ongoingWrite, reportBack } from './flow-steps.js';
import type { PipelineConfig } from './settings.js';

/** The processes a deployment runs; each step belongs to one. */
export const ROLES = ['source-multicase', 'source-ongoing', 'processors', 'sink-ongoing', 'sink-multicase'] as const;
export type Role = (typeof ROLES)[number];

/** What the composition root hands a step: connections and tables, opened once per process on first use. */
export interface FlowContext {
  readonly rt: Runtime;
  readonly cfg: PipelineConfig;
  readonly ongoing: OngoingApi;
  multicaseDb(): Knex;
  idMap(): Promise<Table<IdMapping>>;
  lookups(): Promise<Lookups>;
}

export interface SourceStep {
  readonly role: 'source-multicase' | 'source-ongoing';
  /** The source's name, also the key of its position. */
  readonly name: string;
  readonly output: TopicSpec<unknown>;
  /** The file that reads the system, for people. */
  readonly where: string;
  connector(ctx: FlowContext): SourceConnector<unknown>;
}

export interface MappingStep {
  readonly role: 'processors';
  readonly spec: ProcessorSpec;
  readonly where: string;
}

export interface SinkStep {
  readonly role: 'sink-ongoing' | 'sink-multicase';
  /** The stage's name, also its consumer group. */
  readonly name: string;
  readonly input: TopicSpec<unknown>;
  /** What it does in the target system. */
  readonly effect: string;
  readonly where: string;
  start(ctx: FlowContext): Promise<RunningStage>;
}

/**
 * Reporting back: how an Ongoing source acknowledges in Ongoing what it read, so Ongoing stops
 * offering it. Once the source's events and position are in Kafka (never before) it emits a command
 * on `topic`; the Ongoing sink stage `sink` applies it with `call`, as it does every Ongoing write.
 */
export interface ReportBackStep {
  /** The Ongoing source whose events are acknowledged; it emits the command. */
  readonly source: string;
  readonly topic: TopicSpec<unknown>;
  /** The Ongoing call that acknowledges. */
  readonly call: string;
  readonly sink: SinkStep;
}

export interface Flow {
  readonly number: number;
  readonly name: string;
  readonly direction: 'Multicase → Ongoing' | 'Ongoing → Multicase' | 'both';
  readonly sources: readonly SourceStep[];
  readonly mappings: readonly MappingStep[];
  readonly sinks: readonly SinkStep[];
  readonly reportsBack?: ReportBackStep;
  /** A flow that is a step of another flow's mapping: which flow, the file, and the state it reads. */
  readonly builtInto?: {
    readonly flow: number;
    readonly where: string;
    readonly reads: TopicSpec<unknown>;
    readonly editedWith: string;
  };
}

export const flows: readonly Flow[] = [
  {
    number: 1,
    name: 'master data',
    direction: 'Multicase → Ongoing',
    sources: [multicaseTable(productReader, 'connectors/multicase/products.ts', (c) => c.productIntervalMs)],
    mappings: [mapping(productToArticleProcessor, 'processors/product-to-article.ts')],
    sinks: [ongoingWrite(articleUpsertHandler, 'PUT /articles', 'sinks/ongoing/article-upsert.ts')],
  },
  {
    number: 2,
    name: 'purchase orders',
    direction: 'Multicase → Ongoing',
    sources: [
      multicaseTable(
        purchaseOrderReader,
        'connectors/multicase/purchase-orders.ts',
        (c) => c.purchaseOrderIntervalMs,
        true,
      ),
    ],
    mappings: [mapping(purchaseOrderToInboundProcessor, 'processors/purchase-order-to-inbound.ts')],
    sinks: [
      ongoingWrite(
        purchaseOrderUpsertHandler,
        'PUT /purchaseOrders, close short or cancel',
        'sinks/ongoing/purchase-order-upsert.ts',
      ),
    ],
  },
  {
    number: 3,
    name: 'goods receipts',
    direction: 'Ongoing → Multicase',
    sources: [
      ongoingSource(
        'ongoing.goods-receipts',
        topics.goodsReceiptReceived,
        'connectors/ongoing/goods-receipts.ts',
        (ctx) => goodsReceiptSource(ctx.ongoing, ctx.cfg),
      ),
    ],
    mappings: [mapping(goodsReceiptToBookingProcessor, 'processors/goods-receipt-to-booking.ts')],
    sinks: [
      multicaseWrite(
        receiptBookingHandler,
        'stock, stock history and PO lines; what the PO cannot take, or a PO not ours, as an integration exception',
        'sinks/multicase/receipt-booking.ts',
      ),
    ],
    reportsBack: reportBack(
      'ongoing.goods-receipts',
      receiptReportHandler,
      'PATCH …/lines/{id}/reportedNumberOfItems',
      'sinks/ongoing/receipt-report.ts',
    ),
  },
  {
    number: 4,
    name: 'orders / picking lists',
    direction: 'Multicase → Ongoing',
    sources: [
      multicaseTable(pickingListReader, 'connectors/multicase/picking-lists.ts', (c) => c.pickingListIntervalMs, true),
    ],
    mappings: [mapping(pickingListToOrderProcessor, 'processors/picking-list-to-order.ts')],
    sinks: [
      ongoingWrite(orderUpsertHandler, 'PUT /orders, or cancel', 'sinks/ongoing/order-upsert.ts'),
      multicaseWrite(
        orderNoteHandler,
        "a change or cancel Ongoing refused, into the order's history",
        'sinks/multicase/order-note.ts',
      ),
    ],
  },
  {
    number: 5,
    name: 'shipping-method translation',
    direction: 'Multicase → Ongoing',
    sources: [],
    mappings: [],
    sinks: [],
    builtInto: {
      flow: 4,
      where: 'processors/picking-list-to-order.ts',
      reads: topics.shippingMethodMap,
      editedWith: 'npm run ops -- shipping-map',
    },
  },
  {
    number: 6,
    name: 'shipment & invoicing',
    direction: 'Ongoing → Multicase',
    sources: [
      ongoingSource('ongoing.shipments', topics.orderShipped, 'connectors/ongoing/shipments.ts', (ctx) =>
        shipmentSource(ctx.ongoing, ctx.cfg),
      ),
      ongoingSource('ongoing.order-closings', topics.orderClosed, 'connectors/ongoing/order-closings.ts', (ctx) =>
        orderClosingSource(ctx.ongoing, ctx.cfg),
      ),
    ],
    mappings: [
      mapping(shipmentToInvoiceProcessor, 'processors/shipment-to-invoice.ts'),
      mapping(closedOrderToClosureProcessor, 'processors/order-closed-to-closure.ts'),
    ],
    sinks: [
      multicaseWrite(
        shipmentInvoiceHandler,
        'packing slip, stock, invoice, tracking link in the order history',
        'sinks/multicase/shipment-invoice.ts',
      ),
      multicaseWrite(
        pickingListClosureHandler,
        'a picking list whose order the warehouse cancelled or closed unpicked: closed, its allocation released',
        'sinks/multicase/picking-list-closure.ts',
      ),
    ],
    reportsBack: reportBack(
      'ongoing.shipments',
      orderReportHandler,
      'PATCH …/orders/{id}/lines/{id}/reportedNumberOfItems',
      'sinks/ongoing/order-report.ts',
    ),
  },
  {
    number: 7,
    name: 'returns & credit notes',
    direction: 'both',
    // To Ongoing through flow 2's purchase-order sink (a receipt marked as a return); back through
    // flow 3's goods-receipt source, whose events carry the return marker (and are reported back there).
    // Returns the warehouse takes back on an outbound order come from a source of their own.
    sources: [
      multicaseTable(returnReader, 'connectors/multicase/returns.ts', (c) => c.returnIntervalMs, true),
      ongoingSource('ongoing.order-returns', topics.orderReturned, 'connectors/ongoing/order-returns.ts', (ctx) =>
        orderReturnSource(ctx.ongoing, ctx.cfg),
      ),
    ],
    mappings: [
      mapping(returnToInboundProcessor, 'processors/return-to-inbound.ts'),
      mapping(returnReceiptToBookingProcessor, 'processors/return-receipt-to-booking.ts'),
      mapping(orderReturnToBookingProcessor, 'processors/order-return-to-booking.ts'),
    ],
    sinks: [
      multicaseWrite(
        returnBookingHandler,
        'stock and stock history naming the return; a complete return settled with a credit note for what was announced; more as an integration exception',
        'sinks/multicase/return-booking.ts',
      ),
      multicaseWrite(
        warehouseReturnHandler,
        'a return the warehouse took back itself: stock, and a return to settle',
        'sinks/multicase/warehouse-return.ts',
      ),
    ],
    reportsBack: reportBack(
      'ongoing.order-returns',
      orderReturnReportHandler,
      'PATCH …/orders/{id}/lines/{id}/reportedReturnedNumberOfItems',
      'sinks/ongoing/order-return-report.ts',
    ),
  },
  {
    number: 8,
    name: 'inventory adjustments',
    direction: 'Ongoing → Multicase',
    sources: [
      ongoingSource(
        'ongoing.inventory-adjustments',
        topics.inventoryAdjusted,
        'connectors/ongoing/inventory-adjustments.ts',
        (ctx) => inventoryAdjustmentSource(ctx.ongoing, ctx.cfg),
      ),
    ],
    mappings: [mapping(inventoryAdjustmentToStockProcessor, 'processors/inventory-adjustment-to-stock.ts')],
    sinks: [
      multicaseWrite(
        stockAdjustmentHandler,
        'stock and stock history; a fall in full, releasing allocation; what Multicase cannot take as an integration exception',
        'sinks/multicase/stock-adjustment.ts',
      ),
    ],
    reportsBack: reportBack(
      'ongoing.inventory-adjustments',
      inventoryAdjustmentReportHandler,
      'PATCH /inventoryAdjustments/{id}/articles/{id}/setReported',
      'sinks/ongoing/inventory-adjustment-report.ts',
    ),
  },
];

/** Every consumer group the flows run, with the topic it reads and the role that runs it. */
export interface StageOfFlow {
  readonly group: string;
  readonly topic: string;
  readonly role: Role;
}

/** Every sink stage a flow runs: its sinks, then the one that reports back to Ongoing. */
export const sinkStagesOf = (flow: Flow): SinkStep[] => [
  ...flow.sinks,
  ...(flow.reportsBack ? [flow.reportsBack.sink] : []),
];

export const flowStages = (table: readonly Flow[] = flows): StageOfFlow[] =>
  table.flatMap((f) => [
    ...f.mappings.map((m) => ({ group: m.spec.name, topic: m.spec.input.name, role: m.role })),
    ...sinkStagesOf(f).map((s) => ({ group: s.name, topic: s.input.name, role: s.role })),
  ]);
