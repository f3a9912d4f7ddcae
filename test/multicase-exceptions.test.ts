/**
 * Integration exceptions and the fact ledger in the Multicase adapter, on a real (stand-in)
 * Multicase database: raising one notes it in each document's history and counts it once its
 * transaction commits; resolving it does so once; the stock check's column of its own reads the
 * open ones; the ledger gives each warehouse line its own difference; and the stock discrepancies
 * of migration 0011 become exceptions of kind stock_below_zero.
 */
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCEPTION_KINDS,
  exceptionsRaised,
  openExceptions,
  raiseException,
  resolveException,
  stockExplainedByExceptions,
} from '../connectors/multicase/adapter/exceptions.js';
import { accountFor, lineDelta } from '../connectors/multicase/adapter/fact-ledger.js';
import {
  createSalesOrder,
  getOrderHistory,
  getPurchaseOrder,
  savePurchaseOrder,
} from '../infra/local/multicase-db/actions.js';
import { connectMulticase } from '../infra/local/multicase-db/db.js';
import { migrationSource, multicaseMigrations } from '../infra/local/multicase-db/migrations/index.js';
import { runOps, type OpsIo } from '../pipeline/ops/cli.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mc_exceptions'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

const idOf = async (table: string, where: Record<string, unknown>) =>
  ((await knex(table).where(where).first('id')) as { id: number }).id;
const raisedCount = async (kind: string) =>
  (await exceptionsRaised.get()).values.filter((v) => v.labels.kind === kind).reduce((s, v) => s + v.value, 0);
const by = { stage: 'test', eventId: 'test-event' };

