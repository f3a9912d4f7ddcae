/**
 * Multicase picking lists (an order, or part of it, a user sent to the warehouse) as change
 * events (flow 4). Like purchase orders they reach Ongoing as soon as they are saved: a commit
 * wakes the source through NOTIFY; the interval is only the fallback. A changed or cancelled
 * picking list follows the same way, and so does a change of its order's data after it was sent
 * (address, freight method, pickup point, delivery date, warehouse, …): the database touches the
 * order's sent picking lists when one of SALES_ORDER_COLUMNS_SENT changes (install.ts).
 */
import { topics } from '../../schemas/catalog.js';
import type { OrderReleased, ReleasedOrder } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { RejectedRow, SourceEvent } from '../../runtime/source.js';
import { SALES_ORDER_COLUMNS_SENT } from './install.js';
import { envelope, num, operationOf, rejectOrEvent, str, type Row, type TableReader } from './table-source.js';

export const pickingListSourceSettings = {
  pickingListIntervalMs: setting.int('MULTICASE_PICKING_LIST_POLL_MS', {
    default: 5_000,
    min: 100,
    description: 'fallback poll of picking lists; commits wake the connector at once via LISTEN/NOTIFY',
  }),
};

/** A picking list with its order's delivery data and its lines as an event. */
export function pickingListRowToEvent(
  row: Row,
  lines: Row[],
  snapshot: boolean,
  capturedAt: number,
): SourceEvent<OrderReleased> {
  const key = str(row.picking_list_number)?.trim();
  if (!key) throw new ValidationError(`picking list row id ${String(row.id)}`, 'picking_list_number', 'is missing');
  const record = `picking list ${key}`;
  const after: ReleasedOrder = {
    pickingListNumber: key,
    orderNumber: String(row.order_number),
    status: String(row.status),
    customerNumber: String(row.customer_number),
    customerName: str(row.customer_name),
    shippingMethodId: Number(row.shipping_method_id),
    shippingMethodCode: str(row.shipping_method_code),
    shippingMethodActive:
      row.shipping_method_active === null || row.shipping_method_active === undefined
        ? null
        : Boolean(row.shipping_method_active),
    deliveryAddress: {
      name: String(row.delivery_name),
      address1: str(row.delivery_address1),
      address2: str(row.delivery_address2),
      address3: str(row.delivery_address3),
      postCode: str(row.delivery_post_code),
      city: str(row.delivery_city),
      countryCode: String(row.delivery_country_code),
      email: str(row.delivery_email),
      phone: str(row.delivery_phone),
    },
    deliveryDate: str(row.delivery_date),
    reference: str(row.reference),
    warehouseCode: str(row.warehouse_code),
    pickupPointCode: str(row.pickup_point_code),
    currency: str(row.currency),
    invoiceAddress:
      str(row.invoice_name) === null
        ? null
        : {
            name: String(row.invoice_name),
            address1: str(row.invoice_address1),
            address2: str(row.invoice_address2),
            address3: str(row.invoice_address3),
            postCode: str(row.invoice_post_code),
            city: str(row.invoice_city),
            countryCode: str(row.invoice_country_code),
          },
    vatNumber: str(row.vat_number),
    organisationNumber: str(row.organisation_number),
    termsOfDelivery: str(row.terms_of_delivery),
    orderRemark: str(row.order_remark),
    cashOnDeliveryAmount: num(row.cash_on_delivery_amount),
    lines: lines.map((l, i) => {
      if (str(l.product_number) === null)
        throw new ValidationError(
          record,
          `lines[${i}].productNumber`,
          `refers to unknown product id ${String(l.product_id)} (position ${String(l.position)})`,
        );
      return {
        position: Number(l.position),
        productNumber: String(l.product_number),
        quantity: Number(l.quantity),
        unitPrice: num(l.unit_price),
      };
    }),
  };
  return {
    topic: topics.orderReleased,
    key,
    value: {
      ...envelope('picking-list', key, row, operationOf(row, snapshot, row.status === 'cancelled'), capturedAt),
      after,
    },
  };
}

export const pickingListReader: TableReader = {
  source: 'multicase.picking-lists',
  table: 'picking_lists',
  topic: topics.orderReleased,
  async toEvents(trx, rows, snapshot) {
    const ids = rows.map((r) => r.id as number);
    const heads = new Map<unknown, Row>(
      (
        await trx('multicase.picking_lists as pl')
          .join('multicase.sales_orders as o', 'o.id', 'pl.sales_order_id')
          .leftJoin('multicase.customers as c', 'c.id', 'o.customer_id')
          .leftJoin('multicase.shipping_methods as m', 'm.id', 'o.shipping_method_id')
          .leftJoin('multicase.warehouses as w', 'w.id', 'o.warehouse_id')
          .whereIn('pl.id', ids)
          .select(
            'pl.id',
            ...SALES_ORDER_COLUMNS_SENT.map((c) => `o.${c}`),
            'c.customer_number',
            'c.name as customer_name',
            'm.short_name as shipping_method_code',
            'm.active as shipping_method_active',
            'w.code as warehouse_code',
          )
      ).map((h: Row) => [h.id, h]),
    );
    const lines: Row[] = await trx('multicase.picking_list_lines as l')
      .join('multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id')
      .leftJoin('multicase.products as p', 'p.id', 'ol.product_id')
      .whereIn('l.picking_list_id', ids)
      .orderBy(['l.picking_list_id', 'l.position'])
      .select('l.picking_list_id', 'l.position', 'l.quantity', 'ol.product_id', 'ol.unit_price', 'p.product_number');
    const events: SourceEvent[] = [];
    const rejected: RejectedRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      const full = { ...row, ...heads.get(row.id) };
      const own = lines.filter((l) => l.picking_list_id === row.id);
      rejectOrEvent(
        topics.orderReleased as RejectedRow['topic'],
        { ...full, lines: own },
        str(row.picking_list_number),
        () => pickingListRowToEvent(full, own, snapshot, now) as SourceEvent,
        events,
        rejected,
      );
    }
    return { events, rejected };
  },
};
