/**
 * The warehouse shipped a picking list. The report carries the total shipped per picking-list
 * position; what is booked is the difference to what earlier deliveries of the same picking list
 * delivered, so a repeated report books nothing. A shipment is a packing slip, delivered quantities
 * (the database trigger releases sent and allocation), stock booked off hand, an invoice and
 * order-history entries; what was not picked goes back to the order as back order.
 */
import { ValidationError } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { createInvoice } from './invoices.js';
import { allocateNumber } from './number-series.js';
import { addOrderHistory } from './order-history.js';
import {
  closePickingList,
  deliveredOnPickingList,
  lockOrderAndPickingList,
  pickingListLines,
  requireShippable,
  updateOrderStatus,
  type PickingListLine,
} from './sales-orders.js';
import { bookStockMovement } from './stock.js';
import type { PickingListRow, SalesOrderRow } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

export interface WarehouseShipment {
  pickingListNumber: string;
  orderNumber: string;
  /** Null: now. */
  shippedAt: number | null;
  carrier: string | null;
  waybill: string | null;
  trackingUrl: string | null;
  /** Totals shipped so far per picking-list position. */
  lines: readonly { position: number; productNumber: string; totalShipped: Quantity }[];
}

/** An order line shipped since the last report. */
interface Shipped {
  orderLineId: number;
  productId: number;
  productNumber: string;
  quantity: Quantity;
  isService: boolean;
}

export async function bookShipment(
  trx: MulticaseTransaction,
  shipment: WarehouseShipment,
  eventId: string,
): Promise<void> {
  const record = `shipment of picking list ${shipment.pickingListNumber}`;
  const { order, list } = await lockOrderAndPickingList(trx, shipment.pickingListNumber, record);
  requireShippable(order, list, shipment.orderNumber, record);
  const listLines = await pickingListLines(trx, list.id);
  const delivered = await deliveredOnPickingList(trx, list.id);
  const { shipped, reported } = shippedSinceLastReport(shipment, list, listLines, delivered, record);
  // A repeat of the final report: everything below already happened.
  if (list.status === 'shipped') return;

  const delivery = shipped.length > 0 ? await deliver(trx, order, list, shipment, shipped, eventId) : null;
  await returnUnpickedToBackOrder(trx, listLines, reported);
  await closePickingList(trx, list.id);
  await updateOrderStatus(trx, order);
  if (delivery === null) return;
  await noteShipment(trx, order, shipment, delivery.slip, shipped, eventId);
  await createInvoice(trx, order, { id: delivery.id, shipped }, eventId);
}

/**
 * Checks each reported line against the picking list and what was delivered on it before; returns
 * what was shipped since, and the totals reported per position.
 */
function shippedSinceLastReport(
  shipment: WarehouseShipment,
  list: PickingListRow,
  listLines: readonly PickingListLine[],
  delivered: Map<number, Quantity>,
  record: string,
): { shipped: Shipped[]; reported: Map<number, Quantity> } {
  const byPosition = new Map(listLines.map((l) => [l.position, l]));
  const shipped: Shipped[] = [];
  const reported = new Map<number, Quantity>();
  for (const [i, s] of shipment.lines.entries()) {
    const line = byPosition.get(s.position);
    if (!line)
      throw new ValidationError(record, `lines[${i}].position`, `${s.position} is not a line of the picking list`);
    if (line.product_number !== s.productNumber) {
      throw new ValidationError(
        record,
        `lines[${i}].productNumber`,
        `is ${s.productNumber}, but position ${s.position} holds ${line.product_number}`,
      );
    }
    if (s.totalShipped > line.quantity) {
      throw new ValidationError(
        record,
        `lines[${i}].totalShipped`,
        `is ${s.totalShipped}, but only ${line.quantity} of ${s.productNumber} was sent on the picking list`,
      );
    }
    const orderLineId = line.sales_order_line_id;
    const delta = roundQuantity(s.totalShipped - (delivered.get(orderLineId) ?? 0));
    if (delta < 0) {
      throw new ValidationError(
        record,
        `lines[${i}].totalShipped`,
        `is ${s.totalShipped}, below the ${delivered.get(orderLineId)} already delivered for position ${s.position}`,
      );
    }
    // Once closed, the unpicked rest was already handed back as back order; shipping more now would
    // take it from another picking list's sent quantity.
    if (delta > 0 && list.status === 'shipped') {
      throw new ValidationError(
        record,
        `lines[${i}].totalShipped`,
        `is ${s.totalShipped}, but the picking list was already shipped with ${delivered.get(orderLineId) ?? 0}`,
      );
    }
    reported.set(s.position, s.totalShipped);
    delivered.set(orderLineId, s.totalShipped);
    if (delta > 0)
      shipped.push({
        orderLineId,
        productId: line.product_id,
        productNumber: s.productNumber,
        quantity: delta,
        isService: line.is_service,
      });
  }
  return { shipped, reported };
}

