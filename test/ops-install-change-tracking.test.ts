/**
 * `ops multicase install-change-tracking` against throw-away PostgreSQL databases: one holding only
 * the bare Multicase tables the change tracking hooks into (as a real Multicase would, without
 * the local stand-in's schema), and the seeded stand-in, where everything is installed already.
 */
import type { Knex } from 'knex';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_TABLES, SALES_ORDER_COLUMNS_SENT, TRACKED_TABLES } from '../connectors/multicase/install.js';
import { runOps, type OpsIo } from '../pipeline/ops/cli.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';

const opened: Array<{ db: TempDatabase; knex: Knex }> = [];

async function bareMulticase(withTables = true): Promise<Knex> {
  const db = await createTempDatabase('mc_install');
  const knex = knexFactory({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
  opened.push({ db, knex });
  if (!withTables) return knex;
  await knex.raw('CREATE SCHEMA multicase');
  for (const t of TRACKED_TABLES)
    await knex.raw(
      `CREATE TABLE multicase.${t} (id serial PRIMARY KEY, name text, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
  for (const c of CHILD_TABLES)
    await knex.raw(
      `CREATE TABLE multicase.${c.table} (id serial PRIMARY KEY, ${c.key} int NOT NULL REFERENCES multicase.${c.parent}(id), quantity int)`,
    );
  // The order data a picking list carries, and what ties a list to its order.
  await knex.raw(
    `ALTER TABLE multicase.sales_orders ${SALES_ORDER_COLUMNS_SENT.map((c) => `ADD COLUMN ${c} text`).join(', ')}, ADD COLUMN status text`,
  );
  await knex.raw(
    "ALTER TABLE multicase.picking_lists ADD COLUMN sales_order_id int REFERENCES multicase.sales_orders(id), ADD COLUMN status text NOT NULL DEFAULT 'sent'",
  );
  return knex;
}

async function ops(knex: Knex, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: OpsIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    runtime: () => {
      throw new Error('no Kafka needed');
    },
    multicaseDb: () => knex,
  };
  const code = await runOps(argv, io);
  return { code, out, err };
}

const triggerCount = async (knex: Knex) =>
  Number(
    (
      await knex.raw<{ rows: Array<{ n: string }> }>(
        "SELECT count(*) AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'multicase' AND NOT t.tgisinternal",
      )
    ).rows[0]!.n,
  );

afterAll(async () => {
  for (const { db, knex } of opened) {
    await knex.destroy();
    await db.drop();
  }
}, 60_000);

describe('ops multicase install-change-tracking', () => {
  let knex: Knex;
  beforeAll(async () => {
    knex = await bareMulticase();
  });

  it('--dry-run prints the SQL of both parts and changes nothing', async () => {
    const r = await ops(knex, 'multicase', 'install-change-tracking', '--dry-run');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      'Dry run: nothing was changed. Missing: 0008_change_tracking, 0009_notify_on_change, 0019_sent_picking_lists_follow_their_order',
    );
    expect(r.out).toMatch(/^BEGIN;\nSET LOCAL lock_timeout = '10s';/m);
    expect(r.out).toContain('CREATE SEQUENCE multicase.change_seq');
    expect(r.out).toContain('CREATE TRIGGER products_notify_change');
    expect(r.out.trimEnd().endsWith('COMMIT;')).toBe(true);
    expect(await triggerCount(knex)).toBe(0);
    expect((await knex.raw("SELECT to_regclass('multicase.change_seq') AS s")).rows[0].s).toBeNull();
  });

  it('installs the change tracking, which then stamps changes and notifies', async () => {
    const r = await ops(knex, 'multicase', 'install-change-tracking');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      'Installed 0008_change_tracking, 0009_notify_on_change, 0019_sent_picking_lists_follow_their_order',
    );
    expect(await triggerCount(knex)).toBe(TRACKED_TABLES.length * 3 + CHILD_TABLES.length * 3 + 1);

    const [row] = await knex('multicase.products').insert({ name: 'tent' }).returning(['id', 'change_seq']);
    expect(Number(row.change_seq)).toBeGreaterThan(0);
    const [po] = await knex('multicase.purchase_orders').insert({ name: 'po' }).returning(['id', 'change_seq']);
    await knex('multicase.purchase_order_lines').insert({ purchase_order_id: po.id, quantity: 1 });
    const after = await knex('multicase.purchase_orders').where({ id: po.id }).first('change_seq');
    expect(BigInt(after.change_seq), 'a line change moves its parent on').toBeGreaterThan(BigInt(po.change_seq));
    await expect(knex('multicase.products').where({ id: row.id }).delete()).rejects.toThrow(/never deleted/);
  });

  it("moves an order's sent picking lists on when data they carry changes, and only then", async () => {
    const [order] = await knex('multicase.sales_orders')
      .insert({ name: 'order', delivery_city: 'Oslo', status: 'open' })
      .returning('id');
    const [sent] = await knex('multicase.picking_lists').insert({ sales_order_id: order.id }).returning('id');
    const [shipped] = await knex('multicase.picking_lists')
      .insert({ sales_order_id: order.id, status: 'shipped' })
      .returning('id');
    const seq = async (id: number) =>
      BigInt((await knex('multicase.picking_lists').where({ id }).first('change_seq')).change_seq);
    const before = { sent: await seq(sent.id), shipped: await seq(shipped.id) };

    await knex('multicase.sales_orders').where({ id: order.id }).update({ status: 'sent_to_warehouse' });
    await knex('multicase.sales_orders').where({ id: order.id }).update({ delivery_city: 'Oslo' });
    expect(await seq(sent.id), 'a status change, or a value set to what it was, moves nothing').toBe(before.sent);

    await knex('multicase.sales_orders').where({ id: order.id }).update({ delivery_city: 'Bergen' });
    expect(await seq(sent.id), 'a new delivery city reaches the sent list').toBeGreaterThan(before.sent);
    expect(await seq(shipped.id), 'a shipped list has nothing left to tell Ongoing').toBe(before.shipped);
  });

  it('is a no-op when run again', async () => {
    const before = (await knex.raw('SELECT last_value FROM multicase.change_seq')).rows[0].last_value;
    const triggers = await triggerCount(knex);
    for (const argv of [['--dry-run'], []]) {
      const r = await ops(knex, 'multicase', 'install-change-tracking', ...argv);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toBe(
        'Change tracking is installed already (0008_change_tracking, 0009_notify_on_change, 0019_sent_picking_lists_follow_their_order): nothing to do.',
      );
    }
    expect(await triggerCount(knex)).toBe(triggers);
    expect((await knex.raw('SELECT last_value FROM multicase.change_seq')).rows[0].last_value).toBe(before);
  });

  it('refuses a part changed by hand, naming what is missing, and changes nothing', async () => {
    await knex.raw('DROP TRIGGER products_notify_change ON multicase.products');
    const r = await ops(knex, 'multicase', 'install-change-tracking');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      '0009_notify_on_change is only partly installed (changed by hand?); missing: trigger products_notify_change on multicase.products',
    );
    expect(r.err).toContain('nothing was changed');
  });

  it('refuses the picking-list trigger changed by hand, naming what is missing', async () => {
    const own = await bareMulticase();
    expect((await ops(own, 'multicase', 'install-change-tracking')).code).toBe(0);
    await own.raw('DROP TRIGGER sales_orders_touch_sent_picking_lists ON multicase.sales_orders');
    const r = await ops(own, 'multicase', 'install-change-tracking');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      '0019_sent_picking_lists_follow_their_order is only partly installed (changed by hand?); missing: trigger sales_orders_touch_sent_picking_lists on multicase.sales_orders',
    );
  });

  it('refuses a database without Multicase tables, and creates nothing there', async () => {
    const empty = await bareMulticase(false);
    const r = await ops(empty, 'multicase', 'install-change-tracking', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.err).toContain('this does not look like a Multicase database: missing column multicase.products.id');
    expect((await empty.raw("SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'multicase'")).rows[0].n).toBe('0');
  });

  it('unknown subcommands are usage errors', async () => {
    expect((await ops(knex, 'multicase')).code).toBe(2);
    expect((await ops(knex, 'multicase', 'install-everything')).code).toBe(2);
  });

  it('finds everything installed in a database set up by the local migrations', async () => {
    const seeded = await seededMulticase('mc_install_seeded');
    opened.push(seeded);
    const r = await ops(seeded.knex, 'multicase', 'install-change-tracking');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('nothing to do');
  });
});
