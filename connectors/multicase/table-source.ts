/**
 * The source connector over one change-tracked Multicase table: polling change-data capture, one
 * connector per table (a `TableReader` per entity: products.ts, purchase-orders.ts, …), each with
 * its own position in the source-positions topic.
 *
 * Which rows are safe to read is decided by `changedSince` (change-tracking.ts):
 * a change sequence plus the transaction-id horizon, so a transaction that commits after a later
 * one was read is still picked up, never skipped. A first run starts from the beginning of the
 * change stream, i.e. a snapshot of every existing row (marked SNAPSHOT), then follows changes.
 *
 * Timing: each table is polled at its interval. A reader may also listen: the database sends a
 * NOTIFY on every commit that touches a tracked table, which wakes the connector at once. Neither
 * spins: an unchanged table costs one indexed query per interval.
 *
 * Resnapshot (`ops resnapshot`, Debezium's incremental snapshot): on a signal the source re-reads
 * every row of its table by id, one chunk per poll after its change read, in the same snapshot,
 * and emits them as SNAPSHOT events under ids of their own (resnapshotEventId), while change
 * capture goes on. A chunk row is at least as new as anything the change read emitted before it
 * (both read committed rows in their current state), so per key nothing older overtakes anything
 * newer; a row that changes meanwhile is emitted again by the change read. Progress lives in the
 * position, so a restart (or the standby that takes over) carries on from the last chunk.
 *
 * Stalls: a transaction left open anywhere on the server holds every change behind it back, while
 * polls keep succeeding. Each poll therefore also measures the horizon (at most every few seconds)
 * into `pipeline_cdc_horizon_lag_seconds`, a health check and warnings naming the transaction
 * (horizon.ts).
 */
import type { Knex } from 'knex';
import type { TopicSpec } from '../../schemas/topic.js';
import { resnapshotEventId, type ChangeEvent } from '../../schemas/envelopes.js';
import type { Operation, SourceSignal } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import type { Logger } from '../../runtime/logger.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';
import { changedSince, type ChangeCursor, type TrackedTable } from './change-tracking.js';
import { classifyDatabaseError } from './database-errors.js';
import { listenClient } from './database.js';
import { horizonSettings, watchHorizon } from './horizon.js';
import { CHANGE_CHANNEL } from './install.js';

export const tableSourceSettings = {
  batchSize: setting.int('MULTICASE_SOURCE_BATCH', {
    default: 500,
    min: 1,
    max: 10_000,
    description: 'rows read per poll',
  }),
  ...horizonSettings,
};

export interface TablePosition {
  cursor: ChangeCursor | null;
  /** False until the first pass over existing rows has caught up. */
  snapshotDone: boolean;
  /** The last resnapshot signal accepted, and how far it got (kept when finished, for `ops resnapshot`). */
  resnapshot?: ResnapshotProgress;
}

export interface ResnapshotProgress {
  signal: string;
  /** Rows up to this id were sent again. */
  afterId: number;
  sent: number;
  /** Rows in the table when it started; null until counted. */
  total: number | null;
  startedAt: number;
  finishedAt: number | null;
}

export type Row = Record<string, unknown>;
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function operationOf(row: Row, snapshot: boolean, deleted: boolean): Operation {
  if (snapshot) return 'SNAPSHOT';
  if (deleted) return 'DELETE';
  return String((row.created_at as Date)?.valueOf()) === String((row.updated_at as Date)?.valueOf())
    ? 'CREATE'
    : 'UPDATE';
}

export const envelope = (entity: string, key: string, row: Row, op: Operation, capturedAt: number) => ({
  eventId: `multicase:${entity}:${key}:${String(row.change_seq)}`,
  entityKey: key,
  operation: op,
  source: { system: 'multicase', entity, position: `${String(row.change_xid)}/${String(row.change_seq)}` },
  occurredAt: (row.updated_at as Date).valueOf(),
  capturedAt,
});

/** What is specific to one table: its source name, the topic its events go to, rows → events. */
export interface TableReader {
  /** The source's name, also the key of its position. */
  source: string;
  table: TrackedTable;
  topic: TopicSpec<unknown>;
  /** Rows to events, with the related rows read in the same snapshot. */
  toEvents(
    trx: Knex.Transaction,
    rows: Row[],
    snapshot: boolean,
  ): Promise<{ events: SourceEvent[]; rejected: RejectedRow[] }>;
}

export function rejectOrEvent(
  topic: RejectedRow['topic'],
  row: Row,
  key: string | null,
  make: () => SourceEvent,
  events: SourceEvent[],
  rejected: RejectedRow[],
) {
  try {
    events.push(make());
  } catch (error) {
    rejected.push({ topic, key, row, error });
  }
}

