/**
 * The warehouse shipped (part of) an order. The report carries the total shipped so far per
 * Ongoing order line; what is booked is the difference to what the fact ledger (fact-ledger.ts)
 * says was accounted for on that line, so a repeated report books nothing and a later part of the
 * same order (Ongoing's "8 now, 2 later") books its own difference. A shipment is a packing slip,
 * delivered quantities, stock off hand, an invoice and order-history entries (the tracking link
 * among them).
 *
 * What the warehouse shipped is booked whatever Multicase's documents say (the warehouse is the
 * truth); where they disagree an integration exception says so:
 * - a picking list cancelled in Multicase whose cancel the warehouse refused is shipped after all:
 *   the cancel is withdrawn (shipped_after_cancel_refused);
 * - quantities sent again on another picking list meanwhile come off that list
 *   (delivered_more_than_sent, naming it), as do more than the order line had and articles not on
 *   the order (booked as stock that left, not invoiced);
 * - an order the pipeline did not create is stock that left, not invoiced (unknown-shipments.ts).
 * Where each delivered unit comes from on its order line: delivery-split.ts.
 */
import type { MulticaseTransaction } from './commands.js';
import { splitDelivery, type DeliverySplit } from './delivery-split.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta, type WarehouseLine } from './fact-ledger.js';
import { createInvoice } from './invoices.js';
import { allocateNumber } from './number-series.js';
import { addOrderHistory } from './order-history.js';
import { withdrawFromOtherLists, type Withdrawn } from './picking-list-withdrawal.js';
import {
  closePickingList,
  deliveredOnPickingList,
  lockOrderAndPickingList,
  orderLinesOf,
  pickingListLines,
  updateOrderStatus,
  type OrderLine,
  type PickingListLine,
} from './sales-orders.js';
import { bookStockMovement } from './stock.js';
import { takeOffHand } from './stock-out.js';
import type { PickingListRow, SalesOrderRow } from './tables.js';
import { bookShipmentOfUnknownOrder } from './unknown-shipments.js';
import {
  orderLineFor,
  productOf,
  shipmentLedgerLine,
  type Product,
  type WarehouseShipment,
  type WarehouseShipmentLine,
} from './warehouse-shipment.js';
import { roundQuantity, type Quantity } from './values.js';

/** One Ongoing line of the report, what it adds, and the order line it is for (null: not on the order). */
interface Reported {
  line: WarehouseShipmentLine;
  ledger: WarehouseLine;
  delta: Quantity;
  orderLine: OrderLine | null;
  product: Product | null;
}

