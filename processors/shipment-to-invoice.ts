/**
 * Flow 6: the warehouse shipped an order; Multicase gets a packing slip, an invoice for what was
 * shipped and the tracking link (the sink, sinks/multicase/shipment-invoice.ts). Quantities are
 * cumulative per Ongoing order line (picked so far), so a repeated or late event books nothing
 * twice, and the second part of an order delivered in two parts books its own difference.
 *
 * Nothing the warehouse shipped is refused: a back order the warehouse made of one of our orders
 * is booked against that order's picking list; an order the pipeline did not create (no id-map
 * entry after ID_MAP_GRACE_MS, or another Ongoing id: order-ownership.ts) is booked as stock that
 * left, with an integration exception, and not invoiced; a row number that is no picking-list
 * position is matched by article in the sink.
 */
import { topics } from '../schemas/catalog.js';
import type { OrderShipped, ShipmentInvoice } from '../schemas/types.generated.js';
import { ownershipOf, waitForTheOrder } from './order-ownership.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireText } from './validate.js';

/** The picking-list position a row number names, if it names one. */
export function positionOf(rowNumber: string | null): number | null {
  const position = Number(rowNumber);
  return rowNumber !== null && /^\d+$/.test(rowNumber.trim()) && Number.isInteger(position) && position > 0
    ? position
    : null;
}

export function shipmentToInvoice(
  event: OrderShipped,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse'>,
): ShipmentInvoice | null {
  const s = event.after;
  if (s === null) return null;
  const record = `shipment of Ongoing order ${event.entityKey}`;
  const number = requireText(record, 'orderNumber', s.orderNumber);
  const shipment = (pickingListNumber: string | null, notCreatedByPipeline: string | null): ShipmentInvoice => ({
    orderNumber: pickingListNumber === null ? null : s.goodsOwnerOrderId,
    pickingListNumber,
    ongoingOrderId: s.orderId,
    ongoingOrderNumber: number,
    notCreatedByPipeline,
    warehouseCode: lookups.integratedWarehouse,
    shippedAt: s.shippedAt,
    carrier: s.transporterCode,
    waybill: s.waybill,
    trackingUrl: s.trackingUrl,
    lines: s.lines.map((l) => ({
      position: positionOf(l.rowNumber),
      productNumber: l.articleNumber,
      totalShipped: l.pickedNumberOfItems,
      ongoingLineId: l.lineId,
      rowNumber: l.rowNumber,
    })),
  });
  // Ongoing's order number is the picking-list number (flow 4).
  const own = ownershipOf(lookups.idMap, number, s.orderId);
  if (own?.ours) return shipment(number, null);
  // A back order the warehouse made of one of ours: the rest of that picking list.
  if (s.backOrderForOrderId !== null && s.backOrderForOrderNumber !== null) {
    const original = ownershipOf(lookups.idMap, s.backOrderForOrderNumber, s.backOrderForOrderId);
    if (original?.ours) return shipment(s.backOrderForOrderNumber, null);
  }
  if (own) return shipment(null, own.why);
  return waitForTheOrder(record, number, lookups, (why) => shipment(null, why));
}

export const shipmentToInvoiceProcessor: ProcessorSpec<OrderShipped> = {
  name: 'processor.shipment-to-invoice',
  input: topics.orderShipped,
  output: topics.shipmentInvoice,
  map: (event, lookups) => shipmentToInvoice(event, lookups),
};