/** Wakes `listeners` whenever a commit touched a tracked table (one LISTEN connection per process). */
async function listenForChanges(
  db: Knex,
  log: Logger,
  onChange: (table: string) => void,
): Promise<() => Promise<void>> {
  const client = listenClient(db, 'multicase-pipeline-listen');
  client.on('error', (err) =>
    log.warn('LISTEN connection lost; falling back to interval polling', { error: err.message }),
  );
  client.on('notification', (n) => onChange(n.payload ?? ''));
  await client.connect();
  await client.query(`LISTEN ${CHANGE_CHANNEL}`);
  return () => client.end();
}

export function tableSource(
  reader: TableReader,
  db: Knex,
  opts: {
    intervalMs: number;
    batchSize: number;
    log: Logger;
    /** Listen for commits (LISTEN/NOTIFY) on a connection of its own to `db`'s database. */
    listen?: boolean;
    /** MULTICASE_HORIZON_LAG_WARN_MS: a longer horizon lag makes the source unhealthy (default 5 minutes). */
    horizonLagWarnMs?: number;
  },
): SourceConnector<TablePosition> {
  // Commits notified but not yet readable: they can sit above the horizon while an older
  // transaction is still open, so look again shortly (bounded) instead of a whole interval later.
  let pendingNotify = false;
  let deferredPolls = 0;
  const horizon = watchHorizon(db, {
    source: reader.source,
    log: opts.log.child({ source: reader.source }),
    warnMs: opts.horizonLagWarnMs ?? horizonSettings.horizonLagWarnMs.defaultValue!,
  });
  return {
    name: reader.source,
    initialPosition: { cursor: null, snapshotDone: false },
    intervalMs: opts.intervalMs,
    async poll(position): Promise<PollResult<TablePosition>> {
      const running = position.resnapshot && position.resnapshot.finishedAt === null ? position.resnapshot : undefined;
      const wasNotified = pendingNotify;
      pendingNotify = false;
      // One REPEATABLE READ transaction: the rows and their lines come from one snapshot.
      const { rows, cursor, events, rejected, resnapshot } = await db
        .transaction(
          async (trx) => {
            const batch = await changedSince<Row>(trx, reader.table, position.cursor, opts.batchSize);
            const mapped = batch.rows.length
              ? await reader.toEvents(trx, batch.rows, !position.snapshotDone)
              : { events: [], rejected: [] };
            const chunk = running ? await resnapshotChunk(trx, reader, running, opts.batchSize) : undefined;
            if (chunk) {
              mapped.events.push(...chunk.events);
              mapped.rejected.push(...chunk.rejected);
            }
            return { rows: batch.rows, cursor: batch.cursor, ...mapped, resnapshot: chunk?.progress };
          },
          { isolationLevel: 'repeatable read', readOnly: true },
        )
        .catch((err: unknown) => {
          throw classifyDatabaseError(err);
        });
      // Outside the read's transaction (its failure must not fail the poll); rate-limited inside.
      await horizon.measure();
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
        next: {
          cursor,
          snapshotDone: position.snapshotDone || !full,
          ...((resnapshot ?? position.resnapshot) ? { resnapshot: resnapshot ?? position.resnapshot } : {}),
        },
        more: full || (resnapshot !== undefined && resnapshot.finishedAt === null),
        ...(nextPollInMs !== undefined ? { nextPollInMs } : {}),
      };
    },
    signal(position, signal: SourceSignal) {
      if (signal.kind !== 'resnapshot' || position.resnapshot?.signal === signal.signalId) return position;
      return {
        ...position,
        resnapshot: {
          signal: signal.signalId,
          afterId: 0,
          sent: 0,
          total: null,
          startedAt: Date.now(),
          finishedAt: null,
        },
      };
    },
    ...(opts.listen
      ? {
          async subscribe(wake: () => void) {
            return listenForChanges(db, opts.log, (table) => {
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

/** The next chunk of a resnapshot: rows after `afterId` by id, as SNAPSHOT events under ids of their own. */
async function resnapshotChunk(
  trx: Knex.Transaction,
  reader: TableReader,
  progress: ResnapshotProgress,
  limit: number,
) {
  const table = `multicase.${reader.table}`;
  const total = progress.total ?? Number((await trx(table).count<{ n: string }[]>({ n: '*' }))[0]?.n ?? 0);
  const rows: Row[] = await trx(table).where('id', '>', progress.afterId).orderBy('id').limit(limit).select('*');
  const { events, rejected } = rows.length ? await reader.toEvents(trx, rows, true) : { events: [], rejected: [] };
  for (const e of events) {
    const value = e.value as ChangeEvent<unknown>;
    e.value = { ...value, eventId: resnapshotEventId(value.eventId, progress.signal) };
  }
  const next: ResnapshotProgress = {
    ...progress,
    afterId: rows.length ? Number(rows.at(-1)!.id) : progress.afterId,
    sent: progress.sent + rows.length,
    total,
    finishedAt: rows.length < limit ? Date.now() : null,
  };
  return { events, rejected, progress: next };
}
