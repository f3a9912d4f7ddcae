/**
 * Flow 7's warehouse side: goods the warehouse took back against an outbound order, read by
 * reporting back (reporting-back.ts) on returned quantities: orders with lines whose returned
 * quantity is not reported yet (`onlyOrdersWithOrderLinesToReportReturned`), acknowledged per line
 * (`PATCH …/lines/{id}/reportedReturnedNumberOfItems`) with exactly what the event carried.
 *
 * The order line is the one source of the quantity: a return booked on a return order is a return
 * on the outbound order's line too (docs/warehouse-facts.md), so the return orders made against
 * the order (`GET /returnOrders?customerOrderNumbers=`) only add their number, cause and comment,
 * never quantities of their own.
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { OrderReturned, OrderReturnReport, OrderReturnReportCommand } from '../../schemas/types.generated.js';
import { ValidationError } from '../../runtime/errors.js';
import type { SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi, OngoingOrder, OngoingReturnOrder } from './api/client.js';
import { latestOngoingTime } from './api/times.js';
import { reportingBackSource, type ReportingPosition } from './reporting-back.js';

/** An order with returns to report, and the return orders made against it. */
export interface ReturnedRead {
  order: OngoingOrder;
  returnOrders: OngoingReturnOrder[];
}

const linesOf = (o: OngoingOrder) => o.orderLines ?? [];
const text = (c: { code?: string | null; name?: string | null } | null | undefined) =>
  [c?.code, c?.name].filter((x) => x).join(' ') || null;

/** The orders, each with its return orders (one query for all of them). */
export async function withReturnOrders(api: OngoingApi, orders: OngoingOrder[]): Promise<ReturnedRead[]> {
  const numbers = orders.map((o) => o.orderInfo.orderNumber).filter((n): n is string => !!n);
  const returnOrders = numbers.length > 0 ? await api.getReturnOrders({ customerOrderNumbers: numbers }) : [];
  return orders.map((order) => ({
    order,
    returnOrders: returnOrders.filter((r) => r.customerOrderInfo?.orderId === order.orderInfo.orderId),
  }));
}

/** Returned and reported per line: the same state gives the same event id. */
const versionOf = (o: OngoingOrder) =>
  linesOf(o)
    .map((l) => `${l.id}=${l.returnedNumberOfItems ?? 0}/${l.reportedReturnedNumberOfItems ?? 0}`)
    .join(',');

export function orderToReturnEvent(read: ReturnedRead, capturedAt: number): SourceEvent<OrderReturned> {
  const info = read.order.orderInfo;
  const key = info.orderNumber?.trim();
  if (!key) throw new ValidationError(`Ongoing order id ${info.orderId}`, 'orderNumber', 'is missing');
  const record = `returns on Ongoing order ${key}`;
  const lines = linesOf(read.order).map((l, i) => {
    const articleNumber = l.article?.articleNumber?.trim();
    if (!articleNumber) throw new ValidationError(record, `orderLines[${i}].article.articleNumber`, 'is missing');
    const rowNumber = l.rowNumber?.trim();
    if (!rowNumber) throw new ValidationError(record, `orderLines[${i}].rowNumber`, 'is missing');
    const causes = new Set((l.pickedArticleItems ?? []).filter((p) => p.isReturned).map((p) => text(p.returnCause)));
    causes.delete(null);
    return {
      lineId: l.id,
      rowNumber,
      articleNumber,
      returnedNumberOfItems: l.returnedNumberOfItems ?? 0,
      reportedReturnedNumberOfItems: l.reportedReturnedNumberOfItems ?? 0,
      returnCause: causes.size > 0 ? [...causes].join(', ') : null,
    };
  });
  const returnedAt = latestOngoingTime(
    linesOf(read.order).flatMap((l) => (l.pickedArticleItems ?? []).map((p) => (p.isReturned ? p.returnDate : null))),
  );
  const version = versionOf(read.order);
  return {
    topic: topics.orderReturned,
    key,
    value: {
      eventId: `ongoing:order-return:${info.orderId}:${version}`,
      entityKey: key,
      operation: 'UPDATE',
      source: { system: 'ongoing', entity: 'order', position: version },
      occurredAt: returnedAt ?? capturedAt,
      capturedAt,
      after: {
        orderId: info.orderId,
        orderNumber: key,
        goodsOwnerOrderId: info.goodsOwnerOrderId ?? null,
        returnedAt,
        lines,
        returnOrders: read.returnOrders.map((r) => ({
          returnOrderId: r.returnOrderInfo.returnOrderId,
          returnOrderNumber: r.returnOrderInfo.returnOrderNumber,
          comment: r.returnOrderInfo.comment ?? null,
          lines: (r.returnOrderLines ?? []).map((l) => ({
            orderLineId: l.customerOrderLine.orderLineId,
            returnedNumberOfItems: l.returnedNumberOfItems ?? 0,
            returnCause: text(l.returnCause),
            comment:
              (l.returnedArticleItems ?? [])
                .map((a) => a.returnComment)
                .filter((c) => c)
                .join('; ') || null,
          })),
        })),
      },
    },
  };
}

/** The acknowledgement of a return event: report exactly the returned quantities it carried, line by line. */
export function orderReturnReportOf(event: OrderReturned): SourceEvent<OrderReturnReportCommand> {
  const o = event.after!;
  const payload: OrderReturnReport = {
    orderNumber: o.orderNumber,
    ongoingOrderId: o.orderId,
    lines: o.lines
      .filter((l) => l.returnedNumberOfItems !== l.reportedReturnedNumberOfItems)
      .map((l) => ({ lineId: l.lineId, reportedReturnedNumberOfItems: l.returnedNumberOfItems })),
  };
  return {
    topic: topics.orderReturnReport,
    key: event.entityKey,
    value: commandFrom(event, topics.orderReturnReport, payload),
  };
}

export function orderReturnSource(
  api: OngoingApi,
  cfg: { shipmentIntervalMs: number; pageSize: number },
): SourceConnector<ReportingPosition> {
  return reportingBackSource<ReturnedRead>({
    name: 'ongoing.order-returns',
    intervalMs: cfg.shipmentIntervalMs,
    topic: topics.orderReturned as TopicSpec<unknown>,
    toReport: async () =>
      withReturnOrders(api, await api.getAllOrders({ onlyOrdersWithOrderLinesToReportReturned: true }, cfg.pageSize)),
    idOf: (r) => r.order.orderInfo.orderId,
    keyOf: (r) => r.order.orderInfo.orderNumber ?? null,
    toEvent: (r, capturedAt) => orderToReturnEvent(r, capturedAt) as SourceEvent,
    reportOf: (event) => orderReturnReportOf((event as SourceEvent<OrderReturned>).value) as SourceEvent,
  });
}
