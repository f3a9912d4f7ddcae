/**
 * Flow 6: the warehouse shipped an order; Multicase gets a packing slip, an invoice for what was
 * shipped and the tracking link (the sink, sinks/multicase/shipment-invoice.ts). Quantities are
 * cumulative per line (picked so far), so a repeated or late event books nothing twice. The order
 * must be one this pipeline created in Ongoing (it is in the id map); the mapping can lag behind
 * the shipment, so a missing one is waited for, ID_MAP_GRACE_MS at most.
 */
import { idMapKey, topics } from '../schemas/catalog.js';
import type { OrderShipped, ShipmentInvoice } from '../schemas/types.generated.js';
import { NotYetAvailableError, UnmappableError, ValidationError } from '../runtime/errors.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireNonNegative, requireText } from './validate.js';

export function shipmentToInvoice(
  event: OrderShipped,
  lookups: Pick<Lookups, 'idMap' | 'graceMs'>,
): ShipmentInvoice | null {
  const s = event.after;
  if (s === null) return null;
  const record = `shipment of Ongoing order ${event.entityKey}`;
  // Ongoing's order number is the picking-list number (flow 4).
  const pickingList = requireText(record, 'orderNumber', s.orderNumber);
  const known = lookups.idMap.get(idMapKey('ongoing', 'order', pickingList));
  if (!known)
    throw new NotYetAvailableError(
      `${record}: field orderNumber ${pickingList} was not created by this pipeline (no id-map entry)`,
      lookups.graceMs,
    );
  if (known.externalId !== String(s.orderId))
    throw new UnmappableError(
      `${record}: field orderId ${s.orderId} differs from the id Ongoing gave ${pickingList} (${known.externalId})`,
    );
  return {
    orderNumber: requireText(record, 'goodsOwnerOrderId', s.goodsOwnerOrderId),
    pickingListNumber: pickingList,
    ongoingOrderId: s.orderId,
    shippedAt: s.shippedAt,
    carrier: s.transporterCode,
    waybill: s.waybill,
    trackingUrl: s.trackingUrl,
    lines: s.lines.map((l, i) => {
      const position = Number(l.rowNumber);
      if (!Number.isInteger(position) || position <= 0)
        throw new ValidationError(record, `lines[${i}].rowNumber`, `is not a picking-list position: ${l.rowNumber}`);
      return {
        position,
        productNumber: requireText(record, `lines[${i}].articleNumber`, l.articleNumber),
        totalShipped: requireNonNegative(record, `lines[${i}].pickedNumberOfItems`, l.pickedNumberOfItems),
      };
    }),
  };
}

export const shipmentToInvoiceProcessor: ProcessorSpec<OrderShipped> = {
  name: 'processor.shipment-to-invoice',
  input: topics.orderShipped,
  output: topics.shipmentInvoice,
  map: (event, lookups) => shipmentToInvoice(event, lookups),
};
