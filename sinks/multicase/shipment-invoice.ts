/**
 * Flow 6, Multicase side: the warehouse shipped (part of) an order. bookShipment makes it a packing
 * slip, delivered quantities, stock off hand, an invoice for exactly what shipped and order-history
 * entries (the tracking link among them); what was not picked goes back to the order as back
 * order. The command carries the total shipped per Ongoing order line, so a repeat books nothing
 * and a later part books its own. Nothing is refused: what Multicase's documents cannot reconcile
 * (a refused cancel, quantities sent again, an order the pipeline did not create) is booked as it
 * happened with an integration exception.
 */
import { topics } from '../../schemas/catalog.js';
import type { ShipmentInvoice } from '../../schemas/types.generated.js';
import { bookShipment } from '../../connectors/multicase/adapter/shipments.js';
import type { WarehouseShipment } from '../../connectors/multicase/adapter/warehouse-shipment.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.shipment-invoice';

export const shipmentOf = (s: ShipmentInvoice): WarehouseShipment => ({
  pickingListNumber: s.pickingListNumber,
  ongoingOrderId: s.ongoingOrderId,
  // Commands from before back orders and unknown orders named the Ongoing order by the picking list.
  ongoingOrderNumber: s.ongoingOrderNumber ?? s.pickingListNumber ?? String(s.ongoingOrderId),
  notCreatedByPipeline: s.notCreatedByPipeline,
  warehouseCode: s.warehouseCode,
  shippedAt: s.shippedAt,
  carrier: s.carrier,
  waybill: s.waybill,
  trackingUrl: s.trackingUrl,
  lines: s.lines.map((l) => ({
    ongoingLineId: l.ongoingLineId,
    rowNumber: l.rowNumber,
    position: l.position,
    productNumber: l.productNumber,
    totalShipped: l.totalShipped,
  })),
});

export const shipmentInvoiceHandler: MulticaseCommandHandler<ShipmentInvoice> = {
  name: STAGE,
  input: topics.shipmentInvoice,
  apply: (trx, payload, command) =>
    bookShipment(trx, shipmentOf(payload), { stage: STAGE, eventId: command.commandId }),
};
