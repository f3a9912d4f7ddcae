/**
 * Flow 4, Ongoing side: PUT /orders (upsert by order number = picking-list number), or cancel.
 * The consignee's email and mobile number become Ongoing's email and SMS notifications; a pickup
 * point becomes the service point; line prices go with the order's currency; a cash-on-delivery
 * amount goes into the warehouse instruction (Ongoing's REST model has no field for it). Every
 * field the integration owns goes on every PUT, a cleared one as "" (docs/sending-to-ongoing.md),
 * so that a change after sending replaces what Ongoing has. Ongoing refuses a change or cancel once
 * the warehouse has started work: the refusal reaches the DLQ with its message, and a note with
 * that message goes into the order's history in Multicase (flow 4's second sink). A cancel of an
 * order Ongoing never got makes no call (writer.ts).
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom, type Command } from '../../schemas/envelopes.js';
import type { OrderNote, OrderUpsert } from '../../schemas/types.generated.js';
import type { RejectedError } from '../../runtime/errors.js';
import type { Output } from '../../runtime/stage.js';
import type { OngoingOrderPut } from '../../connectors/ongoing/api/client.js';
import { compact, owned, type OngoingWriteHandler } from './writer.js';

const notify = (value: string | null) => ({ toBeNotified: value !== null, value: owned(value) });

/** What the warehouse reads when it packs: Ongoing has no cash-on-delivery field of its own. */
export const cashOnDeliveryInstruction = (o: OrderUpsert): string =>
  o.cashOnDeliveryAmount === null
    ? ''
    : `Cash on delivery: ${[o.currency, o.cashOnDeliveryAmount.toFixed(2)].filter(Boolean).join(' ')}`;

export function orderPut(o: OrderUpsert): OngoingOrderPut {
  const c = o.consignee;
  const i = c.invoiceAddress;
  return {
    orderNumber: o.orderNumber,
    goodsOwnerOrderId: owned(o.goodsOwnerOrderId),
    referenceNumber: owned(o.referenceNumber),
    deliveryDate: o.deliveryDate,
    servicePointCode: owned(o.servicePointCode),
    orderRemark: owned(o.orderRemark),
    warehouseInstruction: cashOnDeliveryInstruction(o),
    termsOfDeliveryType: { code: owned(o.termsOfDeliveryCode), name: owned(o.termsOfDeliveryName) },
    wayOfDelivery: { code: owned(o.wayOfDeliveryCode), name: owned(o.wayOfDeliveryName) },
    transporter: {
      transporterCode: owned(o.transporterCode),
      transporterServiceCode: owned(o.transporterServiceCode),
    },
    consignee: {
      customerNumber: c.customerNumber,
      name: c.name,
      address1: owned(c.address1),
      address2: owned(c.address2),
      address3: owned(c.address3),
      postCode: owned(c.postCode),
      city: owned(c.city),
      countryCode: c.countryCode,
      invoiceAddress: {
        name: owned(i?.name),
        address1: owned(i?.address1),
        address2: owned(i?.address2),
        address3: owned(i?.address3),
        postCode: owned(i?.postCode),
        city: owned(i?.city),
        countryCode: owned(i?.countryCode),
      },
      vatNumber: owned(c.vatNumber),
      organisationNumber: owned(c.organisationNumber),
    },
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
  };
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
  cancels: (payload) => payload.cancel,
  async write(api, payload, known) {
    if (payload.cancel) {
      if (!known) return null; // (the writer cancels only what Ongoing has)
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
