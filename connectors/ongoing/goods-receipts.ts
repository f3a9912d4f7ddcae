/**
 * Source connector for Ongoing WMS, using Ongoing's "reporting back" pattern instead of a clock:
 * every line holds a reported quantity; we ask for the records whose actual quantity differs from
 * it, emit an event with the cumulative quantities, and only once that event is acknowledged by
 * Kafka write the reported quantity back, line by line, to exactly the value we emitted (never
 * "reported := received", which would swallow goods received in between). A crash between the
 * Kafka write and the acknowledgement makes the same event appear again, never a lost one; its id
 * is derived from the quantities, so it is the same event id too.
 */
import { topics } from '../../schemas/catalog.js';
import type { GoodsReceiptReceived } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi, OngoingPurchaseOrder } from './api/client.js';

export const ongoingSourceSettings = {
  goodsReceiptIntervalMs: setting.int('ONGOING_GOODS_RECEIPT_POLL_MS', { default: 30_000, min: 100, description: 'how often Ongoing is asked for goods receipts to report' }),
  pageSize: setting.int('ONGOING_SOURCE_PAGE_SIZE', { default: 100, min: 1, max: 1000, description: 'records per page when reading Ongoing' }),
};

/** Stateless apart from bookkeeping: what is still to report lives in Ongoing itself. */
export interface ReportingPosition {
  /** When the last receipt was read, for `ops status`. */
  lastReceiptAt: number | null;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

export function purchaseOrderToReceiptEvent(po: OngoingPurchaseOrder, capturedAt: number): SourceEvent<GoodsReceiptReceived> {
  const info = po.purchaseOrderInfo;
  const key = info.purchaseOrderNumber?.trim();
  if (!key) throw new ValidationError(`Ongoing purchase order id ${info.purchaseOrderId}`, 'purchaseOrderNumber', 'is missing');
  const lines = po.purchaseOrderLines.map((l, i) => {
    if (!l.article?.articleNumber) throw new ValidationError(`Ongoing purchase order ${key}`, `purchaseOrderLines[${i}].article.articleNumber`, 'is missing');
    return {
      lineId: l.id,
      rowNumber: l.rowNumber,
      articleNumber: l.article.articleNumber,
      advisedNumberOfItems: l.advisedNumberOfItems,
      receivedNumberOfItems: l.receivedNumberOfItems,
      reportedNumberOfItems: l.reportedNumberOfItems ?? 0,
    };
  });
  const receivedTimes = po.purchaseOrderLines.flatMap((l) => l.articleItems.map((a) => time(a.inDate))).filter((t): t is number => t !== null && !Number.isNaN(t));
  const version = lines.map((l) => `${l.lineId}=${l.receivedNumberOfItems}`).join(',');
  const lastReceivedAt = receivedTimes.length ? Math.max(...receivedTimes) : null;
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
      after: { purchaseOrderId: info.purchaseOrderId, purchaseOrderNumber: key, statusNumber: info.purchaseOrderStatus.number, lastReceivedAt, lines },
    },
  };
}

export function goodsReceiptSource(api: OngoingApi, cfg: { goodsReceiptIntervalMs: number; pageSize: number }): SourceConnector<ReportingPosition> {
  return {
    name: 'ongoing.goods-receipts',
    initialPosition: { lastReceiptAt: null },
    intervalMs: cfg.goodsReceiptIntervalMs,
    async poll(position): Promise<PollResult<ReportingPosition>> {
      const capturedAt = Date.now();
      const toReport = await api.getAllPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true }, cfg.pageSize);
      const events: SourceEvent[] = [];
      const rejected: RejectedRow[] = [];
      const acks: Array<() => Promise<unknown>> = [];
      for (const po of toReport) {
        try {
          events.push(purchaseOrderToReceiptEvent(po, capturedAt) as SourceEvent);
        } catch (error) {
          rejected.push({ topic: topics.goodsReceiptReceived as RejectedRow['topic'], key: po.purchaseOrderInfo.purchaseOrderNumber ?? null, row: po, error });
        }
        // Rejected ones are acknowledged too: they are safe in the DLQ and would come back forever.
        for (const line of po.purchaseOrderLines) {
          if (line.receivedNumberOfItems !== (line.reportedNumberOfItems ?? 0)) {
            acks.push(() => api.setPurchaseOrderLineReported(po.purchaseOrderInfo.purchaseOrderId, line.id, line.receivedNumberOfItems));
          }
        }
      }
      return {
        events,
        rejected,
        next: toReport.length > 0 ? { lastReceiptAt: capturedAt } : position,
        acknowledge: async () => {
          for (const ack of acks) await ack();
        },
      };
    },
  };
}
