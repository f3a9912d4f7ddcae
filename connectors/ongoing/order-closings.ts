/**
 * Flow 6's second source: outbound orders the warehouse cancelled, or closed (sent or further)
 * with nothing picked. Such an order never shows among the lines to report (nothing was picked),
 * so it is read by its status change time instead: every poll asks for orders from the "sent"
 * status on whose status changed since the last poll, reaching back an overlap against the two
 * clocks disagreeing; an order seen in the overlap again is not emitted twice (its event id is
 * remembered for as long as the overlap reaches), and would change nothing twice downstream
 * anyway (commands are applied once). An order with anything picked is left to the shipment
 * source, which books what was picked and hands the rest back. The first poll reaches back the
 * overlap only: what the warehouse closed before the pipeline ever ran is not read.
 */
import { topics } from '../../schemas/catalog.js';
import type { OrderClosed } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { OngoingApi, OngoingOrder } from './api/client.js';

export const orderClosingSourceSettings = {
  cancelledStatus: setting.int('ONGOING_ORDER_CANCELLED_STATUS', {
    default: 1000,
    min: 1,
    description:
      "the installation's order status number for cancelled (GET /orders/statuses); an order the warehouse moves there with nothing picked cancels its picking list in Multicase",
  }),
  statusChangeOverlapMs: setting.int('ONGOING_STATUS_CHANGE_OVERLAP_MS', {
    default: 600_000,
    min: 0,
    description:
      "how far each read of orders by status change time reaches back behind the previous one, against Ongoing's clock and the pipeline's disagreeing",
  }),
};

export interface ClosingPosition {
  /** When the last poll started (the pipeline's clock); null before the first. */
  since: number | null;
  /** Event ids emitted within the overlap, with when: not emitted again. */
  emitted: Record<string, number>;
}

const linesOf = (o: OngoingOrder) => o.orderLines ?? [];

/** Nothing of it will ship: cancelled, or at or past sent with nothing picked. */
export function isClosedUnpicked(o: OngoingOrder, sentStatus: number): boolean {
  const status = o.orderInfo.orderStatus?.number;
  return typeof status === 'number' && status >= sentStatus && linesOf(o).every((l) => !l.pickedNumberOfItems);
}

const closedEventId = (o: OngoingOrder) =>
  `ongoing:order-closed:${o.orderInfo.orderId}:${o.orderInfo.orderStatus.number}`;

export function orderToClosedEvent(
  o: OngoingOrder,
  cancelledStatus: number,
  capturedAt: number,
): SourceEvent<OrderClosed> {
  const info = o.orderInfo;
  const key = info.orderNumber?.trim();
  if (!key) throw new ValidationError(`Ongoing order id ${info.orderId}`, 'orderNumber', 'is missing');
  const record = `Ongoing order ${key}`;
  const statusNumber = info.orderStatus.number;
  const lines = linesOf(o).map((l, i) => {
    const articleNumber = l.article?.articleNumber?.trim();
    if (!articleNumber) throw new ValidationError(record, `orderLines[${i}].article.articleNumber`, 'is missing');
    return {
      lineId: l.id,
      rowNumber: l.rowNumber ?? '',
      articleNumber,
      orderedNumberOfItems: l.orderedNumberOfItems ?? 0,
      pickedNumberOfItems: l.pickedNumberOfItems ?? 0,
    };
  });
  return {
    topic: topics.orderClosed,
    key,
    value: {
      eventId: closedEventId(o),
      entityKey: key,
      operation: 'UPDATE',
      source: { system: 'ongoing', entity: 'order', position: `status=${statusNumber}` },
      occurredAt: capturedAt,
      capturedAt,
      after: {
        orderId: info.orderId,
        orderNumber: key,
        statusNumber,
        statusText: info.orderStatus.text ?? null,
        cancelled: statusNumber === cancelledStatus,
        goodsOwnerOrderId: info.goodsOwnerOrderId ?? null,
        lines,
      },
    },
  };
}

export function orderClosingSource(
  api: OngoingApi,
  cfg: {
    shipmentIntervalMs: number;
    sentStatus: number;
    cancelledStatus: number;
    statusChangeOverlapMs: number;
    pageSize: number;
  },
): SourceConnector<ClosingPosition> {
  return {
    name: 'ongoing.order-closings',
    initialPosition: { since: null, emitted: {} },
    intervalMs: cfg.shipmentIntervalMs,
    async poll(position): Promise<PollResult<ClosingPosition>> {
      const startedAt = Date.now();
      const from = (position.since ?? startedAt) - cfg.statusChangeOverlapMs;
      const orders = await api.getAllOrders(
        { orderStatusFrom: cfg.sentStatus, orderStatusChangedTimeFrom: new Date(from) },
        cfg.pageSize,
      );
      const events: SourceEvent[] = [];
      const rejected: RejectedRow[] = [];
      // What was emitted before the overlap's reach cannot be read again.
      const emitted = Object.fromEntries(Object.entries(position.emitted).filter(([, at]) => at >= from));
      for (const o of orders.filter((x) => isClosedUnpicked(x, cfg.sentStatus))) {
        // Read again within the overlap: emitted (or dead-lettered) already.
        const eventId = closedEventId(o);
        if (eventId in emitted) continue;
        emitted[eventId] = startedAt;
        try {
          events.push(orderToClosedEvent(o, cfg.cancelledStatus, startedAt) as SourceEvent);
        } catch (error) {
          rejected.push({
            topic: topics.orderClosed as TopicSpec<unknown>,
            key: o.orderInfo.orderNumber ?? null,
            row: o,
            error,
          });
        }
      }
      return { events, rejected, next: { since: startedAt, emitted } };
    },
  };
}
