/**
 * Source connector for Ongoing WMS, using Ongoing's "reporting back" pattern instead of a clock:
 * every line holds a reported quantity; we ask for the records whose actual quantity differs from
 * it, emit an event with the cumulative quantities, and only once that event is acknowledged by
 * Kafka emit the command that writes the reported quantity back, line by line, to exactly the
 * value we emitted (never "reported := received", which would swallow goods received in between).
 * The Ongoing sink carries that command out, so every write to Ongoing goes through the one
 * process that holds the goods owner's write lease. Until it has, the same receipt is read and
 * emitted again, with the same event id (derived from the quantities), never lost.
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { GoodsReceiptReceived, ReceiptReport, ReceiptReportCommand } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi, OngoingPurchaseOrder } from './api/client.js';

export const ongoingSourceSettings = {
  goodsReceiptIntervalMs: setting.int('ONGOING_GOODS_RECEIPT_POLL_MS', { default: 30_000, min: 100, description: 'how often Ongoing is asked for goods receipts to report' }),
  pageSize: setting.int('ONGOING_SOURCE_PAGE_SIZE', { default: 100, min: 1, max: 1000, description: 'records per page when reading Ongoing' }),
};

/** What is still to report lives in Ongoing itself; the position only remembers what was dead-lettered. */
export interface ReportingPosition {
  /** When the last receipt was read, for `ops status`. */
  lastReceiptAt: number | null;
  /**
   * Receipts that cannot become events, by Ongoing purchase order id: the version that was
   * dead-lettered. They are never acknowledged in Ongoing, so they are read again at every poll
   * (and flow once Ongoing's data or this connector is fixed); this keeps them from being
   * dead-lettered again until they change.
   */
  deadLettered?: Record<string, string>;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
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

export function purchaseOrderToReceiptEvent(po: OngoingPurchaseOrder, capturedAt: number): SourceEvent<GoodsReceiptReceived> {
  const info = po.purchaseOrderInfo;
  const key = info.purchaseOrderNumber?.trim();
  if (!key) throw new ValidationError(`Ongoing purchase order id ${info.purchaseOrderId}`, 'purchaseOrderNumber', 'is missing');
  const record = `Ongoing purchase order ${key}`;
  const statusNumber = info.purchaseOrderStatus?.number;
  if (typeof statusNumber !== 'number') throw new ValidationError(record, 'purchaseOrderInfo.purchaseOrderStatus.number', 'is missing');
  const lines = linesOf(po).map((l, i) => {
    const articleNumber = l.article?.articleNumber?.trim();
    if (!articleNumber) throw new ValidationError(record, `purchaseOrderLines[${i}].article.articleNumber`, 'is missing');
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
  const receivedTimes = linesOf(po)
    .flatMap((l) => (l.articleItems ?? []).map((a) => time(a.inDate)))
    .filter((t): t is number => t !== null && !Number.isNaN(t));
  const version = versionOf(po);
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
      after: { purchaseOrderId: info.purchaseOrderId, purchaseOrderNumber: key, statusNumber, lastReceivedAt, lines },
    },
  };
}

/** The acknowledgement of a receipt event: report exactly the received quantities it carried, line by line. */
export function reportOf(event: GoodsReceiptReceived): SourceEvent<ReceiptReportCommand> {
  const r = event.after!;
  const lines = r.lines.filter((l) => l.receivedNumberOfItems !== l.reportedNumberOfItems).map((l) => ({ lineId: l.lineId, reportedNumberOfItems: l.receivedNumberOfItems }));
  const payload: ReceiptReport = { purchaseOrderNumber: r.purchaseOrderNumber, ongoingPurchaseOrderId: r.purchaseOrderId, lines };
  return { topic: topics.receiptReport, key: event.entityKey, value: commandFrom(event, topics.receiptReport, payload) };
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
      const followUps: SourceEvent[] = [];
      const deadLettered: Record<string, string> = {};
      for (const po of toReport) {
        const id = String(po.purchaseOrderInfo.purchaseOrderId);
        try {
          const event = purchaseOrderToReceiptEvent(po, capturedAt);
          events.push(event as SourceEvent);
          followUps.push(reportOf(event.value) as SourceEvent);
        } catch (error) {
          // Never acknowledged: the receipt stays to report in Ongoing, so nothing is lost. It is
          // dead-lettered (as a record of what was seen) once per version, not at every poll.
          const version = versionOf(po);
          deadLettered[id] = version;
          if (position.deadLettered?.[id] !== version) {
            rejected.push({ topic: topics.goodsReceiptReceived as RejectedRow['topic'], key: po.purchaseOrderInfo.purchaseOrderNumber ?? null, row: po, error });
          }
        }
      }
      const next: ReportingPosition = {
        lastReceiptAt: events.length > 0 ? capturedAt : position.lastReceiptAt,
        ...(Object.keys(deadLettered).length > 0 ? { deadLettered } : {}),
      };
      return { events, rejected, next, followUps };
    },
  };
}
