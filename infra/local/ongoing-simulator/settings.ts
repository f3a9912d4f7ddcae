/**
 * Configuration of the Ongoing WMS simulator, declared beside it (see runtime/config.ts), and the
 * database bootstrap it needs before it can start.
 */
import knexFactory from 'knex';
import { setting } from '../../../runtime/config.js';

export const simulatorSettings = {
  port: setting.int('ONGOING_SIM_PORT', {
    description: 'TCP port the Ongoing WMS simulator listens on',
    default: 8090,
    min: 0,
    max: 65535,
  }),
  databaseUrl: setting.url('ONGOING_SIM_DATABASE_URL', {
    description: 'PostgreSQL database holding the simulator state (created if missing)',
    default: 'postgres://postgres@127.0.0.1:5432/ongoing_sim',
  }),
  host: setting.string('ONGOING_SIM_HOST', {
    description: 'Interface the Ongoing WMS simulator binds to',
    default: '127.0.0.1',
  }),
  warehouse: setting.string('ONGOING_SIM_WAREHOUSE', {
    description: 'The {warehouse} path segment of the simulated API',
    default: 'demo',
  }),
  writesPerSecond: setting.int('ONGOING_SIM_WRITES_PER_SECOND', {
    description: 'API writes per second per goods owner before 429 (0 = unlimited)',
    default: 0,
    min: 0,
  }),
};

/** CREATE DATABASE when the target database does not exist yet (connecting to `postgres` to do it). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('ONGOING_SIM_DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const db = knexFactory({ client: 'pg', connection: admin.toString(), pool: { min: 0, max: 1 } });
  try {
    const found = await db.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    if (found.rows.length === 0) {
      try {
        await db.raw(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (e) {
        // 42P04 duplicate_database: another process created it meanwhile.
        if ((e as { code?: string }).code !== '42P04') throw e;
      }
    }
  } finally {
    await db.destroy();
  }
}