/** The packing slip: a delivery with its lines, delivered quantities on the order, stock off hand. */
async function deliver(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  list: PickingListRow,
  shipment: WarehouseShipment,
  shipped: readonly Shipped[],
  eventId: string,
): Promise<{ id: number; slip: string }> {
  const slip = await allocateNumber(trx, 'packing_slip');
  const [created] = await trx('multicase.deliveries')
    .insert({
      sales_order_id: order.id,
      picking_list_id: list.id,
      packing_slip_number: slip,
      shipped_at: shipment.shippedAt === null ? trx.fn.now() : new Date(shipment.shippedAt),
      carrier: shipment.carrier,
      waybill: shipment.waybill,
      tracking_url: shipment.trackingUrl,
      event_id: eventId,
    })
    .returning('id');
  const id = (created as { id: number }).id;
  await trx('multicase.delivery_lines').insert(
    shipped.map((s) => ({ delivery_id: id, sales_order_line_id: s.orderLineId, quantity: s.quantity })),
  );
  for (const s of shipped)
    await trx('multicase.sales_order_lines').where('id', s.orderLineId).increment('quantity_delivered', s.quantity);
  // Allocation is released first (by the trigger above), so taking the goods off hand never
  // runs into stock still allocated to them. Stock rows are locked in product order.
  const perProduct = new Map<number, Quantity>();
  // A service item holds no stock (older picking lists may still carry one).
  for (const s of shipped.filter((x) => !x.isService))
    perProduct.set(s.productId, roundQuantity((perProduct.get(s.productId) ?? 0) + s.quantity));
  for (const [productId, quantity] of [...perProduct].sort((a, b) => a[0] - b[0])) {
    await bookStockMovement(trx, {
      productId,
      warehouseId: order.warehouse_id,
      quantityChange: -quantity,
      kind: 'shipment',
      reference: shipment.orderNumber,
      cause: `packing slip ${slip}`,
      eventId,
    });
  }
  return { id, slip };
}

/**
 * Short pick: the unpicked rest leaves the warehouse's hands but stays allocated, so the user can
 * send it again on a new picking list. A picking discrepancy booked before the shipment may have
 * taken the rest off sent already (stock-falls.ts releases the allocation of stock that is gone).
 */
async function returnUnpickedToBackOrder(
  trx: MulticaseTransaction,
  listLines: readonly PickingListLine[],
  reported: Map<number, Quantity>,
): Promise<void> {
  for (const line of listLines) {
    const rest = roundQuantity(line.quantity - (reported.get(line.position) ?? 0));
    if (rest > 0)
      await trx('multicase.sales_order_lines')
        .where('id', line.sales_order_line_id)
        .update({ quantity_sent: trx.raw('greatest(quantity_sent - ?, 0)', [rest]) });
  }
}

/** The packing slip, and the tracking link when there is one, in the order's history. */
async function noteShipment(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  shipment: WarehouseShipment,
  slip: string,
  shipped: readonly Shipped[],
  eventId: string,
): Promise<void> {
  const what = shipped.map((s) => `${s.quantity} × ${s.productNumber}`).join(', ');
  const via = [shipment.carrier, shipment.waybill].filter((x) => x).join(' ');
  await addOrderHistory(trx, {
    salesOrderId: order.id,
    type: 'shipped',
    text: `Packing slip ${slip}: shipped ${what}${via ? ` (${via})` : ''}`,
    eventId,
  });
  if (shipment.trackingUrl) {
    await addOrderHistory(trx, {
      salesOrderId: order.id,
      type: 'tracking',
      text: `Track the shipment${via ? ` ${via}` : ''}`,
      link: shipment.trackingUrl,
      eventId,
    });
  }
}