export async function bookShipment(
  trx: MulticaseTransaction,
  shipment: WarehouseShipment,
  by: RaisedBy,
): Promise<void> {
  const locked =
    shipment.pickingListNumber === null ? null : await lockOrderAndPickingList(trx, shipment.pickingListNumber);
  if (!locked)
    return bookShipmentOfUnknownOrder(
      trx,
      shipment,
      shipment.notCreatedByPipeline ?? `Multicase has no picking list ${shipment.pickingListNumber}`,
      by,
    );
  const { order, list } = locked;
  const listLines = await pickingListLines(trx, list.id);
  const orderLines = await orderLinesOf(trx, order.id);
  // Before the ledger, what the picking list delivered is what its own Ongoing order booked.
  const deliveredBefore = await deliveredOnPickingList(trx, list.id);
  const ownOrder = shipment.ongoingOrderNumber === list.picking_list_number;
  const reported: Reported[] = [];
  for (const line of shipment.lines) {
    const orderLine = orderLineFor(line, listLines, orderLines);
    const product = orderLine
      ? { id: orderLine.product_id, isService: orderLine.is_service }
      : await productOf(trx, line.productNumber);
    const ledger = shipmentLedgerLine(shipment, line, product?.id ?? null);
    const seed = ownOrder && orderLine ? (deliveredBefore.get(orderLine.id) ?? 0) : 0;
    const { delta } = await lineDelta(trx, ledger, roundQuantity(line.totalShipped), seed);
    reported.push({ line, ledger, delta, orderLine, product });
  }
  // A repeat of a report booked before: nothing changed, and the picking list is closed already.
  if (list.status !== 'sent' && reported.every((r) => r.delta === 0)) return;

  const splits = await releaseBuckets(trx, list, listLines, orderLines, reported);
  const delivered = reported.filter((r) => r.delta > 0 && r.orderLine);
  const delivery = delivered.length > 0 ? await deliver(trx, order, list, shipment, delivered, by) : null;
  await takeStockOffHand(trx, order, list, reported, delivery?.slip ?? null, by);
  await noteLowered(
    trx,
    order,
    list,
    reported.filter((r) => r.delta < 0),
    by,
  );
  if (list.status !== 'shipped') await closePickingList(trx, list.id);
  await updateOrderStatus(trx, order);
  if (delivery !== null) await noteShipment(trx, order, shipment, delivery.slip, delivered, by);
  const invoice =
    delivery === null
      ? null
      : await createInvoice(
          trx,
          order,
          { id: delivery.id, shipped: delivered.map((r) => ({ orderLineId: r.orderLine!.id, quantity: r.delta })) },
          by.eventId,
        );
  await raiseDisagreements(trx, { order, list, reported, splits, slip: delivery?.slip ?? null, invoice }, by);
  for (const r of reported) await accountFor(trx, r.ledger, roundQuantity(r.line.totalShipped), by.eventId);
}

/** What a delivery did to one order line's buckets, and what came off other picking lists for it. */
interface LineRelease {
  orderLine: OrderLine;
  split: DeliverySplit;
  withdrawn: Withdrawn[];
}

/**
 * Moves each order line's buckets: the units delivered leave sent and allocation (delivery-split.ts),
 * a picking list at the warehouse that this report closes hands the rest back to the back order,
 * and what was sent again elsewhere comes off those lists.
 */
async function releaseBuckets(
  trx: MulticaseTransaction,
  list: PickingListRow,
  listLines: readonly PickingListLine[],
  orderLines: readonly OrderLine[],
  reported: readonly Reported[],
): Promise<LineRelease[]> {
  const deliveredPerLine = new Map<number, Quantity>();
  for (const r of reported.filter((x) => x.delta > 0 && x.orderLine))
    deliveredPerLine.set(r.orderLine!.id, roundQuantity((deliveredPerLine.get(r.orderLine!.id) ?? 0) + r.delta));
  const ownSent = new Map<number, Quantity>();
  if (list.status === 'sent')
    for (const l of listLines.filter((x) => !x.is_service))
      ownSent.set(l.sales_order_line_id, roundQuantity((ownSent.get(l.sales_order_line_id) ?? 0) + l.quantity));
  const releases: LineRelease[] = [];
  for (const orderLine of orderLines) {
    const quantity = deliveredPerLine.get(orderLine.id) ?? 0;
    if (quantity === 0 && !ownSent.has(orderLine.id)) continue;
    if (orderLine.is_service) {
      // Older picking lists may carry a service item: delivered, never allocated or in stock.
      if (quantity > 0)
        await trx('multicase.sales_order_lines').where('id', orderLine.id).increment('quantity_delivered', quantity);
      continue;
    }
    const split = splitDelivery(
      {
        ordered: orderLine.quantity,
        delivered: orderLine.quantity_delivered,
        allocated: orderLine.quantity_allocated,
        sent: orderLine.quantity_sent,
      },
      quantity,
      ownSent.get(orderLine.id) ?? 0,
    );
    const withdrawn =
      split.fromOtherLists > 0 ? await withdrawFromOtherLists(trx, orderLine.id, split.fromOtherLists, list.id) : [];
    // The delivery trigger takes what is delivered off sent and allocated as if all of it had been
    // sent; the second update puts both where the split says they belong.
    if (quantity > 0)
      await trx('multicase.sales_order_lines').where('id', orderLine.id).increment('quantity_delivered', quantity);
    await trx('multicase.sales_order_lines')
      .where('id', orderLine.id)
      .update({ quantity_sent: split.after.sent, quantity_allocated: split.after.allocated });
    releases.push({ orderLine, split, withdrawn });
  }
  return releases;
}

