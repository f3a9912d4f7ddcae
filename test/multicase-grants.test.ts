/**
 * `ops multicase grants`: the least the pipeline needs in Multicase's database. Every table the
 * adapter declares has a decision; the printed GRANT statements are run for three fresh database
 * users, which then hold exactly those privileges; and the pipeline runs every flow end to end
 * with source-multicase connected as the source user, sink-multicase (with the scheduled stock
 * check) as the sink user, the other roles with no Multicase database at all, and the console's
 * and ops' reads as the ops user. A grant missing anywhere pauses a stage with the table it was
 * refused, which fails the test at once, naming it.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnNumberInOngoing } from './support/fixtures.js';
import { freightMethods } from '../connectors/multicase/adapter/freight-methods.js';
import { openExceptions } from '../connectors/multicase/adapter/exceptions.js';
import { tables } from '../connectors/multicase/adapter/tables.js';
import { connectMulticase } from '../connectors/multicase/database.js';
import {
  grantStatements,
  MULTICASE_USERS,
  TABLE_ACCESS,
  tablePrivilegesOf,
  type MulticaseUser,
} from '../connectors/multicase/grants.js';
import { CHILD_TABLES, TRACKED_TABLES } from '../connectors/multicase/install.js';
import {
  cancelPickingList,
  createSalesOrder,
  getOrderHistory,
  getStock,
  registerReturn,
  savePurchaseOrder,
  sendOrderToWarehouse,
  setStock,
  sendReturnToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { seedShippingMap } from '../infra/local/demo/shipping-map.js';
import { startPipeline, type Pipeline, type Role } from '../pipeline/main.js';
import { multicaseGrants } from '../pipeline/ops/multicase.js';
import { reconcileStock } from '../pipeline/ops/reconcile.js';
import { pausedStages } from '../runtime/metrics.js';
import { PG_ADMIN_URL } from './support/databases.js';
import { deadLettersOf } from './support/ledgers.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';

describe('the grants, as declared', () => {
  it('decide for every table the adapter declares and every table the change capture tracks', () => {
    const declared = [...Object.keys(tables), ...TRACKED_TABLES, ...CHILD_TABLES.map((c) => c.table)];
    const undecided = [...new Set(declared)].filter((t) => !(t in TABLE_ACCESS));
    // A table added to connectors/multicase/adapter/tables.ts needs its entry in connectors/multicase/grants.ts.
    expect(undecided, 'tables without an entry in TABLE_ACCESS (connectors/multicase/grants.ts)').toEqual([]);
    expect(Object.keys(TABLE_ACCESS).filter((t) => !declared.includes(t))).toEqual([]);
    // The change capture reads every tracked table and its lines.
    for (const t of [...TRACKED_TABLES, ...CHILD_TABLES.map((c) => c.table)])
      expect(TABLE_ACCESS[t]?.source, t).toContain('SELECT');
  });

  it('print one statement per user and table, to the names given', () => {
    const script = multicaseGrants(['--sink-user', 'erp_sink', '--database', 'erp'], {});
    expect(script).toContain('GRANT CONNECT ON DATABASE erp TO erp_sink;');
    expect(script).toContain('GRANT SELECT, INSERT ON multicase.applied_events TO erp_sink;');
    expect(script).toContain('GRANT SELECT ON multicase.products TO multicase_pipeline_source;');
    // Change capture writes nothing; ops writes only what resolving an integration exception writes.
    const writes = script
      .split('\n')
      .filter((l) =>
        /^GRANT [A-Z, ]*(INSERT|UPDATE|DELETE)[A-Z, ]* ON multicase\.\w+ TO multicase_pipeline_(source|ops);/.test(l),
      );
    expect(writes).toEqual([
      'GRANT SELECT, UPDATE ON multicase.integration_exceptions TO multicase_pipeline_ops;',
      'GRANT SELECT, INSERT ON multicase.document_history TO multicase_pipeline_ops;',
    ]);
    expect(script).not.toContain('ALL PRIVILEGES');
    expect(multicaseGrants([], { MULTICASE_DATABASE_URL: 'postgres://u:p@db/erp_prod' })).toContain(
      'GRANT CONNECT ON DATABASE erp_prod TO multicase_pipeline_ops;',
    );
  });
});

describe('the pipeline under those grants and nothing more', () => {
  let env: TestEnvironment;
  let owner: Knex;
  const pipelines: Pipeline[] = [];
  const suffix = randomBytes(3).toString('hex');
  const users: Record<MulticaseUser, string> = {
    source: `mc_grants_source_${suffix}`,
    sink: `mc_grants_sink_${suffix}`,
    ops: `mc_grants_ops_${suffix}`,
  };
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const urlOf = (user: MulticaseUser) => {
    const url = new URL(env.dbUrl);
    url.username = users[user];
    url.password = password;
    return url.toString();
  };
  const as: Partial<Record<MulticaseUser, Knex>> = {};

  beforeAll(async () => {
    env = await startTestEnvironment('grants', {
      MULTICASE_PICKING_LIST_POLL_MS: '500',
      MULTICASE_RETURN_POLL_MS: '500',
      ONGOING_SHIPMENT_POLL_MS: '300',
      ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '300',
      // A refused privilege shows as a pause within a second.
      RETRY_PAUSE_AFTER_MS: '1000',
    });
    await seedShippingMap(env.rt);
    owner = knexFactory({ client: 'pg', connection: env.dbUrl, pool: { min: 0, max: 1 } });
    const database = new URL(env.dbUrl).pathname.slice(1);
    for (const user of MULTICASE_USERS) await owner.raw(`CREATE ROLE ${users[user]} LOGIN PASSWORD '${password}'`);
    for (const g of grantStatements(database, users)) for (const sql of g.statements) await owner.raw(sql);
    for (const user of MULTICASE_USERS) as[user] = connectMulticase(urlOf(user), { poolMax: 2 });

    const start = async (roles: Role[], extra: NodeJS.ProcessEnv) => {
      const p = await startPipeline({ roles, env: { ...env.env, ...extra } });
      pipelines.push(p);
      await p.started();
    };
    await start(['processors', 'source-ongoing', 'sink-ongoing'], {
      // Nothing there: these roles never open the Multicase database.
      MULTICASE_DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
    });
    await start(['sink-multicase'], { MULTICASE_DATABASE_URL: urlOf('sink'), RECONCILE_INTERVAL_MS: '3000' });
    await start(['source-multicase'], { MULTICASE_DATABASE_URL: urlOf('source') });
  }, 120_000);

  afterAll(async () => {
    for (const p of pipelines.reverse()) await p.close();
    for (const k of Object.values(as)) await k?.destroy();
    await owner?.destroy();
    await env?.close();
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
    try {
      for (const user of MULTICASE_USERS) await admin.raw(`DROP ROLE IF EXISTS ${users[user]}`);
    } finally {
      await admin.destroy();
    }
  }, 120_000);

  /** Like `eventually`, but a stage paused on a refused privilege fails at once with what was refused. */
  const until = <T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 30_000) =>
    eventually(
      async () => {
        const refused = pausedStages().filter((p) => /42501|permission denied/.test(p.reason));
        if (refused.length > 0)
          throw new Error(`refused a privilege: ${refused.map((p) => `${p.stage}: ${p.reason}`).join('; ')}`);
        return probe();
      },
      done,
      timeoutMs,
      what,
    ).catch((err: unknown) => {
      const refused = pausedStages().filter((p) => /42501|permission denied/.test(p.reason));
      if (refused.length > 0)
        throw new Error(`refused a privilege: ${refused.map((p) => `${p.stage}: ${p.reason}`).join('; ')}`);
      throw err;
    });

  it('the users hold exactly the printed table privileges', async () => {
    for (const user of MULTICASE_USERS) {
      const { rows } = await owner.raw<{ rows: Array<{ table_name: string; privilege_type: string }> }>(
        `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = ? AND table_schema = 'multicase'`,
        [users[user]],
      );
      const held = rows.map((r) => `${r.table_name} ${r.privilege_type}`).sort();
      const printed = tablePrivilegesOf(user)
        .flatMap((t) => t.privileges.map((p) => `${t.table} ${p}`))
        .sort();
      expect(held, user).toEqual(printed);
    }
    // And no more: the source cannot write, the sink cannot change a product.
    await expect(as.source!('multicase.applied_events').insert({ event_id: 'x', topic: 'y' })).rejects.toMatchObject({
      code: '42501',
    });
    await expect(as.sink!('multicase.products').update({ description: 'changed' })).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('every flow runs end to end', async () => {
    // Flow 1: the seeded products reach Ongoing (the source reads products and suppliers).
    await until(
      () => env.api.getArticles({ articleNumbers: ['TENT-2P'] }),
      (a) => a.length === 1,
      'articles in Ongoing',
    );

    // Flows 2 and 3: a purchase order goes to Ongoing; what arrives is booked (lines, status, stock).
    const tentsBefore = await getStock(env.db, 'TENT-2P', 'MAIN');
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 6 }],
    });
    await until(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: po.purchaseOrderNumber }),
      (p) => p.length === 1,
      'the purchase order in Ongoing',
    );
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: po.purchaseOrderNumber });
    await until(
      () => getStock(env.db, 'TENT-2P', 'MAIN'),
      (s) => s === tentsBefore + 6,
      'the receipt booked',
    );

    // Flows 4 and 6: an order goes to Ongoing, ships, and is invoiced.
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'TENT-2P', quantity: 2, unitPrice: 2000 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    await until(
      () => env.api.getOrders({ orderNumber: picking.pickingListNumber }),
      (o) => o.length === 1,
      'the order in Ongoing',
    );
    await env.control.fulfilOrder({ orderNumber: picking.pickingListNumber });
    const invoicesOf = (orderNumber: string) =>
      env
        .db('multicase.invoices as i')
        .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
        .where('o.order_number', orderNumber)
        .select('i.id');
    await until(
      () => invoicesOf(order.orderNumber),
      (i) => i.length === 1,
      'the invoice',
    );

    // Flow 4's note: a cancel Ongoing refuses goes into the order's history.
    const refused = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 1, unitPrice: 99 }],
    });
    const refusedPicking = await sendOrderToWarehouse(env.db, refused.orderNumber);
    await until(
      () => env.api.getOrders({ orderNumber: refusedPicking.pickingListNumber }),
      (o) => o.length === 1,
      'the second order in Ongoing',
    );
    await env.control.pickOrder({ orderNumber: refusedPicking.pickingListNumber });
    await cancelPickingList(env.db, refusedPicking.pickingListNumber);
    await until(
      () => getOrderHistory(env.db, refused.orderNumber),
      (h) => h.some((e) => e.text.includes('refused the cancel')),
      'the refusal in the order history',
    );

    // Flow 7: a return comes back into stock and is settled with a credit note.
    const ret = await registerReturn(
      env.db,
      order.orderNumber,
      [{ position: 1, quantity: 1, cause: 'too heavy', handling: 'to_stock' }],
      { reason: 'changed mind', settlement: 'credit' },
    );
    await sendReturnToWarehouse(env.db, ret.returnNumber);
    await until(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: returnNumberInOngoing(ret.returnNumber) }),
      (p) => p.length === 1,
      'the return in Ongoing',
    );
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: returnNumberInOngoing(ret.returnNumber) });
    const creditNotes = () =>
      env
        .db('multicase.credit_notes as c')
        .join('multicase.return_orders as r', 'r.id', 'c.return_order_id')
        .where('r.return_number', ret.returnNumber)
        .select('c.id');
    await until(creditNotes, (c) => c.length === 1, 'the credit note');

    // Flow 8: a count below what Multicase holds is booked as far as it goes, the rest recorded.
    await setStock(env.db, 'SLBAG-3S', 'MAIN', 4);
    await env.control.adjustStock({
      adjustments: [{ articleNumber: 'SLBAG-3S', numberOfItems: -6, cause: { code: 'COUNT', name: 'Stock count' } }],
    });
    await until(
      () => openExceptions(as.ops!, { kind: 'stock_below_zero' }),
      (d) => d.open === 1,
      'the discrepancy recorded',
    );
    await until(
      () => getStock(env.db, 'SLBAG-3S', 'MAIN'),
      (s) => s === 0,
      'the adjustment booked',
    );

    // The scheduled stock check (as the sink user) and the console's and ops' reads (as the ops user).
    for (const user of ['sink', 'ops'] as const)
      expect(
        (await reconcileStock({ ongoing: env.api, db: as[user]!, warehouse: 'MAIN' })).articles.length,
      ).toBeGreaterThan(0);
    expect((await freightMethods(as.ops!, { activeOnly: true })).length).toBeGreaterThan(0);

    expect(pausedStages()).toEqual([]);
    // Only the refused cancel is a dead letter.
    expect((await deadLettersOf(env)).filter((l) => !l.includes(refusedPicking.pickingListNumber))).toEqual([]);
  }, 240_000);
});
