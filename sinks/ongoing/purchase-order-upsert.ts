/**
 * Flows 2 and 7, Ongoing side: PUT /purchaseOrders (upsert by purchase order number), or DELETE to
 * cancel. Customer returns go the same way, marked as a return, with the customer as the supplier
 * (the sender), numbered and kept in the id map in a key space of their own (returnInOngoing), so
 * a return never overwrites a purchase order. Ongoing refuses edits below what was received, and a
 * cancel once receiving has started; the refusal reaches the DLQ with its message.
 *
 * Closing short (`close`): the PUT lowers every line to what was received, then the purchase order
 * gets the status Ongoing uses for a finished one (ONGOING_PURCHASE_ORDER_CLOSED_STATUS). Should
 * Ongoing refuse the PUT, the purchase order is read back: if it expects nothing more (finished,
 * or every line received in full, e.g. after a late receipt), the close is done; otherwise the
 * refusal stands. A refused status change after the PUT went through is logged and counted, not
 * dead-lettered: with every line at what was received, Ongoing expects nothing more either way.
 */
import { Counter } from 'prom-client';
import { topics } from '../../schemas/catalog.js';
import type { PurchaseOrderUpsert } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { RejectedError } from '../../runtime/errors.js';
import { registry } from '../../runtime/metrics.js';
import type { OngoingApi, OngoingPurchaseOrder, OngoingPurchaseOrderPut } from '../../connectors/ongoing/api/client.js';
import { owned, type OngoingSinkContext, type OngoingWriteHandler } from './writer.js';

export const purchaseOrderSinkSettings = {
  purchaseOrderClosedStatus: setting.int('ONGOING_PURCHASE_ORDER_CLOSED_STATUS', {
    default: 500,
    min: 1,
    description:
      "the installation's purchase-order status for a finished purchase order (GET /purchaseOrders/statuses); a purchase order closed short in Multicase is set to it once its lines advise what was received",
  }),
};

export const purchaseOrderCloseRefusals = new Counter({
  name: 'pipeline_purchase_order_close_refusals_total',
  help: 'purchase orders closed short whose lines Ongoing took down to what was received, but whose change to the finished status (ONGOING_PURCHASE_ORDER_CLOSED_STATUS) it refused; it expects nothing more either way',
  registers: [registry],
});

export function purchaseOrderPut(po: PurchaseOrderUpsert): OngoingPurchaseOrderPut {
  return {
    purchaseOrderNumber: po.purchaseOrderNumber,
    referenceNumber: owned(po.referenceNumber),
    inDate: owned(po.inDate),
    purchaseOrderRemark: owned(po.purchaseOrderRemark),
    supplierInfo: { supplierNumber: owned(po.supplierNumber), supplierName: owned(po.supplierName) },
    purchaseOrderLines: po.lines.map((l) => ({
      rowNumber: l.rowNumber,
      articleNumber: l.articleNumber,
      numberOfItems: l.numberOfItems,
    })),
    // A customer return (flow 7): received like a purchase order, told apart by this marker.
    ...(po.isReturn ? { advanced: { purchaseOrderIsReturnType: true } } : {}),
  };
}

/** Nothing more is expected: the purchase order is finished, or every line has what it advises. */
function expectsNothingMore(po: OngoingPurchaseOrder, closedStatus: number): boolean {
  const status = po.purchaseOrderInfo.purchaseOrderStatus?.number ?? 0;
  const lines = po.purchaseOrderLines ?? [];
  return status >= closedStatus || lines.every((l) => (l.receivedNumberOfItems ?? 0) >= (l.advisedNumberOfItems ?? 0));
}

const closedStatusOf = (sink: OngoingSinkContext): number =>
  sink.purchaseOrderClosedStatus ?? purchaseOrderSinkSettings.purchaseOrderClosedStatus.defaultValue!;

async function setFinished(api: OngoingApi, purchaseOrderId: number, number: string, sink: OngoingSinkContext) {
  const status = closedStatusOf(sink);
  try {
    await api.setPurchaseOrderStatus(purchaseOrderId, status);
  } catch (err) {
    if (!(err instanceof RejectedError)) throw err;
    purchaseOrderCloseRefusals.inc();
    sink.log?.warn(
      'Ongoing refused the finished status of a purchase order closed short; its lines expect nothing more',
      {
        purchaseOrderNumber: number,
        status,
        error: err.message,
      },
    );
  }
}

export const purchaseOrderUpsertHandler: OngoingWriteHandler<PurchaseOrderUpsert> = {
  name: 'sink.ongoing.purchase-order',
  input: topics.purchaseOrderUpsert,
  entityType: 'purchaseOrder',
  cancels: (payload) => payload.cancel,
  entityTypeOf: (payload) => (payload.isReturn ? 'return' : 'purchaseOrder'),
  async write(api, payload, known, sink) {
    if (payload.cancel) {
      if (!known) return null; // (the writer cancels only what Ongoing has)
      await api.cancelPurchaseOrder(Number(known.externalId));
      return known.externalId;
    }
    let purchaseOrderId: number;
    try {
      ({ purchaseOrderId } = await api.upsertPurchaseOrder(purchaseOrderPut(payload)));
    } catch (err) {
      if (!(payload.close && known && err instanceof RejectedError)) throw err;
      const current = await api.getPurchaseOrder(Number(known.externalId)).catch((readErr: unknown) => {
        // A refused read teaches nothing: the PUT's refusal stands.
        if (readErr instanceof RejectedError) return undefined;
        throw readErr;
      });
      if (!current || !expectsNothingMore(current, closedStatusOf(sink))) throw err;
      return known.externalId;
    }
    if (payload.close) await setFinished(api, purchaseOrderId, payload.purchaseOrderNumber, sink);
    return String(purchaseOrderId);
  },
  async find(api, _key, payload) {
    const [found] = await api.getPurchaseOrders({ purchaseOrderNumber: payload.purchaseOrderNumber });
    return found ? String(found.purchaseOrderInfo.purchaseOrderId) : null;
  },
};
