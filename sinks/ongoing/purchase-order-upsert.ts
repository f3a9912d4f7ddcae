/**
 * Flows 2 and 7, Ongoing side: PUT /purchaseOrders (upsert by purchase order number), or DELETE to
 * cancel. Customer returns go the same way, marked as a return, with the customer as the supplier
 * (the sender), numbered and kept in the id map in a key space of their own (returnInOngoing), so
 * a return never overwrites a purchase order. Ongoing refuses edits below what was received, and a
 * cancel once receiving has started; the refusal reaches the DLQ with its message.
 */
import { topics } from '../../schemas/catalog.js';
import type { PurchaseOrderUpsert } from '../../schemas/types.generated.js';
import type { OngoingPurchaseOrderPut } from '../../connectors/ongoing/api/client.js';
import { compact, type OngoingWriteHandler } from './writer.js';

export function purchaseOrderPut(po: PurchaseOrderUpsert): OngoingPurchaseOrderPut {
  return compact({
    purchaseOrderNumber: po.purchaseOrderNumber,
    referenceNumber: po.referenceNumber,
    inDate: po.inDate,
    supplierInfo:
      po.supplierNumber || po.supplierName
        ? compact({ supplierNumber: po.supplierNumber, supplierName: po.supplierName })
        : null,
    purchaseOrderLines: po.lines.map((l) => ({
      rowNumber: l.rowNumber,
      articleNumber: l.articleNumber,
      numberOfItems: l.numberOfItems,
    })),
    // A customer return (flow 7): received like a purchase order, told apart by this marker.
    advanced: po.isReturn ? { purchaseOrderIsReturnType: true } : null,
  });
}

export const purchaseOrderUpsertHandler: OngoingWriteHandler<PurchaseOrderUpsert> = {
  name: 'sink.ongoing.purchase-order',
  input: topics.purchaseOrderUpsert,
  entityType: 'purchaseOrder',
  entityTypeOf: (payload) => (payload.isReturn ? 'return' : 'purchaseOrder'),
  async write(api, payload, known) {
    if (payload.cancel) {
      // Never sent to Ongoing: nothing to cancel there.
      if (!known) return null;
      await api.cancelPurchaseOrder(Number(known.externalId));
      return known.externalId;
    }
    const { purchaseOrderId } = await api.upsertPurchaseOrder(purchaseOrderPut(payload));
    return String(purchaseOrderId);
  },
  async find(api, _key, payload) {
    const [found] = await api.getPurchaseOrders({ purchaseOrderNumber: payload.purchaseOrderNumber });
    return found ? String(found.purchaseOrderInfo.purchaseOrderId) : null;
  },
};
