/**
 * Flow 6, Multicase side: the warehouse shipped a picking list. The command carries the total
 * shipped per picking-list position; what is booked is the difference to what earlier deliveries
 * of the same picking list delivered, so a repeated command books nothing. A shipment is a
 * packing slip, delivered quantities (the database trigger releases sent and allocation), stock
 * booked off hand, an invoice and order-history entries; what was not picked goes back to the
 * order as back order.
 */
import type { Knex } from 'knex';
import { topics } from '../../schemas/catalog.js';
import type { ShipmentInvoice } from '../../schemas/types.generated.js';
import { UnmappableError, ValidationError } from '../../runtime/errors.js';
import { addOrderHistory, allocateNumber, bookStockChange, documentTotals, money } from './bookkeeping.js';
import type { MulticaseCommandHandler } from './sink.js';

type Row = Record<string, unknown>;

const qty = (n: number) => Math.round(n * 1000) / 1000;

interface Shipped {
  orderLineId: number;
  productId: number;
  productNumber: string;
  quantity: number;
  isService: boolean;
}

export async function bookShipment(trx: Knex.Transaction, payload: ShipmentInvoice, eventId: string): Promise<void> {
  const record = `shipment of picking list ${payload.pickingListNumber}`;
  const found: Row | undefined = await trx('multicase.picking_lists')
    .where('picking_list_number', payload.pickingListNumber)
    .first('id', 'sales_order_id');
  if (!found) throw new UnmappableError(`${record}: field pickingListNumber is not a Multicase picking list`);
  // Order header before picking list, as the user actions lock them, so neither side deadlocks.
  const order: Row = await trx('multicase.sales_orders')
    .where('id', found.sales_order_id as number)
    .forUpdate()
    .first();
  const list: Row = await trx('multicase.picking_lists')
    .where('id', found.id as number)
    .forUpdate()
    .first();
  if (order.order_number !== payload.orderNumber) {
    throw new ValidationError(
      record,
      'orderNumber',
      `is ${payload.orderNumber}, but the picking list belongs to order ${String(order.order_number)}`,
    );
  }
  if (list.status === 'cancelled')
    throw new ValidationError(record, 'pickingListNumber', 'names a cancelled picking list');

  const listLines: Row[] = await trx('multicase.picking_list_lines as pll')
    .join('multicase.sales_order_lines as l', 'l.id', 'pll.sales_order_line_id')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('pll.picking_list_id', list.id as number)
    .select(
      'pll.position',
      'pll.quantity',
      'pll.sales_order_line_id',
      'l.product_id',
      'p.product_number',
      'p.is_service',
    );
  const byPosition = new Map(listLines.map((l) => [Number(l.position), l]));
  const earlier: Row[] = await trx('multicase.delivery_lines as dl')
    .join('multicase.deliveries as d', 'd.id', 'dl.delivery_id')
    .where('d.picking_list_id', list.id as number)
    .groupBy('dl.sales_order_line_id')
    .select('dl.sales_order_line_id', trx.raw('sum(dl.quantity)::float8 AS delivered'));
  const delivered = new Map(earlier.map((r) => [Number(r.sales_order_line_id), Number(r.delivered)]));

  const shipped: Shipped[] = [];
  const reported = new Map<number, number>();
  for (const [i, s] of payload.lines.entries()) {
    const line = byPosition.get(s.position);
    if (!line)
      throw new ValidationError(record, `lines[${i}].position`, `${s.position} is not a line of the picking list`);
    if (line.product_number !== s.productNumber) {
      throw new ValidationError(
        record,
        `lines[${i}].productNumber`,
        `is ${s.productNumber}, but position ${s.position} holds ${String(line.product_number)}`,
      );
    }
    if (s.totalShipped > Number(line.quantity)) {
      throw new ValidationError(
        record,
        `lines[${i}].totalShipped`,
        `is ${s.totalShipped}, but only ${Number(line.quantity)} of ${s.productNumber} was sent on the picking list`,
      );
    }
    const orderLineId = Number(line.sales_order_line_id);
    const delta = qty(s.totalShipped - (delivered.get(orderLineId) ?? 0));
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
        productId: Number(line.product_id),
        productNumber: s.productNumber,
        quantity: delta,
        isService: Boolean(line.is_service),
      });
  }
  // A repeat of the final report: everything below already happened.
  if (list.status === 'shipped') return;

  const salesOrderId = order.id as number;
  let deliveryId: number | null = null;
  let slip: string | null = null;
  if (shipped.length > 0) {
    slip = await allocateNumber(trx, 'packing_slip');
    const [delivery] = await trx('multicase.deliveries')
      .insert({
        sales_order_id: salesOrderId,
        picking_list_id: list.id,
        packing_slip_number: slip,
        shipped_at: payload.shippedAt === null ? trx.fn.now() : new Date(payload.shippedAt),
        carrier: payload.carrier,
        waybill: payload.waybill,
        tracking_url: payload.trackingUrl,
        event_id: eventId,
      })
      .returning('id');
    deliveryId = (delivery as { id: number }).id;
    await trx('multicase.delivery_lines').insert(
      shipped.map((s) => ({ delivery_id: deliveryId, sales_order_line_id: s.orderLineId, quantity: s.quantity })),
    );
    for (const s of shipped)
      await trx('multicase.sales_order_lines').where('id', s.orderLineId).increment('quantity_delivered', s.quantity);
    // Allocation is released first (by the trigger above), so taking the goods off hand never
    // runs into stock still allocated to them. Stock rows are locked in product order.
    const perProduct = new Map<number, number>();
    // A service item holds no stock (older picking lists may still carry one).
    for (const s of shipped.filter((x) => !x.isService))
      perProduct.set(s.productId, qty((perProduct.get(s.productId) ?? 0) + s.quantity));
    for (const [productId, quantity] of [...perProduct].sort((a, b) => a[0] - b[0])) {
      await bookStockChange(trx, {
        productId,
        warehouseId: order.warehouse_id as number,
        quantityChange: -quantity,
        kind: 'shipment',
        reference: payload.orderNumber,
        cause: `packing slip ${slip}`,
        eventId,
      });
    }
  }

  // Short pick: the unpicked rest leaves the warehouse's hands but stays allocated, so the user can
  // send it again on a new picking list.
  for (const line of listLines) {
    const rest = qty(Number(line.quantity) - (reported.get(Number(line.position)) ?? 0));
    if (rest > 0)
      await trx('multicase.sales_order_lines')
        .where('id', line.sales_order_line_id as number)
        .decrement('quantity_sent', rest);
  }
  await trx('multicase.picking_lists')
    .where('id', list.id as number)
    .update({ status: 'shipped', updated_at: trx.fn.now() });
  await updateOrderStatus(trx, order);

  if (deliveryId === null || slip === null) return;
  const what = shipped.map((s) => `${s.quantity} × ${s.productNumber}`).join(', ');
  const via = [payload.carrier, payload.waybill].filter((x) => x).join(' ');
  await addOrderHistory(trx, {
    salesOrderId,
    type: 'shipped',
    text: `Packing slip ${slip}: shipped ${what}${via ? ` (${via})` : ''}`,
    eventId,
  });
  if (payload.trackingUrl) {
    await addOrderHistory(trx, {
      salesOrderId,
      type: 'tracking',
      text: `Track the shipment${via ? ` ${via}` : ''}`,
      link: payload.trackingUrl,
      eventId,
    });
  }
  await invoice(trx, order, deliveryId, shipped, eventId);
}

