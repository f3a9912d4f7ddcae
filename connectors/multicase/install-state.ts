/**
 * What of the integration's own objects (install.ts) a Multicase database holds, read from
 * PostgreSQL's catalog rather than a bookkeeping table, so a database set up by the local
 * migrations, by an earlier run or by hand is recognized; and installing what is missing in one
 * transaction (`ops multicase install-change-tracking`).
 */
import type { Knex } from 'knex';
import type { SqlMigration } from './install.js';

const S = 'multicase';

/**
 * Every column of `tables`, every trigger, sequence, index and argument-less function of schema
 * multicase, each by a readable name: 'column multicase.products.id', 'trigger t on multicase.x',
 * 'sequence multicase.s', 'index multicase.i', 'function multicase.f()'.
 */
export async function installedObjects(db: Knex, tables: readonly string[]): Promise<Set<string>> {
  const columns = await db.raw<{ rows: Array<{ table_name: string; column_name: string }> }>(
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ANY(?)',
    [S, [...tables]],
  );
  const triggers = await db.raw<{ rows: Array<{ trigger: string; table: string }> }>(
    `SELECT t.tgname AS trigger, c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND NOT t.tgisinternal`,
    [S],
  );
  const relations = await db.raw<{ rows: Array<{ kind: string; name: string }> }>(
    `SELECT c.relkind::text AS kind, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relkind IN ('S', 'i')`,
    [S],
  );
  const functions = await db.raw<{ rows: Array<{ name: string }> }>(
    `SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.pronargs = 0`,
    [S],
  );
  return new Set([
    ...columns.rows.map((r) => `column ${S}.${r.table_name}.${r.column_name}`),
    ...triggers.rows.map((r) => `trigger ${r.trigger} on ${S}.${r.table}`),
    ...relations.rows.map((r) => `${r.kind === 'S' ? 'sequence' : 'index'} ${S}.${r.name}`),
    ...functions.rows.map((r) => `function ${S}.${r.name}()`),
  ]);
}

/** The SQL that installs `migrations` in one transaction, giving up after a lock wait of `lockTimeout`. */
export function installSql(migrations: readonly SqlMigration[], lockTimeout: string): string {
  if (migrations.length === 0) return '';
  const body = migrations.map((m) => `-- ${m.name}\n${m.up.trim()}`).join('\n\n');
  return `BEGIN;\nSET LOCAL lock_timeout = '${lockTimeout}';\n\n${body}\n\nCOMMIT;\n`;
}

/** Runs `migrations` in one transaction (installSql's, run through the driver). */
export async function install(db: Knex, migrations: readonly SqlMigration[], lockTimeout: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL lock_timeout = '${lockTimeout}'`);
    for (const m of migrations) await trx.raw(m.up);
  });
}