describe('integration exceptions', () => {
  it('are the closed list the database knows', async () => {
    const { rows } = await knex.raw<{ rows: { def: string }[] }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'integration_exceptions_kind_known'`,
    );
    const inDatabase = [...rows[0]!.def.matchAll(/'(\w+)'::text/g)].map((m) => m[1]).sort();
    expect(inDatabase).toEqual(Object.keys(EXCEPTION_KINDS).sort());
  });

  it('are each explained in the README: what it means and what the user does', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [kind, k] of Object.entries(EXCEPTION_KINDS))
      expect(readme, kind).toContain(`| \`${kind}\` | ${k.means} | ${k.userDoes} |`);
  });

  it('raised: a row with the documents and quantities, a note in each document history, counted once committed', async () => {
    const po = await savePurchaseOrder(knex, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 }],
    });
    const order = await createSalesOrder(knex, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'TENT-2P', quantity: 1, unitPrice: 2000 }],
    });
    const purchaseOrderId = await idOf('multicase.purchase_orders', { purchase_order_number: po.purchaseOrderNumber });
    const salesOrderId = await idOf('multicase.sales_orders', { order_number: order.orderNumber });
    const productId = await idOf('multicase.products', { product_number: 'TENT-2P' });
    const warehouseId = await idOf('multicase.warehouses', { code: 'MAIN' });
    const before = await raisedCount('over_receipt');

    // Rolled back: nothing stays, nothing is counted.
    await knex
      .transaction(async (trx) => {
        await raiseException(
          trx,
          { kind: 'over_receipt', document: { type: 'purchase_order', number: po.purchaseOrderNumber }, reason: 'x' },
          by,
        );
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const id = await knex.transaction((trx) =>
      raiseException(
        trx,
        {
          kind: 'over_receipt',
          document: { type: 'purchase_order', number: po.purchaseOrderNumber },
          purchaseOrderId,
          salesOrderId,
          productId,
          warehouseId,
          expected: 10,
          reported: 12.0004,
          booked: 12,
          reason: `Purchase order ${po.purchaseOrderNumber}: 12 × TENT-2P received, 10 ordered.`,
          details: { line: 1 },
        },
        by,
      ),
    );
    expect(await raisedCount('over_receipt')).toBe(before + 1);

    const open = await openExceptions(knex);
    expect(open.open).toBe(1);
    expect(open.byKind).toEqual({ over_receipt: 1 });
    expect(open.recent[0]).toMatchObject({
      id,
      kind: 'over_receipt',
      status: 'open',
      documentType: 'purchase_order',
      documentNumber: po.purchaseOrderNumber,
      productNumber: 'TENT-2P',
      expected: 10,
      reported: 12,
      booked: 12,
      stockNotBooked: 0,
      details: { line: 1 },
    });
    const poHistory = await knex('multicase.document_history').where({ purchase_order_id: purchaseOrderId });
    expect(poHistory.map((h: { entry_type: string; text: string }) => [h.entry_type, h.text])).toEqual([
      [
        'exception',
        `Integration exception ${id} (received more than ordered): Purchase order ${po.purchaseOrderNumber}: 12 × TENT-2P received, 10 ordered.`,
      ],
    ]);
    expect((await getOrderHistory(knex, order.orderNumber)).map((h) => h.text)).toContain(
      `Integration exception ${id} (received more than ordered): Purchase order ${po.purchaseOrderNumber}: 12 × TENT-2P received, 10 ordered.`,
    );
    expect((await getPurchaseOrder(knex, po.purchaseOrderNumber))?.status).toBe('open');

    // Resolved once, with a note in the histories; a second time changes nothing; an unknown id is said so.
    const resolved = await resolveException(knex, id, 'anna', 'supplier credits the surplus');
    expect(resolved).toMatchObject({
      outcome: 'resolved',
      exception: { status: 'resolved', resolvedBy: 'anna', resolutionNote: 'supplier credits the surplus' },
    });
    expect(await resolveException(knex, id, 'bob', 'again')).toMatchObject({
      outcome: 'already resolved',
      exception: { resolvedBy: 'anna' },
    });
    expect(await resolveException(knex, 999_999, 'bob', 'x')).toEqual({ outcome: 'unknown' });
    expect(
      (await knex('multicase.document_history').where({ purchase_order_id: purchaseOrderId })).map(
        (h: { text: string }) => h.text,
      ),
    ).toContain(`Integration exception ${id} resolved by anna: supplier credits the surplus`);
    expect((await openExceptions(knex)).open).toBe(0);
  });

  it('explain, while open, the stock the warehouse has that Multicase does not, per article', async () => {
    const productId = await idOf('multicase.products', { product_number: 'SLBAG-3S' });
    const warehouseId = await idOf('multicase.warehouses', { code: 'MAIN' });
    const raise = (stockNotBooked: number) =>
      knex.transaction((trx) =>
        raiseException(
          trx,
          {
            kind: 'stock_below_zero',
            document: { type: 'inventory_adjustment', number: `inventory 1/article ${stockNotBooked}` },
            productId,
            warehouseId,
            reported: -6,
            booked: -6 - stockNotBooked,
            stockNotBooked,
            reason: 'below zero',
          },
          by,
        ),
      );
    const first = await raise(-2);
    const second = await raise(-0.5);
    await knex.transaction(async (trx) =>
      expect(await stockExplainedByExceptions(trx, 'MAIN')).toEqual([
        { article: 'SLBAG-3S', quantity: -2.5, exceptions: [first, second] },
      ]),
    );
    await resolveException(knex, first, 'anna', 'counted again');
    await resolveException(knex, second, 'anna', 'counted again');
    await knex.transaction(async (trx) => expect(await stockExplainedByExceptions(trx, 'MAIN')).toEqual([]));
  });
});

describe('ops exceptions', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const io: OpsIo = {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      runtime: () => {
        throw new Error('ops exceptions needs no Kafka');
      },
      multicaseDb: () => knex,
    };
    return { code: await runOps(args, io), text: out.join('\n') };
  };

  it('lists the open ones and resolves one with a note; refuses bad usage', async () => {
    const id = await knex.transaction((trx) =>
      raiseException(
        trx,
        {
          kind: 'receipt_on_unknown_purchase_order',
          document: { type: 'ongoing_purchase_order', number: 'HAND-1' },
          reported: 4,
          booked: 4,
          reason:
            'Ongoing purchase order HAND-1 was not created by the integration: 4 × TENT-2P booked as an unplanned receipt.',
        },
        by,
      ),
    );
    const listed = await run(['exceptions', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.text).toMatch(
      new RegExp(`^${id}\\s+receipt_on_unknown_purchase_order\\s+ongoing purchase order HAND-1`, 'm'),
    );
    expect(listed.text).toContain('1 open exception: 1 receipt_on_unknown_purchase_order');
    expect((await run(['exceptions', 'list', '--kind', 'nonsense'])).code).toBe(1);
    expect((await run(['exceptions', 'resolve', String(id)])).code).toBe(2);
    const resolved = await run([
      'exceptions',
      'resolve',
      String(id),
      '--note',
      'PO 200099 created for it',
      '--by',
      'anna',
    ]);
    expect(resolved).toEqual({
      code: 0,
      text: `Exception ${id} (receipt_on_unknown_purchase_order, ongoing purchase order HAND-1) resolved by anna: PO 200099 created for it`,
    });
    expect((await run(['exceptions', 'resolve', '999999', '--note', 'x'])).code).toBe(1);
    expect((await run(['exceptions', 'list'])).text).toContain('none open');
  });
});

