/**
 * Integration exceptions: what the warehouse did that Multicase's model cannot reconcile (more
 * than announced, an article not on the document, stock that was allocated, …). The fact itself is
 * always booked as it happened; the exception is a row for a person to resolve in Multicase, with
 * the reason, the documents and the quantities, and a note in the history of each Multicase
 * document involved. Raised exceptions are counted (pipeline_integration_exceptions_total, after
 * the transaction commits), open ones are a gauge per kind (open-exceptions.ts in sinks/multicase
 * keeps it), `ops status`, `ops exceptions` and the console list them. The kinds, what each means
 * and what the user does: exception-kinds.ts.
 */
import { Counter, Gauge } from 'prom-client';
import { registry } from '../../../runtime/metrics.js';
import type { MulticaseDb, MulticaseTransaction } from './commands.js';
import { bigint, nullable, pick, readFirst, readRows } from './columns.js';
import { addDocumentHistory } from './document-history.js';
import { EXCEPTION_KINDS, type ExceptionDocumentType, type ExceptionKind } from './exception-kinds.js';
import { addOrderHistory } from './order-history.js';
import { tables, type IntegrationExceptionRow } from './tables.js';
import { roundQuantity, toNumber, type Quantity } from './values.js';

export { EXCEPTION_KINDS, type ExceptionDocumentType, type ExceptionKind } from './exception-kinds.js';

export const exceptionsRaised = new Counter({
  name: 'pipeline_integration_exceptions_total',
  help: 'integration exceptions raised: facts from the warehouse that were booked as they happened but that Multicase could not reconcile with its documents, for a person to resolve (counted once their booking commits)',
  labelNames: ['kind', 'stage'],
  registers: [registry],
});

export const exceptionsOpen = new Gauge({
  name: 'pipeline_integration_exceptions_open',
  help: 'integration exceptions open in Multicase per kind, as last read by a sink-multicase process (INTEGRATION_EXCEPTIONS_POLL_MS)',
  labelNames: ['kind'],
  registers: [registry],
});

/** An exception to raise. Quantities are in the document's terms (a shipment's are positive). */
export interface NewException {
  kind: ExceptionKind;
  /** The document a person looks at first. */
  document: { type: ExceptionDocumentType; number: string };
  /** The Multicase documents involved; each gets a note in its history. */
  salesOrderId?: number | null;
  /** More sales orders involved (e.g. those whose allocation was released); each gets the note too. */
  salesOrderIds?: readonly number[];
  purchaseOrderId?: number | null;
  returnOrderId?: number | null;
  pickingListId?: number | null;
  productId?: number | null;
  warehouseId?: number | null;
  expected?: Quantity | null;
  reported?: Quantity | null;
  booked?: Quantity | null;
  /** The stock change the warehouse made that Multicase's stock does not hold (+: the warehouse has more); 0 when all was booked. */
  stockNotBooked?: Quantity;
  /** A sentence the user understands, naming the documents, the article and the quantities. */
  reason: string;
  details?: Record<string, unknown>;
}

/** Who raises it: the stage (for the metric) and the command applied. */
export interface RaisedBy {
  stage: string;
  eventId: string;
}

const noteOf = (id: number, kind: ExceptionKind, text: string) =>
  `Integration exception ${id} (${EXCEPTION_KINDS[kind].title}): ${text}`;

/** The sales order a picking list belongs to. */
async function salesOrderOfPickingList(trx: MulticaseTransaction, pickingListId: number): Promise<number | null> {
  const row = readFirst(
    pick(tables.picking_lists, 'sales_order_id'),
    await trx('multicase.picking_lists').where('id', pickingListId).first('sales_order_id'),
  );
  return row?.sales_order_id ?? null;
}

