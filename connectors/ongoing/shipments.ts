/**
 * Flow 6's source: outbound orders the warehouse has sent, read by reporting back
 * (reporting-back.ts) on order lines: orders from the installation's "sent" status on with lines
 * whose picked quantity is not reported yet. The event carries the picked quantities, shipped
 * time, transporter, waybill and every parcel's tracking URL. An order sent in part is read again
 * when its rest is sent (its lines' picked quantities grow). A back order the warehouse made of an
 * order's rest (a new order naming the original in `advanced.backOrderInfo`) carries the
 * original's id and number, read from Ongoing, so that it is booked against the original.
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { OrderReport, OrderReportCommand, OrderShipped } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { isRetriable, ValidationError } from '../../runtime/errors.js';
import type { SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi, OngoingOrder } from './api/client.js';
import { parseOngoingTime } from './api/times.js';
import { reportingBackSource, type ReportingPosition } from './reporting-back.js';

export const shipmentSourceSettings = {
  shipmentIntervalMs: setting.int('ONGOING_SHIPMENT_POLL_MS', {
    default: 30_000,
    min: 100,
    description:
      'how often Ongoing is asked for shipped orders to report, for returns it took back on orders, and for orders it cancelled or closed',
  }),
  sentStatus: setting.int('ONGOING_ORDER_SENT_STATUS', {
    default: 450,
    min: 1,
    description:
      "the installation's order status number for sent (GET /orders/statuses); orders from it on are reported back as shipped",
  }),
};

const linesOf = (o: OngoingOrder) => o.orderLines ?? [];

/** Picked and reported per line: the same state gives the same event id. */
function versionOf(o: OngoingOrder): string {
  return linesOf(o)
    .map((l) => `${l.id}=${l.pickedNumberOfItems ?? 0}/${l.reportedNumberOfItems ?? 0}`)
    .join(',');
}

/** An order as read, and the order it is the back order of, if any (its number null when Ongoing no longer has it). */
export interface ShippedRead {
  order: OngoingOrder;
  backOrderFor: { orderId: number; orderNumber: string | null } | null;
}

const backOrderForIdOf = (o: OngoingOrder): number | null => {
  const id = o.orderInfo.advanced?.backOrderInfo?.backOrderForOrderId;
  return typeof id === 'number' && id > 0 ? id : null;
};

/** The orders with the numbers of the orders they are back orders of, each read once per poll. */
export async function withBackOrderOrigins(api: OngoingApi, orders: OngoingOrder[]): Promise<ShippedRead[]> {
  const numbers = new Map<number, string | null>();
  for (const id of new Set(orders.map(backOrderForIdOf).filter((id): id is number => id !== null))) {
    try {
      numbers.set(id, (await api.getOrder(id)).orderInfo.orderNumber ?? null);
    } catch (err) {
      // Gone from Ongoing: the back order is then booked as an order the pipeline did not create.
      if (isRetriable(err)) throw err;
      numbers.set(id, null);
    }
  }
  return orders.map((order) => {
    const id = backOrderForIdOf(order);
    return { order, backOrderFor: id === null ? null : { orderId: id, orderNumber: numbers.get(id) ?? null } };
  });
}

export function orderToShipmentEvent(read: ShippedRead, capturedAt: number): SourceEvent<OrderShipped> {
  const o = read.order;
  const info = o.orderInfo;
  const key = info.orderNumber?.trim();
  if (!key) throw new ValidationError(`Ongoing order id ${info.orderId}`, 'orderNumber', 'is missing');
  const record = `Ongoing order ${key}`;
  const statusNumber = info.orderStatus?.number;
  if (typeof statusNumber !== 'number') throw new ValidationError(record, 'orderInfo.orderStatus.number', 'is missing');
  const lines = linesOf(o).map((l, i) => {
    const articleNumber = l.article?.articleNumber?.trim();
    if (!articleNumber) throw new ValidationError(record, `orderLines[${i}].article.articleNumber`, 'is missing');
    const rowNumber = l.rowNumber?.trim();
    if (!rowNumber) throw new ValidationError(record, `orderLines[${i}].rowNumber`, 'is missing');
    return {
      lineId: l.id,
      rowNumber,
      articleNumber,
      orderedNumberOfItems: l.orderedNumberOfItems ?? 0,
      pickedNumberOfItems: l.pickedNumberOfItems ?? 0,
      reportedNumberOfItems: l.reportedNumberOfItems ?? 0,
    };
  });
  const parcels = (o.parcels ?? [])
    .filter((p) => !p.isReturnParcel)
    .map((p) => ({ parcelNumber: p.parcelNumber ?? null, trackingUrl: p.tracking?.trackingUrl ?? null }));
  const tracking =
    (o.tracking ?? []).find((t) => t.trackingUrl)?.trackingUrl ??
    parcels.find((p) => p.trackingUrl)?.trackingUrl ??
    null;
  const version = versionOf(o);
  const shippedAt = parseOngoingTime(info.shippedTime);
  return {
    topic: topics.orderShipped,
    key,
    value: {
      eventId: `ongoing:shipment:${info.orderId}:${version}`,
      entityKey: key,
      operation: 'UPDATE',
      source: { system: 'ongoing', entity: 'order', position: version },
      occurredAt: shippedAt ?? capturedAt,
      capturedAt,
      after: {
        orderId: info.orderId,
        orderNumber: key,
        statusNumber,
        shippedAt,
        waybill: info.wayBill ?? null,
        trackingUrl: tracking,
        transporterCode: o.transporter?.code ?? null,
        transporterServiceCode: o.transporter?.serviceCode ?? null,
        goodsOwnerOrderId: info.goodsOwnerOrderId ?? null,
        backOrderForOrderId: read.backOrderFor?.orderId ?? null,
        backOrderForOrderNumber: read.backOrderFor?.orderNumber ?? null,
        parcels,
        lines,
      },
    },
  };
}

/** The acknowledgement of a shipment event: report exactly the picked quantities it carried. */
export function orderReportOf(event: OrderShipped): SourceEvent<OrderReportCommand> {
  const o = event.after!;
  const lines = o.lines
    .filter((l) => l.pickedNumberOfItems !== l.reportedNumberOfItems)
    .map((l) => ({ lineId: l.lineId, reportedNumberOfItems: l.pickedNumberOfItems }));
  const payload: OrderReport = { orderNumber: o.orderNumber, ongoingOrderId: o.orderId, lines };
  return { topic: topics.orderReport, key: event.entityKey, value: commandFrom(event, topics.orderReport, payload) };
}

export function shipmentSource(
  api: OngoingApi,
  cfg: { shipmentIntervalMs: number; sentStatus: number; pageSize: number },
): SourceConnector<ReportingPosition> {
  return reportingBackSource<ShippedRead>({
    name: 'ongoing.shipments',
    intervalMs: cfg.shipmentIntervalMs,
    topic: topics.orderShipped as TopicSpec<unknown>,
    toReport: async () =>
      withBackOrderOrigins(
        api,
        await api.getAllOrders(
          { orderStatusFrom: cfg.sentStatus, onlyOrdersWithOrderLinesToReport: true },
          cfg.pageSize,
        ),
      ),
    idOf: (r) => r.order.orderInfo.orderId,
    keyOf: (r) => r.order.orderInfo.orderNumber ?? null,
    toEvent: (o, capturedAt) => orderToShipmentEvent(o, capturedAt) as SourceEvent,
    reportOf: (event) => orderReportOf((event as SourceEvent<OrderShipped>).value) as SourceEvent,
  });
}