describe('the fact ledger', () => {
  it('gives each warehouse line the difference to what was accounted for, starting at its seed', async () => {
    const line = { kind: 'receipt', documentId: 77, lineKey: 5, documentNumber: 'PO-X' };
    await knex.transaction(async (trx) => {
      expect(await lineDelta(trx, line, 2.0004, 1)).toEqual({ accounted: 1, delta: 1 });
      await accountFor(trx, line, 2.0004, 'e1');
    });
    await knex.transaction(async (trx) => {
      // The seed counts only for a line never seen; a total that rounds to what is booked is no change.
      expect(await lineDelta(trx, line, 2.0001, 0)).toEqual({ accounted: 2, delta: 0 });
      expect(await lineDelta(trx, line, 1.5, 0)).toEqual({ accounted: 2, delta: -0.5 });
      await accountFor(trx, line, 1.5, 'e2');
    });
    await knex.transaction(async (trx) =>
      expect(await lineDelta(trx, line, 1.5)).toEqual({ accounted: 1.5, delta: 0 }),
    );
  });
});

describe('migration 0013', () => {
  it('turns the stock discrepancies of 0011 into exceptions of kind stock_below_zero', async () => {
    const temp = await createTempDatabase('mc_exceptions_migration');
    const old = connectMulticase(temp.url);
    const config = { migrationSource, tableName: 'multicase_knex_migrations' };
    try {
      const before = multicaseMigrations.findIndex((m) => m.name === '0013_integration_exceptions_and_fact_ledger');
      for (let i = 0; i < before; i++) await old.migrate.up(config);
      await old('multicase.warehouses').insert({ code: 'MAIN', name: 'Main' });
      const [{ id: productId }] = await old('multicase.products')
        .insert({ product_number: 'P1', description: 'P one', unit: 'pcs' })
        .returning('id');
      const warehouseId = ((await old('multicase.warehouses').first('id')) as { id: number }).id;
      await old('multicase.stock_discrepancies').insert([
        {
          product_id: productId,
          warehouse_id: warehouseId,
          reference: 'inventory 9/article 3',
          quantity_change: -6,
          quantity_booked: -4,
          quantity_unbooked: -2,
          on_hand_before: 4,
          allocated: 0,
          cause: 'COUNT',
        },
        {
          product_id: productId,
          warehouse_id: warehouseId,
          reference: 'inventory 10/article 3',
          quantity_change: -1,
          quantity_booked: 0,
          quantity_unbooked: -1,
          on_hand_before: 0,
          allocated: 0,
          cause: null,
          resolved_at: new Date(),
        },
      ]);
      await old.migrate.latest(config);
      const rows = await old('multicase.integration_exceptions').orderBy('id');
      expect(
        rows.map((r: Record<string, unknown>) => [
          r.kind,
          r.status,
          r.document_number,
          Number(r.quantity_reported),
          Number(r.quantity_booked),
          Number(r.stock_not_booked),
        ]),
      ).toEqual([
        ['stock_below_zero', 'open', 'inventory 9/article 3', -6, -4, -2],
        ['stock_below_zero', 'resolved', 'inventory 10/article 3', -1, 0, -1],
      ]);
      expect(rows[0].reason).toBe(
        'Stock of P1 changed by -6.000 in the warehouse (inventory 9/article 3); Multicase booked -4.000 and could not book -2.000 (on hand 4.000, allocated 0.000).',
      );
      // And back: the rollback of 0013 (after those that came later) restores them.
      for (let i = before; i < multicaseMigrations.length; i++) await old.migrate.down(config);
      expect(await old('multicase.stock_discrepancies').count({ n: '*' })).toEqual([{ n: '2' }]);
    } finally {
      await old.destroy();
      await temp.drop();
    }
  });
});