/** Notes `text` in the history of every Multicase document the exception names. */
async function noteOnDocuments(
  trx: MulticaseTransaction,
  e: Pick<
    IntegrationExceptionRow,
    'sales_order_id' | 'purchase_order_id' | 'return_order_id' | 'picking_list_id' | 'details'
  >,
  text: string,
  eventId: string | null,
): Promise<void> {
  const salesOrderId =
    e.sales_order_id ?? (e.picking_list_id !== null ? await salesOrderOfPickingList(trx, e.picking_list_id) : null);
  const more = Array.isArray(e.details.salesOrderIds) ? (e.details.salesOrderIds as number[]) : [];
  const orders = [...new Set([...(salesOrderId !== null ? [salesOrderId] : []), ...more])];
  for (const id of orders) await addOrderHistory(trx, { salesOrderId: id, type: 'note', text, eventId });
  if (e.purchase_order_id !== null)
    await addDocumentHistory(trx, { purchaseOrderId: e.purchase_order_id }, { type: 'exception', text, eventId });
  if (e.return_order_id !== null)
    await addDocumentHistory(trx, { returnOrderId: e.return_order_id }, { type: 'exception', text, eventId });
}

/**
 * Raises an exception inside the booking's transaction and notes it in the documents' histories;
 * it is counted once the transaction commits (not when it rolls back). Returns its id.
 */
export async function raiseException(trx: MulticaseTransaction, e: NewException, by: RaisedBy): Promise<number> {
  const refs = {
    sales_order_id: e.salesOrderId ?? null,
    purchase_order_id: e.purchaseOrderId ?? null,
    return_order_id: e.returnOrderId ?? null,
    picking_list_id: e.pickingListId ?? null,
  };
  const details = { ...e.details, ...(e.salesOrderIds?.length ? { salesOrderIds: [...e.salesOrderIds] } : {}) };
  const q = (n: Quantity | null | undefined) => (n === null || n === undefined ? null : roundQuantity(n));
  const [row] = (await trx('multicase.integration_exceptions')
    .insert({
      kind: e.kind,
      document_type: e.document.type,
      document_number: e.document.number,
      ...refs,
      product_id: e.productId ?? null,
      warehouse_id: e.warehouseId ?? null,
      quantity_expected: q(e.expected),
      quantity_reported: q(e.reported),
      quantity_booked: q(e.booked),
      stock_not_booked: q(e.stockNotBooked) ?? 0,
      reason: e.reason,
      details: JSON.stringify(details),
      event_id: by.eventId,
    })
    .returning('id')) as [{ id: unknown }];
  const id = toNumber(row.id);
  await noteOnDocuments(trx, { ...refs, details }, noteOf(id, e.kind, e.reason), by.eventId);
  void trx.executionPromise.then(
    () => exceptionsRaised.inc({ kind: e.kind, stage: by.stage }),
    () => undefined,
  );
  return id;
}

/** An exception as `ops status`, `ops exceptions` and the console show it. */
export interface IntegrationException {
  id: number;
  kind: ExceptionKind;
  status: 'open' | 'resolved';
  documentType: ExceptionDocumentType;
  documentNumber: string;
  productNumber: string | null;
  expected: Quantity | null;
  reported: Quantity | null;
  booked: Quantity | null;
  stockNotBooked: Quantity;
  reason: string;
  details: Record<string, unknown>;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

const LISTED = {
  ...pick(
    tables.integration_exceptions,
    'id',
    'kind',
    'status',
    'document_type',
    'document_number',
    'quantity_expected',
    'quantity_reported',
    'quantity_booked',
    'stock_not_booked',
    'reason',
    'details',
    'created_at',
    'resolved_at',
    'resolved_by',
    'resolution_note',
  ),
  product_number: nullable(tables.products.product_number),
};

const listed = (db: MulticaseDb | MulticaseTransaction) =>
  db('multicase.integration_exceptions as e')
    .leftJoin('multicase.products as p', 'p.id', 'e.product_id')
    .select('e.*', 'p.product_number');

const toException = (r: ReturnType<typeof readRows<typeof LISTED>>[number]): IntegrationException => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  documentType: r.document_type,
  documentNumber: r.document_number,
  productNumber: r.product_number,
  expected: r.quantity_expected,
  reported: r.quantity_reported,
  booked: r.quantity_booked,
  stockNotBooked: r.stock_not_booked,
  reason: r.reason,
  details: r.details,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  resolutionNote: r.resolution_note,
});

