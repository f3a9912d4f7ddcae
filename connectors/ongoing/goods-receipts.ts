/**
 * Flow 3's source: goods received in Ongoing against purchase orders, read by reporting back
 * (reporting-back.ts) on purchase-order lines. Customer returns (flow 7) arrive the same way, on
 * purchase orders marked as a return (`advanced.purchaseOrderIsReturnType`); the event carries
 * the marker (`isReturn`) and the two flows' mappings each take their own.
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { GoodsReceiptReceived, ReceiptReport, ReceiptReportCommand } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi, OngoingPurchaseOrder } from './api/client.js';
import { latestOngoingTime } from './api/times.js';
import { reportingBackSource, type ReportingPosition } from './reporting-back.js';
import { returnMarker } from './return-receipts.js';

export type { ReportingPosition } from './reporting-back.js';

export const ongoingSourceSettings = {
  goodsReceiptIntervalMs: setting.int('ONGOING_GOODS_RECEIPT_POLL_MS', {
    default: 30_000,
    min: 100,
    description: 'how often Ongoing is asked for goods receipts to report',
  }),
  pageSize: setting.int('ONGOING_SOURCE_PAGE_SIZE', {
    default: 100,
    min: 1,
    max: 1000,
    description: 'records per page when reading Ongoing',
  }),
};

const linesOf = (po: OngoingPurchaseOrder) => po.purchaseOrderLines ?? [];

/** What a purchase order's lines hold now: received and reported per line. */
function versionOf(po: OngoingPurchaseOrder): string {
  // Received and reported together: a quantity that returns to an earlier value (10, corrected to
  // 8, recounted to 10) is a new event, because what was reported before it differs; a repeat of
  // an event that was never acknowledged has the same reported quantities, so the same id.
  return linesOf(po)
    .map((l) => `${l.id}=${l.receivedNumberOfItems ?? 0}/${l.reportedNumberOfItems ?? 0}`)
    .join(',');
}

export function purchaseOrderToReceiptEvent(
  po: OngoingPurchaseOrder,
  capturedAt: number,
): SourceEvent<GoodsReceiptReceived> {
  const info = po.purchaseOrderInfo;
  const key = info.purchaseOrderNumber?.trim();
  if (!key)
    throw new ValidationError(`Ongoing purchase order id ${info.purchaseOrderId}`, 'purchaseOrderNumber', 'is missing');
  const record = `Ongoing purchase order ${key}`;
  const statusNumber = info.purchaseOrderStatus?.number;
  if (typeof statusNumber !== 'number')
    throw new ValidationError(record, 'purchaseOrderInfo.purchaseOrderStatus.number', 'is missing');
  const lines = linesOf(po).map((l, i) => {
    const articleNumber = l.article?.articleNumber?.trim();
    if (!articleNumber)
      throw new ValidationError(record, `purchaseOrderLines[${i}].article.articleNumber`, 'is missing');
    const rowNumber = l.rowNumber?.trim();
    if (!rowNumber) throw new ValidationError(record, `purchaseOrderLines[${i}].rowNumber`, 'is missing');
    return {
      lineId: l.id,
      rowNumber,
      articleNumber,
      advisedNumberOfItems: l.advisedNumberOfItems ?? 0,
      receivedNumberOfItems: l.receivedNumberOfItems ?? 0,
      reportedNumberOfItems: l.reportedNumberOfItems ?? 0,
    };
  });
  const version = versionOf(po);
  const lastReceivedAt = latestOngoingTime(linesOf(po).flatMap((l) => (l.articleItems ?? []).map((a) => a.inDate)));
  return {
    topic: topics.goodsReceiptReceived,
    key,
    value: {
      eventId: `ongoing:goods-receipt:${info.purchaseOrderId}:${version}`,
      entityKey: key,
      operation: 'UPDATE',
      source: { system: 'ongoing', entity: 'purchase-order', position: version },
      occurredAt: lastReceivedAt ?? capturedAt,
      capturedAt,
      after: {
        purchaseOrderId: info.purchaseOrderId,
        purchaseOrderNumber: key,
        statusNumber,
        lastReceivedAt,
        isReturn: returnMarker(po),
        lines,
      },
    },
  };
}

/** The acknowledgement of a receipt event: report exactly the received quantities it carried, line by line. */
export function reportOf(event: GoodsReceiptReceived): SourceEvent<ReceiptReportCommand> {
  const r = event.after!;
  const lines = r.lines
    .filter((l) => l.receivedNumberOfItems !== l.reportedNumberOfItems)
    .map((l) => ({ lineId: l.lineId, reportedNumberOfItems: l.receivedNumberOfItems }));
  const payload: ReceiptReport = {
    purchaseOrderNumber: r.purchaseOrderNumber,
    ongoingPurchaseOrderId: r.purchaseOrderId,
    lines,
  };
  return {
    topic: topics.receiptReport,
    key: event.entityKey,
    value: commandFrom(event, topics.receiptReport, payload),
  };
}

export function goodsReceiptSource(
  api: OngoingApi,
  cfg: { goodsReceiptIntervalMs: number; pageSize: number },
): SourceConnector<ReportingPosition> {
  return reportingBackSource<OngoingPurchaseOrder>({
    name: 'ongoing.goods-receipts',
    intervalMs: cfg.goodsReceiptIntervalMs,
    topic: topics.goodsReceiptReceived as TopicSpec<unknown>,
    toReport: () => api.getAllPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true }, cfg.pageSize),
    idOf: (po) => po.purchaseOrderInfo.purchaseOrderId,
    keyOf: (po) => po.purchaseOrderInfo.purchaseOrderNumber ?? null,
    toEvent: (po, capturedAt) => purchaseOrderToReceiptEvent(po, capturedAt) as SourceEvent,
    reportOf: (event) => reportOf((event as SourceEvent<GoodsReceiptReceived>).value) as SourceEvent,
  });
}