/** The packing slip: a delivery of the picking list with its lines. */
async function deliver(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  list: PickingListRow,
  shipment: WarehouseShipment,
  delivered: readonly Reported[],
  by: RaisedBy,
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
      event_id: by.eventId,
    })
    .returning('id');
  const id = (created as { id: number }).id;
  await trx('multicase.delivery_lines').insert(
    delivered.map((r) => ({ delivery_id: id, sales_order_line_id: r.orderLine!.id, quantity: r.delta })),
  );
  return { id, slip };
}

/**
 * Stock off hand for every article that left, on the order or not (the allocation of what was
 * delivered is released first, so taking it off hand does not meet its own allocation); locked in
 * product order.
 */
async function takeStockOffHand(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  list: PickingListRow,
  reported: readonly Reported[],
  slip: string | null,
  by: RaisedBy,
): Promise<void> {
  const perProduct = new Map<number, { productNumber: string; quantity: Quantity }>();
  for (const r of reported.filter((x) => x.delta > 0 && x.product && !x.product.isService)) {
    const p = perProduct.get(r.product!.id) ?? { productNumber: r.line.productNumber, quantity: 0 };
    p.quantity = roundQuantity(p.quantity + r.delta);
    perProduct.set(r.product!.id, p);
  }
  for (const [productId, p] of [...perProduct].sort((a, b) => a[0] - b[0]))
    await takeOffHand(
      trx,
      {
        productId,
        productNumber: p.productNumber,
        warehouseId: order.warehouse_id,
        quantity: p.quantity,
        reference: order.order_number,
        cause: slip ? `packing slip ${slip}` : `picking list ${list.picking_list_number}`,
        document: { type: 'picking_list', number: list.picking_list_number },
        salesOrderId: order.id,
        pickingListId: list.id,
      },
      by,
    );
}

/** Picked quantities the warehouse lowered after they were booked: the goods are back in stock. */
async function noteLowered(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  list: PickingListRow,
  lowered: readonly Reported[],
  by: RaisedBy,
): Promise<void> {
  for (const r of lowered.filter((x) => x.product && !x.product.isService)) {
    await bookStockMovement(trx, {
      productId: r.product!.id,
      warehouseId: order.warehouse_id,
      quantityChange: -r.delta,
      kind: 'correction',
      reference: order.order_number,
      cause: `the warehouse lowered what it shipped on picking list ${list.picking_list_number}`,
      eventId: by.eventId,
    });
    await addOrderHistory(trx, {
      salesOrderId: order.id,
      type: 'note',
      text: `The warehouse lowered what it shipped of ${r.line.productNumber} on picking list ${list.picking_list_number} by ${-r.delta} after it was invoiced; the goods are back in stock. Credit the customer if they did not leave.`,
      eventId: by.eventId,
    });
  }
}

/** The packing slip, and the tracking link when there is one, in the order's history. */
async function noteShipment(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  shipment: WarehouseShipment,
  slip: string,
  delivered: readonly Reported[],
  by: RaisedBy,
): Promise<void> {
  const what = delivered.map((r) => `${r.delta} × ${r.line.productNumber}`).join(', ');
  const via = [shipment.carrier, shipment.waybill].filter((x) => x).join(' ');
  await addOrderHistory(trx, {
    salesOrderId: order.id,
    type: 'shipped',
    text: `Packing slip ${slip}: shipped ${what}${via ? ` (${via})` : ''}`,
    eventId: by.eventId,
  });
  if (shipment.trackingUrl) {
    await addOrderHistory(trx, {
      salesOrderId: order.id,
      type: 'tracking',
      text: `Track the shipment${via ? ` ${via}` : ''}`,
      link: shipment.trackingUrl,
      eventId: by.eventId,
    });
  }
}

