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
 * snapshot because they are one SQL statement. `horizonLag` below measures that delay and names
 * the transaction causing it (the table source turns it into a metric, a health check and a log
 * warning: horizon.ts).
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
  if (!(TRACKED_TABLES as readonly string[]).includes(table))
    throw new Error(`${table} is not a change-tracked Multicase table`);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`);
  if (cursor && !(DECIMAL.test(cursor.xid) && DECIMAL.test(cursor.seq)))
    throw new Error(`malformed change cursor ${JSON.stringify(cursor)}`);

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

/** The open transaction that holds the change-capture horizon back. */
export interface HorizonBlocker {
  /** Its backend's process id; null for a prepared (two-phase) transaction, which has no backend. */
  readonly pid: number | null;
  /** Its 32-bit transaction id, as pg_stat_activity shows it (decimal). */
  readonly xid: string;
  readonly applicationName: string | null;
  readonly user: string | null;
  readonly database: string | null;
  /** e.g. 'idle in transaction', 'active'; 'prepared' for a prepared transaction; null when hidden. */
  readonly state: string | null;
  /** When its transaction started (a prepared transaction: when it was prepared); null when hidden. */
  readonly xactStart: Date | null;
  /** The first 200 characters of its current or last statement; null when hidden. */
  readonly query: string | null;
  /** The global id of a prepared transaction (`COMMIT PREPARED 'gid'` / `ROLLBACK PREPARED 'gid'` end it). */
  readonly preparedGid: string | null;
  /**
   * True when the server hides this backend's state, start and statement from us: it runs as
   * another role and we are not a member of pg_read_all_stats (or that role).
   */
  readonly detailsHidden: boolean;
}

export interface HorizonLag {
  /**
   * How long the horizon has been held back: the age in seconds of the oldest open transaction
   * that has a transaction id; 0 when there is none. Null when that transaction's start is
   * hidden from us (see `HorizonBlocker.detailsHidden`); a caller measuring repeatedly can
   * bound it from below by how long it has seen the same `blocker.xid`.
   */
  readonly seconds: number | null;
  readonly blocker: HorizonBlocker | null;
}

const HIDDEN_QUERY = '<insufficient privilege>';

/**
 * How far the change-capture horizon lags, and who holds it back: the oldest transaction still
 * running anywhere on the server that has a transaction id (from pg_stat_activity, plus any
 * prepared transaction), excluding the backend asking.
 *
 * Only transactions with an id count. The horizon `changedSince` reads below is the snapshot's
 * xmin, the oldest *running transaction id*; a backend that merely holds an old snapshot
 * (`backend_xmin`, e.g. a long read-only report or pg_dump) holds back vacuum but not this
 * horizon, so ranking by it would report stalls that do not exist. A transaction gets an id on
 * its first write (or `pg_current_xact_id()`), so the classic culprit is a session that wrote
 * something and was left 'idle in transaction'.
 *
 * Needs no superuser: pid, xid, user, database and application of every backend are visible to
 * every role; state, start and statement of another role's backend need pg_read_all_stats (else
 * `detailsHidden`, and `seconds` is null). One cheap catalog query.
 */
export async function horizonLag(knex: Knex): Promise<HorizonLag> {
  const result = await knex.raw(
    `WITH holders AS (
       SELECT a.pid, a.backend_xid AS xid, a.application_name, a.usename::text AS usename, a.datname::text AS datname,
              a.state, a.xact_start, a.query, NULL::text AS gid
         FROM pg_stat_activity a
        WHERE a.backend_xid IS NOT NULL
          AND a.pid <> pg_backend_pid()
       UNION ALL
       SELECT NULL, p.transaction, NULL, p.owner::text, p.database::text,
              'prepared', p.prepared, NULL, p.gid
         FROM pg_prepared_xacts p
     )
     SELECT pid, xid::text AS xid, application_name, usename, datname, state, xact_start,
            left(query, 200) AS query, gid,
            extract(epoch FROM clock_timestamp() - xact_start)::float8 AS age_seconds
       FROM holders
      ORDER BY age(xid) DESC
      LIMIT 1`,
  );
  const r = (result.rows as Record<string, unknown>[])[0];
  if (!r) return { seconds: 0, blocker: null };
  const detailsHidden = r.xact_start === null;
  const query = r.query === null || r.query === HIDDEN_QUERY || detailsHidden ? null : String(r.query);
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));
  return {
    seconds: detailsHidden ? null : Math.max(0, Number(r.age_seconds)),
    blocker: {
      pid: r.pid === null ? null : Number(r.pid),
      xid: String(r.xid),
      applicationName: text(r.application_name),
      user: text(r.usename),
      database: text(r.datname),
      state: text(r.state),
      xactStart:
        r.xact_start instanceof Date ? r.xact_start : r.xact_start === null ? null : new Date(String(r.xact_start)),
      query,
      preparedGid: text(r.gid),
      detailsHidden,
    },
  };
}
