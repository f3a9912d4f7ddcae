/**
 * Flow 4, Ongoing side: PUT /orders (upsert by order number = picking-list number), or cancel.
 * The consignee's email and mobile number become Ongoing's email and SMS notifications; a pickup
 * point becomes the service point; line prices go with the order's currency. Ongoing refuses a
 * change or cancel once the warehouse has started work: the refusal reaches the DLQ with its message,
 * and a note with that message goes into the order's history in Multicase (flow 4's second sink).
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom, type Command } from '../../schemas/envelopes.js';
import type { OrderNote, OrderUpsert } from '../../schemas/types.generated.js';
import type { RejectedError } from '../../runtime/errors.js';
import type { Output } from '../../runtime/stage.js';
import type { OngoingOrderPut } from '../../connectors/ongoing/api/client.js';
import { compact, type OngoingWriteHandler } from './writer.js';

const notify = (value: string | null) => (value ? { toBeNotified: true, value } : null);

export function orderPut(o: OrderUpsert): OngoingOrderPut {
  const c = o.consignee;
  return compact({
    orderNumber: o.orderNumber,
    goodsOwnerOrderId: o.goodsOwnerOrderId,
    referenceNumber: o.referenceNumber,
    deliveryDate: o.deliveryDate,
    servicePointCode: o.servicePointCode,
    wayOfDelivery: o.wayOfDeliveryCode ? compact({ code: o.wayOfDeliveryCode, name: o.wayOfDeliveryName }) : null,
    transporter: o.transporterCode
      ? compact({ transporterCode: o.transporterCode, transporterServiceCode: o.transporterServiceCode })
      : null,
    consignee: compact({
      customerNumber: c.customerNumber,
      name: c.name,
      address1: c.address1,
      address2: c.address2,
      address3: c.address3,
      postCode: c.postCode,
      city: c.city,
      countryCode: c.countryCode,
    }),
    emailNotification: notify(c.email),
    smsNotification: notify(c.mobilePhone),
    orderLines: o.lines.map((l) =>
      compact({
        rowNumber: l.rowNumber,
        articleNumber: l.articleNumber,
        numberOfItems: l.numberOfItems,
        prices: l.linePrice === null ? null : compact({ linePrice: l.linePrice, currencyCode: o.currency }),
      }),
    ),
  }) as OngoingOrderPut;
}

/** The order-history note for a refused write: one per refused command, however often it is replayed. */
export function refusalNote(command: Command<OrderUpsert>, refusal: RejectedError): Output[] {
  const o = command.payload;
  if (!o.goodsOwnerOrderId) return [];
  const what = o.cancel ? 'cancel' : 'change';
  const note: OrderNote = {
    orderNumber: o.goodsOwnerOrderId,
    pickingListNumber: o.orderNumber,
    text: `The warehouse (Ongoing) refused the ${what} of picking list ${o.orderNumber}: ${refusal.message}`,
    notedAt: command.issuedAt,
  };
  const cause = {
    eventId: command.commandId,
    entityKey: o.goodsOwnerOrderId,
    capturedAt: command.traceOrigin ?? command.issuedAt,
  };
  return [{ topic: topics.orderNote, key: o.goodsOwnerOrderId, value: commandFrom(cause, topics.orderNote, note) }];
}

export const orderUpsertHandler: OngoingWriteHandler<OrderUpsert> = {
  name: 'sink.ongoing.order',
  input: topics.orderUpsert,
  entityType: 'order',
  async write(api, payload, known) {
    if (payload.cancel) {
      // Never sent to Ongoing: nothing to cancel there.
      if (!known) return null;
      await api.cancelOrder(Number(known.externalId));
      return known.externalId;
    }
    const { orderId } = await api.upsertOrder(orderPut(payload));
    return String(orderId);
  },
  async find(api, orderNumber) {
    const [found] = await api.getOrders({ orderNumber });
    return found ? String(found.orderInfo.orderId) : null;
  },
  refused: refusalNote,
};
