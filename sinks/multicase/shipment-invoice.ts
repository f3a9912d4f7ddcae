/**
 * Flow 6, Multicase side: the warehouse shipped a picking list. bookShipment makes it a packing
 * slip, delivered quantities, stock off hand, an invoice for exactly what shipped and order-history
 * entries (the tracking link among them); what was not picked goes back to the order as back
 * order. The command carries the total shipped per position, so a repeat books nothing.
 */
import { topics } from '../../schemas/catalog.js';
import type { ShipmentInvoice } from '../../schemas/types.generated.js';
import { bookShipment, type WarehouseShipment } from '../../connectors/multicase/adapter/shipments.js';
import type { MulticaseCommandHandler } from './sink.js';

const shipmentOf = (s: ShipmentInvoice): WarehouseShipment => ({
  pickingListNumber: s.pickingListNumber,
  orderNumber: s.orderNumber,
  shippedAt: s.shippedAt,
  carrier: s.carrier,
  waybill: s.waybill,
  trackingUrl: s.trackingUrl,
  lines: s.lines,
});

export const shipmentInvoiceHandler: MulticaseCommandHandler<ShipmentInvoice> = {
  name: 'sink.multicase.shipment-invoice',
  input: topics.shipmentInvoice,
  apply: (trx, payload, command) => bookShipment(trx, shipmentOf(payload), command.commandId),
};
