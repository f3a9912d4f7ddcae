/**
 * Source connector for the Multicase database: polling change-data capture of products and
 * purchase orders (with their lines), one connector per table, each with its own position in
 * state.source-offsets.
 *
 * Which rows are safe to read is decided by `changedSince` (change-tracking.ts):
 * a change sequence plus the transaction-id horizon, so a transaction that commits after a later
 * one was read is still picked up, never skipped. A first run starts from the beginning of the
 * change stream, i.e. a snapshot of every existing row (marked SNAPSHOT), then follows changes.
 *
 * Timing: products are polled at a set interval (default one minute). Purchase orders are meant to
 * reach Ongoing as soon as they are saved: the database sends a NOTIFY on every commit that touches
 * a tracked table, which wakes the connector at once; the interval is only the fallback. Neither
 * spins: an unchanged table costs one indexed query per interval.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { topics } from '../../schemas/catalog.js';
import type { Operation, Product, ProductChanged, PurchaseOrder, PurchaseOrderChanged } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';
import { changedSince, type ChangeCursor } from './change-tracking.js';

export const multicaseSourceSettings = {
  productIntervalMs: setting.int('MULTICASE_PRODUCT_POLL_MS', { default: 60_000, min: 100, description: 'how often products are polled (master data runs on a schedule)' }),
  purchaseOrderIntervalMs: setting.int('MULTICASE_PURCHASE_ORDER_POLL_MS', { default: 5_000, min: 100, description: 'fallback poll of purchase orders; commits wake the connector at once via LISTEN/NOTIFY' }),
  batchSize: setting.int('MULTICASE_SOURCE_BATCH', { default: 500, min: 1, max: 10_000, description: 'rows read per poll' }),
};

/** The channel the Multicase change-tracking trigger notifies on commit. */
export const CHANGE_CHANNEL = 'multicase_change';

export interface TablePosition {
  cursor: ChangeCursor | null;
  /** False until the first pass over existing rows has caught up. */
  snapshotDone: boolean;
}

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function operationOf(row: Row, snapshot: boolean, deleted: boolean): Operation {
  if (snapshot) return 'SNAPSHOT';
  if (deleted) return 'DELETE';
  return String((row.created_at as Date)?.valueOf()) === String((row.updated_at as Date)?.valueOf()) ? 'CREATE' : 'UPDATE';
}

const envelope = (entity: string, key: string, row: Row, op: Operation, capturedAt: number) => ({
  eventId: `multicase:${entity}:${key}:${String(row.change_seq)}`,
  entityKey: key,
  operation: op,
  source: { system: 'multicase', entity, position: `${String(row.change_xid)}/${String(row.change_seq)}` },
  occurredAt: (row.updated_at as Date).valueOf(),
  capturedAt,
});

/** A product row as an event; a row that cannot be one (no product number) is rejected. */
export function productRowToEvent(row: Row, snapshot: boolean, capturedAt: number): SourceEvent<ProductChanged> {
  const key = str(row.product_number)?.trim();
  if (!key) throw new ValidationError(`product row id ${String(row.id)}`, 'product_number', 'is missing');
  const after: Product = {
    productId: Number(row.id),
    productNumber: key,
    description: str(row.description) ?? '',
    description2: str(row.description2),
    ean: str(row.ean),
    unit: str(row.unit),
    weightKg: num(row.weight_kg),
    lengthCm: num(row.length_cm),
    widthCm: num(row.width_cm),
    heightCm: num(row.height_cm),
    volumeDm3: num(row.volume_dm3),
    isService: Boolean(row.is_service),
    isActive: Boolean(row.is_active),
    isDeleted: Boolean(row.is_deleted),
    supplierNumber: str(row.supplier_number),
    productGroup: str(row.product_group),
  };
  return { topic: topics.productChanged, key, value: { ...envelope('product', key, row, operationOf(row, snapshot, after.isDeleted), capturedAt), after } };
}

/** A purchase order with its lines as an event; lines without a known product are rejected. */
export function purchaseOrderRowToEvent(row: Row, lines: Row[], snapshot: boolean, capturedAt: number): SourceEvent<PurchaseOrderChanged> {
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
    lines: lines.map((l, i) => {
      if (str(l.product_number) === null) throw new ValidationError(record, `lines[${i}].productNumber`, `refers to unknown product id ${String(l.product_id)} (position ${String(l.position)})`);
      return {
        position: Number(l.position),
        productNumber: String(l.product_number),
        quantityOrdered: Number(l.quantity_ordered),
        quantityReceived: Number(l.quantity_received),
        unitPrice: num(l.unit_price),
      };
    }),
  };
  return { topic: topics.purchaseOrderChanged, key, value: { ...envelope('purchase-order', key, row, operationOf(row, snapshot, row.status === 'cancelled'), capturedAt), after } };
}