async function updateOrderStatus(trx: Knex.Transaction, order: Row): Promise<void> {
  const lines: Row[] = await trx('multicase.sales_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where({ 'l.sales_order_id': order.id as number, 'p.is_service': false })
    .select('l.quantity', 'l.quantity_delivered', 'l.quantity_sent');
  const complete = lines.every((l) => Number(l.quantity_delivered) >= Number(l.quantity));
  const any = lines.some((l) => Number(l.quantity_delivered) > 0);
  const atWarehouse = lines.some((l) => Number(l.quantity_sent) > 0);
  const status = complete ? 'shipped' : any ? 'partly_shipped' : atWarehouse ? 'sent_to_warehouse' : 'open';
  if (status !== order.status)
    await trx('multicase.sales_orders')
      .where('id', order.id as number)
      .update({ status, updated_at: trx.fn.now() });
}

/** Invoices what was shipped, plus fees and freight (service lines) no earlier invoice covered. */
async function invoice(
  trx: Knex.Transaction,
  order: Row,
  deliveryId: number,
  shipped: Shipped[],
  eventId: string,
): Promise<void> {
  const orderLines: Row[] = await trx('multicase.sales_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .where('l.sales_order_id', order.id as number)
    .orderBy('l.position')
    .select('l.id', 'l.product_id', 'l.quantity', 'l.unit_price', 'l.vat_rate', 'p.is_service');
  const invoiced = new Set(
    (
      await trx('multicase.invoice_lines as il')
        .join('multicase.invoices as i', 'i.id', 'il.invoice_id')
        .where('i.sales_order_id', order.id as number)
        .whereNotNull('il.sales_order_line_id')
        .pluck('il.sales_order_line_id')
    ).map(Number),
  );
  const shippedQty = new Map<number, number>();
  for (const s of shipped) shippedQty.set(s.orderLineId, qty((shippedQty.get(s.orderLineId) ?? 0) + s.quantity));

  const lines = orderLines.flatMap((l) => {
    const id = Number(l.id);
    const quantity = l.is_service ? (invoiced.has(id) ? 0 : Number(l.quantity)) : (shippedQty.get(id) ?? 0);
    if (quantity <= 0) return [];
    const unitPrice = Number(l.unit_price);
    return [
      {
        sales_order_line_id: id,
        product_id: l.product_id,
        quantity,
        unit_price: unitPrice,
        vat_rate: Number(l.vat_rate),
        line_amount: money(quantity * unitPrice),
      },
    ];
  });
  const { net, vat } = documentTotals(lines);
  const number = await allocateNumber(trx, 'invoice');
  const [created] = await trx('multicase.invoices')
    .insert({
      invoice_number: number,
      sales_order_id: order.id,
      delivery_id: deliveryId,
      customer_id: order.customer_id,
      invoice_date: trx.raw('current_date'),
      due_date: trx.raw('multicase.order_due_date(?, current_date)', [order.id as number]),
      currency: order.currency,
      amount_net: net,
      vat_amount: vat,
      event_id: eventId,
    })
    .returning('id');
  const invoiceId = (created as { id: number }).id;
  await trx('multicase.invoice_lines').insert(lines.map((l, i) => ({ invoice_id: invoiceId, position: i + 1, ...l })));
  const total = `${String(order.currency)} ${net.toFixed(2)} + VAT ${vat.toFixed(2)}`;
  await addOrderHistory(trx, {
    salesOrderId: order.id as number,
    type: 'invoiced',
    text: `Invoice ${number}: ${total}`,
    eventId,
  });
}

export const shipmentInvoiceHandler: MulticaseCommandHandler<ShipmentInvoice> = {
  name: 'sink.multicase.shipment-invoice',
  input: topics.shipmentInvoice,
  apply: (trx, payload, command) => bookShipment(trx, payload, command.commandId),
};
