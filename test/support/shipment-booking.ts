/**
 * Booking shipments straight into a (stand-in) Multicase database, as flow 6's sink does, and
 * reading back what they left: for multicase-shipment-*.test.ts.
 */
import type { Knex } from 'knex';
import type { PickingList } from '../../infra/local/multicase-db/actions.js';
import { getSalesOrder } from '../../infra/local/multicase-db/actions.js';
import { bookShipment } from '../../connectors/multicase/adapter/shipments.js';
import type { ShipmentInvoice } from '../../schemas/types.generated.js';
import { shipmentOf } from '../../sinks/multicase/shipment-invoice.js';

export function shipmentBooking(db: () => Knex) {
  let events = 0;
  const ship = (payload: ShipmentInvoice, eventId = `evt-${++events}`) =>
    db().transaction((trx) => bookShipment(trx, shipmentOf(payload), { stage: 'test', eventId }));

  function command(
    list: PickingList,
    totals: Record<string, number>,
    extra: Partial<ShipmentInvoice> = {},
  ): ShipmentInvoice {
    return {
      orderNumber: list.orderNumber,
      pickingListNumber: list.pickingListNumber,
      ongoingOrderId: 9000 + list.id,
      ongoingOrderNumber: list.pickingListNumber,
      notCreatedByPipeline: null,
      warehouseCode: 'MAIN',
      shippedAt: Date.parse('2024-05-10T12:00:00Z'),
      carrier: 'Bring',
      waybill: `WB-${list.pickingListNumber}`,
      trackingUrl: `https://tracking.example/${list.pickingListNumber}`,
      lines: list.lines.map((l) => ({
        position: l.position,
        productNumber: l.productNumber,
        totalShipped: totals[l.productNumber] ?? l.quantity,
        ongoingLineId: (9000 + list.id) * 100 + l.position,
        rowNumber: String(l.position),
      })),
      ...extra,
    };
  }

  const line = async (orderNumber: string, productNumber: string) =>
    (await getSalesOrder(db(), orderNumber))!.lines.find((l) => l.productNumber === productNumber)!;
  const deliveries = (orderNumber: string) =>
    db()('multicase.deliveries as d')
      .join('multicase.sales_orders as o', 'o.id', 'd.sales_order_id')
      .where('o.order_number', orderNumber)
      .orderBy('d.id')
      .select('d.*');
  async function invoices(orderNumber: string) {
    const rows: Record<string, unknown>[] = await db()('multicase.invoices as i')
      .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
      .where('o.order_number', orderNumber)
      .orderBy('i.id')
      .select('i.*', db().raw('(i.due_date - i.invoice_date) AS days'));
    return Promise.all(
      rows.map(async (i) => ({
        ...i,
        lines: await db()('multicase.invoice_lines as il')
          .join('multicase.products as p', 'p.id', 'il.product_id')
          .where('il.invoice_id', i.id as number)
          .orderBy('il.position')
          .select('il.*', 'p.product_number'),
      })),
    );
  }
  const counts = async () => {
    const one = async (table: string) => Number((await db()(`multicase.${table}`).count({ n: '*' }))[0]!.n);
    return {
      deliveries: await one('deliveries'),
      invoices: await one('invoices'),
      history: await one('order_history'),
      stock: await one('stock_transactions'),
      exceptions: await one('integration_exceptions'),
    };
  };

  /** The integration exceptions raised, oldest first, with the documents named. */
  const exceptions = () =>
    db()('multicase.integration_exceptions as e')
      .leftJoin('multicase.picking_lists as pl', 'pl.id', 'e.picking_list_id')
      .leftJoin('multicase.products as p', 'p.id', 'e.product_id')
      .orderBy('e.id')
      .select('e.*', 'pl.picking_list_number', 'p.product_number');

  return { ship, command, line, deliveries, invoices, counts, exceptions };
}
