/**
 * Connecting to the Multicase database.
 *
 * `connectMulticase` is the one way the pipeline opens this database, so every reader and writer
 * gets the same type handling: `date` columns come back as 'YYYY-MM-DD' strings (pg would
 * otherwise build a local-midnight Date and shift it across time zones), while numeric, bigint
 * and xid8 stay strings (exact) and timestamptz becomes a Date.
 */
import { createRequire } from 'node:module';
import knexFactory, { type Knex } from 'knex';
import type pg from 'pg';
import { setting } from '../../runtime/config.js';

export const multicaseDbSettings = {
  url: setting.url('MULTICASE_DATABASE_URL', {
    description: 'PostgreSQL URL of the Multicase database the pipeline reads (change capture) and writes (sinks)',
    default: 'postgres://postgres@127.0.0.1:5432/multicase',
  }),
};

type TypeParser = (oid: number, format: string) => (value: string) => unknown;
const pgTypes = (createRequire(import.meta.url)('pg') as { types: { getTypeParser: TypeParser } }).types;
const PG_DATE_OID = 1082;

/**
 * Marks an error that came from losing the connection to the database. A registered symbol
 * (`Symbol.for`), so code that should not import a connector, such as the runtime's error
 * classification, can look for the mark by name, and a second copy of this module still sees it.
 */
export const CONNECTION_LOST = Symbol.for('multicase.connectionLost');

/**
 * True when `err` (or its cause) is the loss of a Multicase connection, which a retry on a new
 * connection can cure.
 */
export function isConnectionLost(err: unknown): boolean {
  for (
    let e = err, depth = 0;
    depth < 5 && typeof e === 'object' && e !== null;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if ((e as { [CONNECTION_LOST]?: unknown })[CONNECTION_LOST] === true) return true;
  }
  return false;
}

function markLost(err: unknown): void {
  if (typeof err === 'object' && err !== null && Object.isExtensible(err) && !Object.hasOwn(err, CONNECTION_LOST)) {
    Object.defineProperty(err, CONNECTION_LOST, { value: true });
  }
}

type PooledClient = pg.Client & { __knexUid?: string };

/** Enough to cover every connection of a pool lost at once; older entries are long settled. */
const LOST_REMEMBERED = 256;

/**
 * When the socket drops (server crash, network cut, proxy reset) pg rejects every query in
 * flight with a plain Error('Connection terminated unexpectedly'): no SQLSTATE, no errno, so only
 * its message would tell it apart from a bug. But pg first emits that same error object as the
 * client's 'error' event, synchronously, and rejects the queries only on a later tick
 * (Client._errorAllQueries defers query.handleError with process.nextTick), so marking it in the
 * 'error' listener marks it before any caller sees it.
 *
 * That is not enough inside a transaction: knex then sends ROLLBACK on the dead client, pg
 * refuses it with a new Error('Client has encountered a connection error and is not queryable'),
 * and knex rejects the transaction with that error instead of the marked one. So the pool also
 * remembers which of its connections were lost, and knex's 'query-error' event (emitted before
 * knex rethrows) marks every later failure on one of them.
 */
export interface ConnectOptions {
  poolMax?: number;
  /** Shown in pg_stat_activity (default multicase-pipeline). */
  applicationName?: string;
  /**
   * For a one-off look (`ops status`): connecting and each statement give up after 5 s, and knex's
   * own console warnings are off, so an unreachable database becomes one error, not a wait.
   */
  quick?: boolean;
}

export function connectMulticase(url: string, options: ConnectOptions = {}): Knex {
  const lost = new Set<string>();
  const afterCreate = (conn: PooledClient, done: (err: Error | null, conn: PooledClient) => void): void => {
    conn.on('error', (err: unknown) => {
      markLost(err);
      if (conn.__knexUid === undefined) return;
      lost.add(conn.__knexUid);
      if (lost.size > LOST_REMEMBERED) lost.delete(lost.values().next().value!);
    });
    done(null, conn);
  };
  const knex = knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      application_name: options.applicationName ?? 'multicase-pipeline',
      ...(options.quick ? { connectionTimeoutMillis: 5_000, statement_timeout: 5_000 } : {}),
      types: {
        getTypeParser: (oid, format) => (oid === PG_DATE_OID ? (v: string) => v : pgTypes.getTypeParser(oid, format)),
      },
    },
    pool: { min: 0, max: options.poolMax ?? 10, afterCreate },
    ...(options.quick
      ? { acquireConnectionTimeout: 6_000, log: { warn() {}, error() {}, debug() {}, deprecate() {} } }
      : {}),
  });
  knex.on('query-error', (err: unknown, query: { __knexUid?: string }) => {
    if (query.__knexUid !== undefined && lost.has(query.__knexUid)) markLost(err);
  });
  return knex;
}
