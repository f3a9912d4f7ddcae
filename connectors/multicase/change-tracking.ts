/**
 * Reading the Multicase tables as a change stream, safely, by polling.
 *
 * The database maintains the bookkeeping (migration 0008, install.ts): every insert or update
 * of a tracked row sets `change_xid` (the writing transaction's 64-bit id, `pg_current_xact_id()`) and
 * `change_seq` (the next value of one global sequence); a change to a document's lines touches
 * the document, so its stamp advances too; tracked rows are never deleted (products are
 * soft-deleted, documents cancelled).
 *
 * Why not "rows with updated_at (or a sequence) greater than the last one seen"? Because stamps
 * are taken when a transaction writes, but rows become visible when it commits. A transaction
 * that stamped its row early and commits late would land *behind* a cursor that has already
 * moved past it, and the row would be missed for ever.
 *
 * The safe read: take the snapshot's xmin, the oldest transaction still running. Every
 * transaction with an id below xmin has finished (committed or aborted), and every transaction
 * that starts later gets an id of at least xmin, so the set of visible rows with
 * `change_xid < xmin` can never grow below the cursor again. Reading only those rows, ordered by
 * (change_xid, change_seq), strictly after the cursor, therefore misses nothing and returns each
 * row version once. The price: a change stays invisible while any older transaction anywhere on
 * the server is still open (even one that never touches these tables), so a long-open
 * transaction delays CDC; it never loses a change. The filter and the row reads use the same
 * snapshot because they are one SQL statement.
 *
 * To read a document's lines consistently with the header version returned, run changedSince
 * and the line query in one REPEATABLE READ transaction (both then share one snapshot).
 */
import type { Knex } from 'knex';
import { TRACKED_TABLES } from './install.js';

export type TrackedTable = (typeof TRACKED_TABLES)[number];

/** A position in one table's change stream. Both parts are decimal strings (xid8 and bigint). */
export interface ChangeCursor {
  readonly xid: string;
  readonly seq: string;
}

export type TrackedRow<T> = T & { change_xid: string; change_seq: string };

export interface ChangeBatch<T> {
  /** Rows changed after the cursor, oldest change first, each in its current (committed) state. */
  readonly rows: TrackedRow<T>[];
  /** The cursor after the last row returned; the input cursor when nothing changed. */
  readonly cursor: ChangeCursor | null;
}

const DECIMAL = /^\d{1,20}$/;

/**
 * Up to `limit` rows of `table` whose last change is after `cursor` (from the beginning when
 * null) and belongs to a transaction that can no longer be overtaken. Call again with the
 * returned cursor until fewer than `limit` rows come back.
 */
export async function changedSince<T = Record<string, unknown>>(
  knex: Knex,
  table: TrackedTable,
  cursor: ChangeCursor | null,
  limit: number,
): Promise<ChangeBatch<T>> {
  if (!(TRACKED_TABLES as readonly string[]).includes(table)) throw new Error(`${table} is not a change-tracked Multicase table`);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  if (cursor && !(DECIMAL.test(cursor.xid) && DECIMAL.test(cursor.seq))) throw new Error(`malformed change cursor ${JSON.stringify(cursor)}`);

  const after = cursor ? 'AND (t.change_xid, t.change_seq) > (CAST(:xid AS xid8), CAST(:seq AS bigint))' : '';
  const result = await knex.raw(
    `SELECT t.*
       FROM multicase.:table: t,
            (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) horizon
      WHERE t.change_xid < horizon.xmin
        ${after}
      ORDER BY t.change_xid, t.change_seq
      LIMIT :limit`,
    { table, limit, ...(cursor ? { xid: cursor.xid, seq: cursor.seq } : {}) },
  );
  const rows = result.rows as TrackedRow<T>[];
  const last = rows.at(-1);
  return { rows, cursor: last ? { xid: String(last.change_xid), seq: String(last.change_seq) } : cursor };
}