/** How many exceptions are open per kind, and the most recent `limit` open ones (of `kind` only, when given). */
export async function openExceptions(
  db: MulticaseDb,
  options: { limit?: number; kind?: ExceptionKind } = {},
): Promise<{ open: number; byKind: Partial<Record<ExceptionKind, number>>; recent: IntegrationException[] }> {
  const byKind = await openExceptionCounts(db);
  const rows = readRows(
    LISTED,
    await listed(db)
      .where('e.status', 'open')
      .modify((q) => (options.kind ? void q.where('e.kind', options.kind) : undefined))
      .orderBy('e.id', 'desc')
      .limit(options.limit ?? 50),
  );
  const counted = options.kind ? (byKind[options.kind] ?? 0) : Object.values(byKind).reduce((s, n) => s + n, 0);
  return { open: counted, byKind, recent: rows.map(toException) };
}

/** Open exceptions per kind (kinds with none left out). */
export async function openExceptionCounts(db: MulticaseDb): Promise<Partial<Record<ExceptionKind, number>>> {
  const rows = readRows(
    { kind: tables.integration_exceptions.kind, n: bigint },
    await db('multicase.integration_exceptions')
      .where('status', 'open')
      .groupBy('kind')
      .select('kind', db.raw('count(*) AS n')),
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** One exception by id, open or resolved. */
export async function exceptionById(
  db: MulticaseDb | MulticaseTransaction,
  id: number,
): Promise<IntegrationException | undefined> {
  const raw = await listed(db).where('e.id', id).first();
  return raw === undefined ? undefined : toException(readRows(LISTED, [raw])[0]!);
}

export type ResolveOutcome =
  | { outcome: 'resolved'; exception: IntegrationException }
  | { outcome: 'already resolved'; exception: IntegrationException }
  | { outcome: 'unknown' };

/**
 * Marks an exception resolved by `by` (a person, or the console's user) with what was done, and
 * notes that in the documents' histories. Resolving twice changes nothing the second time.
 */
export async function resolveException(db: MulticaseDb, id: number, by: string, note: string): Promise<ResolveOutcome> {
  return db.transaction(async (trx) => {
    const row = readFirst(
      tables.integration_exceptions,
      await trx('multicase.integration_exceptions').where('id', id).forUpdate().first(),
    );
    if (!row) return { outcome: 'unknown' } as const;
    if (row.status === 'open') {
      await trx('multicase.integration_exceptions')
        .where('id', id)
        .update({ status: 'resolved', resolved_at: trx.fn.now(), resolved_by: by, resolution_note: note });
      await noteOnDocuments(trx, row, `Integration exception ${id} resolved by ${by}: ${note}`, null);
    }
    const exception = (await exceptionById(trx, id))!;
    return { outcome: row.status === 'open' ? 'resolved' : 'already resolved', exception } as const;
  });
}

/**
 * What the open exceptions explain of the difference between the warehouse's stock and
 * Multicase's, per article, in the warehouse with `warehouseCode` (the stock reconciliation's
 * column of its own).
 */
export async function stockExplainedByExceptions(
  trx: MulticaseTransaction,
  warehouseCode: string,
): Promise<{ article: string; quantity: Quantity; exceptions: number[] }[]> {
  const rows = readRows(
    {
      article: tables.products.product_number,
      quantity: tables.integration_exceptions.stock_not_booked,
      id: tables.integration_exceptions.id,
    },
    await trx('multicase.integration_exceptions as e')
      .join('multicase.products as p', 'p.id', 'e.product_id')
      .join('multicase.warehouses as w', 'w.id', 'e.warehouse_id')
      .where({ 'e.status': 'open', 'w.code': warehouseCode })
      .whereNot('e.stock_not_booked', 0)
      .orderBy('e.id')
      .select('p.product_number as article', 'e.stock_not_booked as quantity', 'e.id'),
  );
  const byArticle = new Map<string, { article: string; quantity: Quantity; exceptions: number[] }>();
  for (const r of rows) {
    const a = byArticle.get(r.article) ?? { article: r.article, quantity: 0, exceptions: [] };
    a.quantity = roundQuantity(a.quantity + r.quantity);
    a.exceptions.push(r.id);
    byArticle.set(r.article, a);
  }
  return [...byArticle.values()];
}