interface TableReader {
  table: 'products' | 'purchase_orders';
  topic: typeof topics.productChanged | typeof topics.purchaseOrderChanged;
  /** Rows to events, with the related rows read in the same snapshot. */
  toEvents(trx: Knex.Transaction, rows: Row[], snapshot: boolean): Promise<{ events: SourceEvent[]; rejected: RejectedRow[] }>;
}

function rejectOrEvent(topic: RejectedRow['topic'], row: Row, key: string | null, make: () => SourceEvent, events: SourceEvent[], rejected: RejectedRow[]) {
  try {
    events.push(make());
  } catch (error) {
    rejected.push({ topic, key, row, error });
  }
}

const productReader: TableReader = {
  table: 'products',
  topic: topics.productChanged,
  async toEvents(trx, rows, snapshot) {
    const supplierIds = [...new Set(rows.map((r) => r.supplier_id).filter((v) => v !== null))];
    const suppliers = new Map<unknown, string>(
      supplierIds.length ? (await trx('multicase.suppliers').whereIn('id', supplierIds as number[]).select('id', 'supplier_number')).map((s: Row) => [s.id, String(s.supplier_number)]) : [],
    );
    const events: SourceEvent[] = [];
    const rejected: RejectedRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      const full = { ...row, supplier_number: suppliers.get(row.supplier_id) ?? null };
      rejectOrEvent(topics.productChanged as RejectedRow['topic'], full, str(row.product_number), () => productRowToEvent(full, snapshot, now) as SourceEvent, events, rejected);
    }
    return { events, rejected };
  },
};

const purchaseOrderReader: TableReader = {
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
      rejectOrEvent(topics.purchaseOrderChanged as RejectedRow['topic'], { ...full, lines: own }, str(row.purchase_order_number), () => purchaseOrderRowToEvent(full, own, snapshot, now) as SourceEvent, events, rejected);
    }
    return { events, rejected };
  },
};

/** Wakes `listeners` whenever a commit touched a tracked table (one LISTEN connection per process). */
async function listenForChanges(databaseUrl: string, log: Logger, onChange: (table: string) => void): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'multicase-pipeline-listen' });
  client.on('error', (err) => log.warn('LISTEN connection lost; falling back to interval polling', { error: err.message }));
  client.on('notification', (n) => onChange(n.payload ?? ''));
  await client.connect();
  await client.query(`LISTEN ${CHANGE_CHANNEL}`);
  return () => client.end();
}

function tableConnector(
  name: string,
  reader: TableReader,
  db: Knex,
  opts: { intervalMs: number; batchSize: number; databaseUrl?: string; log: Logger },
): SourceConnector<TablePosition> {
  // Commits notified but not yet readable: they can sit above the horizon while an older
  // transaction is still open, so look again shortly (bounded) instead of a whole interval later.
  let pendingNotify = false;
  let deferredPolls = 0;
  return {
    name,
    initialPosition: { cursor: null, snapshotDone: false },
    intervalMs: opts.intervalMs,
    async poll(position): Promise<PollResult<TablePosition>> {
      const wasNotified = pendingNotify;
      pendingNotify = false;
      // One REPEATABLE READ transaction: the rows and their lines come from one snapshot.
      const { rows, cursor, events, rejected } = await db.transaction(
        async (trx) => {
          const batch = await changedSince<Row>(trx, reader.table, position.cursor, opts.batchSize);
          const mapped = batch.rows.length ? await reader.toEvents(trx, batch.rows, !position.snapshotDone) : { events: [], rejected: [] };
          return { rows: batch.rows, cursor: batch.cursor, ...mapped };
        },
        { isolationLevel: 'repeatable read', readOnly: true },
      );
      const full = rows.length === opts.batchSize;
      let nextPollInMs: number | undefined;
      if (rows.length === 0 && wasNotified && deferredPolls < 40) {
        deferredPolls++;
        pendingNotify = true;
        nextPollInMs = 25;
      } else if (rows.length > 0) {
        deferredPolls = 0;
      }
      return {
        events,
        rejected,
        next: { cursor, snapshotDone: position.snapshotDone || !full },
        more: full,
        ...(nextPollInMs !== undefined ? { nextPollInMs } : {}),
      };
    },
    ...(opts.databaseUrl
      ? {
          async subscribe(wake: () => void) {
            return listenForChanges(opts.databaseUrl!, opts.log, (table) => {
              if (table === reader.table) {
                pendingNotify = true;
                deferredPolls = 0;
                wake();
              }
            });
          },
        }
      : {}),
  };
}

export function multicaseSources(db: Knex, cfg: { productIntervalMs: number; purchaseOrderIntervalMs: number; batchSize: number; databaseUrl?: string }, log: Logger): SourceConnector<TablePosition>[] {
  return [
    tableConnector('multicase.products', productReader, db, { intervalMs: cfg.productIntervalMs, batchSize: cfg.batchSize, log }),
    tableConnector('multicase.purchase-orders', purchaseOrderReader, db, {
      intervalMs: cfg.purchaseOrderIntervalMs,
      batchSize: cfg.batchSize,
      log,
      ...(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl } : {}),
    }),
  ];
}
