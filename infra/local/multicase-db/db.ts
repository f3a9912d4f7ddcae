/**
 * Migrating the stand-in Multicase database, and creating it. Connecting lives with the
 * connector (connectors/multicase/database.ts), because the pipeline opens this database too;
 * it is re-exported here so the local tools and tests keep one import.
 */
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

export { connectMulticase, multicaseDbSettings } from '../../../connectors/multicase/database.js';

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
