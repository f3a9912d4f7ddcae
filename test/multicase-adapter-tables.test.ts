/**
 * The Multicase adapter declares every table it reads or writes once (connectors/multicase/adapter/
 * tables.ts), and reads every row through those declarations. Here the declarations are compared
 * with the stand-in database's catalog, column by column, and the reading itself is checked.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nullable, quantity, readFirst, readRow, text } from '../connectors/multicase/adapter/columns.js';
import { tables } from '../connectors/multicase/adapter/tables.js';
import { connectMulticase, migrateLatest } from '../infra/local/multicase-db/db.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

/** The change capture's own columns (connectors/multicase/install.ts), not the adapter's. */
const CHANGE_TRACKING = new Set(['change_xid', 'change_seq']);

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  db = await createTempDatabase('mc_adapter_tables');
  knex = connectMulticase(db.url);
  await migrateLatest(knex);
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

async function catalog(): Promise<Map<string, Map<string, string>>> {
  const { rows } = await knex.raw<{
    rows: Array<{ table_name: string; column_name: string; type: string; nullable: boolean }>;
  }>(
    `SELECT table_name, column_name, is_nullable = 'YES' AS nullable,
            CASE WHEN data_type = 'numeric' THEN format('numeric(%s,%s)', numeric_precision, numeric_scale)
                 ELSE data_type END AS type
       FROM information_schema.columns WHERE table_schema = 'multicase'`,
  );
  const byTable = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (CHANGE_TRACKING.has(r.column_name)) continue;
    const columns = byTable.get(r.table_name) ?? new Map<string, string>();
    columns.set(r.column_name, `${r.type}${r.nullable ? ' null' : ''}`);
    byTable.set(r.table_name, columns);
  }
  return byTable;
}

describe('the Multicase adapter', () => {
  it('declares every table of the database, each column with its type and nullability', async () => {
    const inDatabase = await catalog();
    const declared = new Map(
      Object.entries(tables).map(([table, columns]) => [
        table,
        new Map(Object.entries(columns).map(([name, c]) => [name, `${c.sqlType}${c.nullable ? ' null' : ''}`])),
      ]),
    );
    expect([...declared.keys()].sort()).toEqual([...inDatabase.keys()].sort());
    for (const [table, columns] of inDatabase)
      expect({ table, columns: Object.fromEntries(declared.get(table) ?? []) }).toEqual({
        table,
        columns: Object.fromEntries(columns),
      });
  });

  it('reads numeric columns, which pg returns as strings, as numbers, and nulls as null', async () => {
    const raw = (await knex.raw(`SELECT 12.500::numeric(14,3) AS q, NULL::text AS t, '7'::bigint AS id`)).rows[0];
    expect(typeof raw.q).toBe('string');
    expect(readRow({ q: quantity, t: nullable(text), id: tables.order_history.id }, raw)).toEqual({
      q: 12.5,
      t: null,
      id: 7,
    });
    expect(readFirst({ q: quantity }, undefined)).toBeUndefined();
  });

  it('refuses a row without a column its reader expects, and a number that is none', () => {
    expect(() => readRow({ q: quantity }, {})).toThrow(/did not select q/);
    expect(() => readRow({ q: quantity }, { q: 'abc' })).toThrow(/abc where a quantity belongs/);
  });
});
