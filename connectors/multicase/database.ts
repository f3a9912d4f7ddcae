/**
 * Connecting to the Multicase database.
 *
 * `connectMulticase` is the one way the pipeline opens this database, so every reader and writer
 * gets the same type handling: `date` columns come back as 'YYYY-MM-DD' strings (pg would
 * otherwise build a local-midnight Date and shift it across time zones), while numeric, bigint
 * and xid8 stay strings (exact) and timestamptz becomes a Date. It also gets the same TLS
 * (MULTICASE_DATABASE_SSLMODE, MULTICASE_DATABASE_CA_FILE), as does the LISTEN connection
 * (`listenClient`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ConnectionOptions } from 'node:tls';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { ConfigError, loadConfig, setting, type ConfigOf } from '../../runtime/config.js';

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const multicaseDbSettings = {
  url: setting.url('MULTICASE_DATABASE_URL', {
    description:
      'PostgreSQL URL of the Multicase database the pipeline reads (change capture) and writes (sinks), with the user and password of the role it acts as (`npm run ops -- multicase grants` prints what each role needs); TLS is set by MULTICASE_DATABASE_SSLMODE, not in the URL',
    default: 'postgres://postgres@127.0.0.1:5432/multicase',
    secret: true,
  }),
  sslMode: setting.oneOf('MULTICASE_DATABASE_SSLMODE', SSL_MODES, {
    default: 'disable',
    description:
      "TLS to the Multicase database, as libpq's sslmode: disable; require (encrypted, the server's certificate not checked); verify-ca (signed by MULTICASE_DATABASE_CA_FILE, or a CA the system trusts); verify-full (verify-ca, and the certificate names the host of the URL)",
  }),
  caFile: setting.optional.string('MULTICASE_DATABASE_CA_FILE', {
    description:
      "PEM file of the CA certificate(s) that signed the Multicase database server's certificate (for verify-ca and verify-full); unset: the CAs the system trusts",
  }),
};

export type MulticaseDbConfig = ConfigOf<typeof multicaseDbSettings>;

/** Where and how to connect: the URL, and pg's `ssl` option. */
export interface MulticaseConnection {
  readonly url: string;
  readonly ssl: false | ConnectionOptions;
}

/** TLS parameters pg would read from the URL and let override the settings; refused, so there is one place. */
const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey'];

/**
 * The connection the settings describe, or one ConfigError naming what is wrong: TLS parameters in
 * the URL, a CA file with TLS off, a CA file that cannot be read or is not PEM. Reads the file
 * through `readFile`, so that tests need no files.
 */
export function multicaseConnection(
  cfg: MulticaseDbConfig,
  readFile: (path: string) => Buffer = readFileSync,
): MulticaseConnection {
  const problems: string[] = [];
  const inUrl = URL_TLS_PARAMETERS.filter((p) => {
    try {
      return new URL(cfg.url).searchParams.has(p);
    } catch {
      return false;
    }
  });
  if (inUrl.length > 0)
    problems.push(
      `MULTICASE_DATABASE_URL carries ${inUrl.join(', ')}: set TLS with MULTICASE_DATABASE_SSLMODE and MULTICASE_DATABASE_CA_FILE instead`,
    );
  let ca: Buffer | undefined;
  if (cfg.caFile !== undefined) {
    if (cfg.sslMode === 'disable' || cfg.sslMode === 'require')
      problems.push(
        `MULTICASE_DATABASE_CA_FILE is set but MULTICASE_DATABASE_SSLMODE=${cfg.sslMode} does not check the server's certificate: use verify-ca or verify-full`,
      );
    try {
      ca = readFile(cfg.caFile);
      if (!ca.toString('latin1').includes('-----BEGIN '))
        problems.push(
          `MULTICASE_DATABASE_CA_FILE=${JSON.stringify(cfg.caFile)} is not a PEM file (no "-----BEGIN" line)`,
        );
    } catch (e) {
      problems.push(
        `MULTICASE_DATABASE_CA_FILE=${JSON.stringify(cfg.caFile)} cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const trust = ca ? { ca: [ca] } : {};
  const ssl: false | ConnectionOptions =
    cfg.sslMode === 'disable'
      ? false
      : cfg.sslMode === 'require'
        ? { rejectUnauthorized: false }
        : cfg.sslMode === 'verify-ca'
          ? // Signed by a trusted CA, whatever host name it carries (libpq's verify-ca).
            { ...trust, rejectUnauthorized: true, checkServerIdentity: () => undefined }
          : { ...trust, rejectUnauthorized: true };
  return { url: cfg.url, ssl };
}

/** The connection of MULTICASE_DATABASE_URL and its TLS settings in `env`. */
export const multicaseConnectionFrom = (env: NodeJS.ProcessEnv = process.env): MulticaseConnection =>
  multicaseConnection(loadConfig(multicaseDbSettings, env));

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

/** What each knex opened here connects with, for the LISTEN connection beside its pool. */
const connectionOfPool = new WeakMap<Knex, MulticaseConnection>();

/** `target`: a connection from the settings, or a bare URL (no TLS), as local tools and tests give. */
export function connectMulticase(target: string | MulticaseConnection, options: ConnectOptions = {}): Knex {
  const connection = typeof target === 'string' ? { url: target, ssl: false as const } : target;
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
      connectionString: connection.url,
      ssl: connection.ssl,
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
  connectionOfPool.set(knex, connection);
  return knex;
}

/** A single connection (not pooled) to the database `db` connects to, with the same TLS: for LISTEN. */
export function listenClient(db: Knex, applicationName: string): pg.Client {
  const connection = connectionOfPool.get(db);
  if (!connection) throw new Error('listenClient needs a pool opened by connectMulticase');
  return new pg.Client({ connectionString: connection.url, ssl: connection.ssl, application_name: applicationName });
}
