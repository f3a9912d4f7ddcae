/**
 * Connecting to the Multicase database and migrating its schema.
 *
 * `connectMulticase` is the one way the pipeline opens this database, so every reader and writer
 * gets the same type handling: `date` columns come back as 'YYYY-MM-DD' strings (pg would
 * otherwise build a local-midnight Date and shift it across time zones), while numeric, bigint
 * and xid8 stay strings (exact) and timestamptz becomes a Date.
 */
import { createRequire } from 'node:module';
import knexFactory, { type Knex } from 'knex';
import { setting } from '../../../runtime/config.js';
import { migrationSource } from './migrations.js';

export const multicaseDbSettings = {
  url: setting.url('MULTICASE_DATABASE_URL', {
    description: 'PostgreSQL URL of the Multicase database the pipeline reads (change capture) and writes (sinks)',
    default: 'postgres://postgres@127.0.0.1:5432/multicase',
  }),
};

type TypeParser = (oid: number, format: string) => (value: string) => unknown;
const pgTypes = (createRequire(import.meta.url)('pg') as { types: { getTypeParser: TypeParser } }).types;
const PG_DATE_OID = 1082;

export function connectMulticase(url: string, options: { poolMax?: number } = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      application_name: 'multicase-pipeline',
      types: {
        getTypeParser: (oid, format) => (oid === PG_DATE_OID ? (v: string) => v : pgTypes.getTypeParser(oid, format)),
      },
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
}

/** knex's bookkeeping lives outside schema `multicase`, so a full rollback leaves that schema empty. */
const migratorConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'multicase_knex_migrations',
};

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(migratorConfig)) as [number, string[]];
  return applied;
}

/** Rolls back every migration (drops schema `multicase`); returns the names rolled back. */
export async function migrateDown(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(migratorConfig, true)) as [number, string[]];
  return undone;
}

/** Creates the database named in `url` when it does not exist yet, through the server's `postgres` database. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`database URL ${redactUrl(url)} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const knex = knexFactory({ client: 'pg', connection: admin.toString(), pool: { min: 0, max: 1 } });
  try {
    const found = await knex.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    if (found.rows.length > 0) return false;
    try {
      await knex.raw(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // Another process created it between our check and our CREATE.
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
    return true;
  } finally {
    await knex.destroy();
  }
}

function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@\s]+:)[^@/\s]+@/, '$1***@');
}
