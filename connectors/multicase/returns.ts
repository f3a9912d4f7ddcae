/**
 * Multicase customer returns as change events (flow 7). Like purchase orders they reach Ongoing as
 * soon as they are saved: a commit wakes the source through NOTIFY; the interval is only the
 * fallback. The event carries every line with its handling; which of them the warehouse receives
 * is the processor's choice.
 */
import { topics } from '../../schemas/catalog.js';
import type { ReturnOrder, ReturnOrderChanged } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { RejectedRow, SourceEvent } from '../../runtime/source.js';
import { envelope, num, operationOf, rejectOrEvent, str, type Row, type TableReader } from './table-source.js';

export const returnSourceSettings = {
  returnIntervalMs: setting.int('MULTICASE_RETURN_POLL_MS', {
    default: 5_000,
    min: 100,
    description: 'fallback poll of customer returns; commits wake the connector at once via LISTEN/NOTIFY',
  }),
};

export function returnRowToEvent(
  row: Row,
  lines: Row[],
  snapshot: boolean,
  capturedAt: number,
): SourceEvent<ReturnOrderChanged> {
  const key = str(row.return_number)?.trim();
  if (!key) throw new ValidationError(`return row id ${String(row.id)}`, 'return_number', 'is missing');
  const record = `return ${key}`;
  const after: ReturnOrder = {
    returnNumber: key,
    orderNumber: String(row.order_number),
    status: String(row.status),
    reason: str(row.reason),
    settlement: str(row.settlement),
    warehouseCode: str(row.warehouse_code),
    customerNumber: str(row.customer_number),
    customerName: str(row.customer_name),
    lines: lines.map((l, i) => {
      if (str(l.product_number) === null)
        throw new ValidationError(
          record,
          `lines[${i}].productNumber`,
          `refers to unknown product id ${String(l.product_id)} (line ${String(l.position)})`,
        );
      return {
        position: Number(l.position),
        orderLinePosition: Number(l.order_position),
        productNumber: String(l.product_number),
        quantity: Number(l.quantity),
        cause: str(l.cause),
        handling: str(l.handling),
        quantityReceived: num(l.quantity_received),
      };
    }),
  };
  return {
    topic: topics.returnOrderChanged,
    key,
    value: {
      ...envelope('return', key, row, operationOf(row, snapshot, row.status === 'cancelled'), capturedAt),
      after,
    },
  };
}

export const returnReader: TableReader = {
  source: 'multicase.returns',
  table: 'return_orders',
  topic: topics.returnOrderChanged,
  async toEvents(trx, rows, snapshot) {
    const ids = rows.map((r) => r.id as number);
    const heads = new Map<unknown, Row>(
      (
        await trx('multicase.return_orders as r')
          .join('multicase.sales_orders as o', 'o.id', 'r.sales_order_id')
          .leftJoin('multicase.customers as c', 'c.id', 'o.customer_id')
          .leftJoin('multicase.warehouses as w', 'w.id', 'r.warehouse_id')
          .whereIn('r.id', ids)
          .select('r.id', 'o.order_number', 'c.customer_number', 'c.name as customer_name', 'w.code as warehouse_code')
      ).map((h: Row) => [h.id, h]),
    );
    const lines: Row[] = await trx('multicase.return_order_lines as l')
      .join('multicase.sales_order_lines as ol', 'ol.id', 'l.sales_order_line_id')
      .leftJoin('multicase.products as p', 'p.id', 'l.product_id')
      .whereIn('l.return_order_id', ids)
      .orderBy(['l.return_order_id', 'l.position'])
      .select(
        'l.return_order_id',
        'l.position',
        'l.product_id',
        'l.quantity',
        'l.quantity_received',
        'l.cause',
        'l.handling',
        'ol.position as order_position',
        'p.product_number',
      );
    const events: SourceEvent[] = [];
    const rejected: RejectedRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      const full = { ...row, ...heads.get(row.id) };
      const own = lines.filter((l) => l.return_order_id === row.id);
      rejectOrEvent(
        topics.returnOrderChanged as RejectedRow['topic'],
        { ...full, lines: own },
        str(row.return_number),
        () => returnRowToEvent(full, own, snapshot, now) as SourceEvent,
        events,
        rejected,
      );
    }
    return { events, rejected };
  },
};