const listed = (items: readonly { quantity: Quantity; what: string }[]) =>
  items.map((i) => `${i.quantity} × ${i.what}`).join(', ');

/** Where the shipment and Multicase's documents disagreed: the exceptions that say so. */
async function raiseDisagreements(
  trx: MulticaseTransaction,
  s: {
    order: SalesOrderRow;
    list: PickingListRow;
    reported: readonly Reported[];
    splits: readonly LineRelease[];
    slip: string | null;
    invoice: string | null;
  },
  by: RaisedBy,
): Promise<void> {
  const { order, list } = s;
  const shipped = s.reported.filter((r) => r.delta > 0);
  const total = roundQuantity(shipped.reduce((sum, r) => sum + r.delta, 0));
  const docs = { salesOrderId: order.id, pickingListId: list.id, warehouseId: order.warehouse_id };
  const single = new Set(shipped.map((r) => r.product?.id ?? null));
  const productId = single.size === 1 ? [...single][0]! : null;
  const booked = [s.slip && `packing slip ${s.slip}`, s.invoice && `invoice ${s.invoice}`]
    .filter((x) => x)
    .join(' and ');
  const withdrawn = s.splits.flatMap((l) => l.withdrawn.map((w) => ({ ...w, product: l.orderLine.product_number })));
  const takenOff = withdrawn.length
    ? ` The same quantities had been sent again on ${withdrawn
        .map(
          (w) =>
            `picking list ${w.pickingListNumber} (${w.quantity} × ${w.product} taken off it${w.cancelled ? ', which cancels it' : ''})`,
        )
        .join(', ')}: make sure the warehouse does not ship them twice.`
    : '';
  const details = {
    pickingList: list.picking_list_number,
    packingSlip: s.slip,
    invoice: s.invoice,
    lines: shipped.map((r) => ({
      productNumber: r.line.productNumber,
      quantity: r.delta,
      onOrder: r.orderLine !== null,
    })),
    withdrawn,
  };
  const what = listed(shipped.map((r) => ({ quantity: r.delta, what: r.line.productNumber })));
  const raise = (kind: 'shipped_after_cancel_refused' | 'delivered_more_than_sent', reason: string) =>
    raiseException(
      trx,
      {
        kind,
        document: { type: 'picking_list', number: list.picking_list_number },
        ...docs,
        productId,
        reported: total,
        booked: total,
        reason,
        details,
      },
      by,
    );
  if (list.status === 'cancelled' && total > 0) {
    await raise(
      'shipped_after_cancel_refused',
      `Picking list ${list.picking_list_number} of order ${order.order_number} was cancelled in Multicase, but the warehouse had refused the cancel and shipped ${what}. ` +
        `It is booked as shipped (${booked || 'stock off hand'}) and the cancel is withdrawn.${takenOff}`,
    );
    return;
  }
  const beyond = s.splits.filter((l) => l.split.beyond > 0);
  const notOnOrder = shipped.filter((r) => r.orderLine === null);
  if (withdrawn.length === 0 && beyond.length === 0 && notOnOrder.length === 0) return;
  const more = [
    beyond.length
      ? ` ${listed(beyond.map((l) => ({ quantity: l.split.beyond, what: `${l.orderLine.product_number} (line ${l.orderLine.position})` })))} more than the order had ordered or allocated.`
      : '',
    notOnOrder.length
      ? ` ${listed(notOnOrder.map((r) => ({ quantity: r.delta, what: `${r.line.productNumber}${r.product ? '' : ' (not a Multicase product: not booked)'}` })))} not on the order: taken off stock, not invoiced.`
      : '',
  ].join('');
  await raise(
    'delivered_more_than_sent',
    `The warehouse shipped ${what} on picking list ${list.picking_list_number} of order ${order.order_number}, booked as shipped (${booked || 'stock off hand'}).` +
      `${takenOff}${more}`,
  );
}
