/**
 * Multicase purchase orders, with their lines, as change events (flow 2). They are meant to reach
 * Ongoing as soon as they are saved: the database notifies on every commit that touches a tracked
 * table, which wakes the source at once; the interval is only the fallback. A purchase order closed
 * short (status closed) is an update like any other; a cancelled one is a DELETE.
 */
import { topics } from '../../schemas/catalog.js';
import type { PurchaseOrder, PurchaseOrderChanged } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { RejectedRow, SourceEvent } from '../../runtime/source.js';
import { envelope, num, operationOf, rejectOrEvent, str, type Row, type TableReader } from './table-source.js';

export const purchaseOrderSourceSettings = {
  purchaseOrderIntervalMs: setting.int('MULTICASE_PURCHASE_ORDER_POLL_MS', {
    default: 5_000,
    min: 100,
    description: 'fallback poll of purchase orders; commits wake the connector at once via LISTEN/NOTIFY',
  }),
};

/** A purchase order with its lines as an event; lines without a known product are rejected. */
export function purchaseOrderRowToEvent(
  row: Row,
  lines: Row[],
  snapshot: boolean,
  capturedAt: number,
): SourceEvent<PurchaseOrderChanged> {
  const key = str(row.purchase_order_number)?.trim();
  if (!key) throw new ValidationError(`purchase order row id ${String(row.id)}`, 'purchase_order_number', 'is missing');
  const record = `purchase order ${key}`;
  const after: PurchaseOrder = {
    purchaseOrderNumber: key,
    status: String(row.status),
    supplierNumber: str(row.supplier_number),
    supplierName: str(row.supplier_name),
    warehouseCode: str(row.warehouse_code),
    expectedDate: str(row.expected_date),
    reference: str(row.reference),
    note: str(row.note),
    deliveryText: str(row.delivery_text),
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
        quantityOrdered: Number(l.quantity_ordered),
        quantityReceived: Number(l.quantity_received),
        unitPrice: num(l.unit_price),
      };
    }),
  };
  return {
    topic: topics.purchaseOrderChanged,
    key,
    value: {
      ...envelope('purchase-order', key, row, operationOf(row, snapshot, row.status === 'cancelled'), capturedAt),
      after,
    },
  };
}

export const purchaseOrderReader: TableReader = {
  source: 'multicase.purchase-orders',
  table: 'purchase_orders',
  topic: topics.purchaseOrderChanged,
  async toEvents(trx, rows, snapshot) {
    const ids = rows.map((r) => r.id as number);
    const heads = new Map<unknown, Row>(
      (
        await trx('multicase.purchase_orders as po')
          .leftJoin('multicase.suppliers as s', 's.id', 'po.supplier_id')
          .leftJoin('multicase.warehouses as w', 'w.id', 'po.warehouse_id')
          .whereIn('po.id', ids)
          .select('po.id', 's.supplier_number', 's.name as supplier_name', 'w.code as warehouse_code')
      ).map((h: Row) => [h.id, h]),
    );
    const lines: Row[] = await trx('multicase.purchase_order_lines as l')
      .leftJoin('multicase.products as p', 'p.id', 'l.product_id')
      .whereIn('l.purchase_order_id', ids)
      .orderBy(['l.purchase_order_id', 'l.position'])
      .select('l.*', 'p.product_number');
    const events: SourceEvent[] = [];
    const rejected: RejectedRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      const full = { ...row, ...heads.get(row.id) };
      const own = lines.filter((l) => l.purchase_order_id === row.id);
      rejectOrEvent(
        topics.purchaseOrderChanged as RejectedRow['topic'],
        { ...full, lines: own },
        str(row.purchase_order_number),
        () => purchaseOrderRowToEvent(full, own, snapshot, now) as SourceEvent,
        events,
        rejected,
      );
    }
    return { events, rejected };
  },
};
