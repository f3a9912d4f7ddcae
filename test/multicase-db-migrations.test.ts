import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMulticase, ensureDatabase, migrateDown, migrateLatest } from '../infra/local/multicase-db/db.js';
import { multicaseMigrations } from '../infra/local/multicase-db/migrations/index.js';
import { seedDemoData } from '../infra/local/multicase-db/seed.js';
import { createTempDatabase, PG_ADMIN_URL, type TempDatabase } from './support/databases.js';

const EXPECTED_TABLES = [
  'applied_events',
  'credit_note_lines',
  'credit_notes',
  'customers',
  'deliveries',
  'delivery_lines',
  'document_history',
  'integration_exceptions',
  'invoice_lines',
  'invoices',
  'order_history',
  'picking_list_lines',
  'picking_lists',
  'products',
  'purchase_order_lines',
  'purchase_orders',
  'return_order_lines',
  'return_orders',
  'sales_order_lines',
  'sales_orders',
  'shipping_methods',
  'stock',
  'stock_transactions',
  'suppliers',
  'warehouse_fact_ledger',
  'warehouses',
];

let db: TempDatabase;
let knex: Knex;

async function objectsInSchema(): Promise<{ tables: string[]; functions: string[]; sequences: string[] }> {
  const tables = await knex.raw(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'multicase' ORDER BY 1`,
  );
  const functions = await knex.raw(
    `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'multicase'`,
  );
  const sequences = await knex.raw(
    `SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'multicase'`,
  );
  return {
    tables: tables.rows.map((r: { table_name: string }) => r.table_name),
    functions: functions.rows.map((r: { proname: string }) => r.proname),
    sequences: sequences.rows.map((r: { sequence_name: string }) => r.sequence_name),
  };
}

beforeAll(async () => {
  db = await createTempDatabase('mcdb_migrations');
  knex = connectMulticase(db.url);
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('Multicase database migrations', () => {
  it('apply on an empty database and create every table in schema multicase', async () => {
    const applied = await migrateLatest(knex);
    expect(applied).toEqual(multicaseMigrations.map((m) => m.name));
    const { tables, sequences } = await objectsInSchema();
    expect(tables).toEqual(EXPECTED_TABLES);
    expect(sequences).toEqual(
      expect.arrayContaining([
        'change_seq',
        'invoice_number_seq',
        'packing_slip_number_seq',
        'credit_note_number_seq',
        'picking_list_number_seq',
      ]),
    );
    expect(await migrateLatest(knex)).toEqual([]);
  });

  it('roll back completely, leaving nothing in schema multicase', async () => {
    const undone = await migrateDown(knex);
    expect(undone).toEqual(multicaseMigrations.map((m) => m.name).reverse());
    expect(await objectsInSchema()).toEqual({ tables: [], functions: [], sequences: [] });
    const schema = await knex.raw(`SELECT 1 FROM pg_namespace WHERE nspname = 'multicase'`);
    expect(schema.rows).toHaveLength(0);
  });

  it('apply again after a rollback, and the seed runs twice without duplicating', async () => {
    expect(await migrateLatest(knex)).toHaveLength(multicaseMigrations.length);
    const first = await seedDemoData(knex);
    expect(first.products).toBeGreaterThan(0);
    expect(first.warehouses).toBeGreaterThan(0);
    const second = await seedDemoData(knex);
    expect(second).toEqual({ warehouses: 0, suppliers: 0, shippingMethods: 0, customers: 0, products: 0 });
    const stockRows = await knex('multicase.stock').count<{ count: string }[]>('* as count');
    const history = await knex('multicase.stock_transactions').count<{ count: string }[]>('* as count');
    expect(Number(stockRows[0]!.count)).toBeGreaterThan(0);
    expect(history[0]!.count).toBe(stockRows[0]!.count);
  });

  it('ensureDatabase creates a missing database once', async () => {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${db.name}_ensure`;
    try {
      expect(await ensureDatabase(url.toString())).toBe(true);
      expect(await ensureDatabase(url.toString())).toBe(false);
    } finally {
      await knex.raw(`DROP DATABASE IF EXISTS "${db.name}_ensure" WITH (FORCE)`);
    }
  });
});
