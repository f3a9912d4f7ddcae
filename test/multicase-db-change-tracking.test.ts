/**
 * Change tracking: the database stamps every change, line changes move their document, and
 * changedSince() neither misses a change nor returns one twice when transactions commit out of
 * the order in which they wrote.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProduct,
  createSalesOrder,
  deleteProduct,
  savePurchaseOrder,
  sendOrderToWarehouse,
  updateProduct,
} from '../infra/local/multicase-db/actions.js';
import { changedSince, type ChangeCursor, type TrackedTable } from '../connectors/multicase/change-tracking.js';
import { connectMulticase, migrateLatest } from '../infra/local/multicase-db/db.js';
import { seedDemoData } from '../infra/local/multicase-db/seed.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

let db: TempDatabase;
let knex: Knex;

interface Stamp {
  seq: bigint;
  xid: bigint;
}

async function stamp(table: TrackedTable, where: Record<string, unknown>): Promise<Stamp> {
  const r = await knex(`multicase.${table}`)
    .where(where)
    .first(knex.raw('change_seq::text AS seq, change_xid::text AS xid'));
  return { seq: BigInt(r.seq), xid: BigInt(r.xid) };
}

type ProductRow = { product_number: string; description: string };

/** Polls products until a batch comes back short, like a source would. */
async function drain(
  cursor: ChangeCursor | null,
  limit = 100,
): Promise<{ rows: ProductRow[]; cursor: ChangeCursor | null }> {
  const rows: ProductRow[] = [];
  for (;;) {
    const batch = await changedSince<ProductRow>(knex, 'products', cursor, limit);
    rows.push(...batch.rows);
    cursor = batch.cursor;
    if (batch.rows.length < limit) return { rows, cursor };
  }
}

/**
 * Polls (as drain) until `done` holds for everything read so far, or 10 s pass. The horizon is
 * server-wide, so an unrelated open transaction (another test file's database, say) may hold a
 * committed change back for a moment; a real source just sees it on a later poll.
 */
async function pollUntil(
  cursor: ChangeCursor | null,
  done: (rows: ProductRow[]) => boolean,
): Promise<{ rows: ProductRow[]; cursor: ChangeCursor | null }> {
  const rows: ProductRow[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const batch = await drain(cursor);
    rows.push(...batch.rows);
    cursor = batch.cursor;
    if (done(rows) || Date.now() > deadline) return { rows, cursor };
    await sleep(20);
  }
}

/** The stamp of the newest product change: a cursor after everything written so far (no writer is open). */
async function endOfStream(): Promise<ChangeCursor> {
  const r = await knex('multicase.products')
    .orderBy([
      { column: 'change_xid', order: 'desc' },
      { column: 'change_seq', order: 'desc' },
    ])
    .first(knex.raw('change_xid::text AS xid, change_seq::text AS seq'));
  return { xid: r.xid, seq: r.seq };
}

const numbers = (rows: ProductRow[]) => rows.map((r) => r.product_number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await createTempDatabase('mcdb_cdc');
  knex = connectMulticase(db.url, { poolMax: 12 });
  await migrateLatest(knex);
  await seedDemoData(knex);
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('change stamps', () => {
  it('advance with every product action, and callers cannot set them', async () => {
    await createProduct(knex, { productNumber: 'CT-1', description: 'Tracked' });
    const created = await stamp('products', { product_number: 'CT-1' });
    await updateProduct(knex, 'CT-1', { description: 'Tracked, changed' });
    const updated = await stamp('products', { product_number: 'CT-1' });
    await updateProduct(knex, 'CT-1', { isActive: false });
    const deactivated = await stamp('products', { product_number: 'CT-1' });
    await deleteProduct(knex, 'CT-1');
    const deleted = await stamp('products', { product_number: 'CT-1' });
    expect(updated.seq).toBeGreaterThan(created.seq);
    expect(deactivated.seq).toBeGreaterThan(updated.seq);
    expect(deleted.seq).toBeGreaterThan(deactivated.seq);
    expect(deleted.xid).toBeGreaterThan(created.xid);

    await knex('multicase.products').where({ product_number: 'CT-1' }).update({ change_seq: 1, change_xid: '1' });
    const forged = await stamp('products', { product_number: 'CT-1' });
    expect(forged.seq).toBeGreaterThan(deleted.seq);
    expect(forged.xid).toBeGreaterThan(deleted.xid);
  });

  it('record the writing transaction and set updated_at', async () => {
    const trx = await knex.transaction();
    const before = new Date(Date.now() - 60_000);
    await trx('multicase.products')
      .where({ product_number: 'TENT-2P' })
      .update({ description: 'Telt', updated_at: before });
    const row = await trx('multicase.products')
      .where({ product_number: 'TENT-2P' })
      .first(trx.raw('change_xid::text AS xid, pg_current_xact_id()::text AS mine, updated_at'));
    await trx.commit();
    expect(row.xid).toBe(row.mine);
    expect((row.updated_at as Date).getTime()).toBeGreaterThan(before.getTime());
  });

  it('move a purchase order when one of its lines is inserted, changed or deleted', async () => {
    const po = await savePurchaseOrder(knex, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 },
        { position: 2, productNumber: 'SLBAG-3S', quantityOrdered: 5 },
      ],
    });
    const key = { purchase_order_number: po.purchaseOrderNumber };
    const s0 = await stamp('purchase_orders', key);
    // a sink booking a receipt writes only the line
    await knex('multicase.purchase_order_lines')
      .where({ purchase_order_id: po.id, position: 1 })
      .update({ quantity_received: 4 });
    const s1 = await stamp('purchase_orders', key);
    expect(s1.seq).toBeGreaterThan(s0.seq);
    await knex('multicase.purchase_order_lines').where({ purchase_order_id: po.id, position: 2 }).delete();
    const s2 = await stamp('purchase_orders', key);
    expect(s2.seq).toBeGreaterThan(s1.seq);
    await knex('multicase.purchase_order_lines').insert({
      purchase_order_id: po.id,
      position: 3,
      product_id: (await knex('multicase.products').where({ product_number: 'WOOL-SOCK' }).first('id')).id,
      quantity_ordered: 2,
    });
    const s3 = await stamp('purchase_orders', key);
    expect(s3.seq).toBeGreaterThan(s2.seq);
    // a statement touching no line leaves the document alone
    await knex('multicase.purchase_order_lines')
      .where({ purchase_order_id: po.id, position: 99 })
      .update({ quantity_received: 1 });
    expect((await stamp('purchase_orders', key)).seq).toBe(s3.seq);
  });

  it('move the sales order and create a stamped picking list when an order is sent to the warehouse', async () => {
    const order = await createSalesOrder(knex, {
      customerNumber: 'C10002',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'JACKET-M', quantity: 1 }],
    });
    const before = await stamp('sales_orders', { order_number: order.orderNumber });
    const list = await sendOrderToWarehouse(knex, order.orderNumber);
    const after = await stamp('sales_orders', { order_number: order.orderNumber });
    const listStamp = await stamp('picking_lists', { picking_list_number: list.pickingListNumber });
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(listStamp.xid).toBe(after.xid);
    // sales-order lines move their order too
    await knex('multicase.sales_order_lines').where({ sales_order_id: order.id }).update({ quantity_delivered: 1 });
    expect((await stamp('sales_orders', { order_number: order.orderNumber })).seq).toBeGreaterThan(after.seq);
  });
});

describe('changedSince', () => {
  it('returns every row once from the start, then only what changed', async () => {
    const total = Number((await knex('multicase.products').count<{ count: string }[]>('* as count'))[0]!.count);
    const all = await pollUntil(null, (rows) => rows.length >= total);
    expect(all.rows).toHaveLength(total);
    expect(all.cursor).toEqual(await endOfStream());
    expect(new Set(numbers(all.rows)).size).toBe(all.rows.length);
    expect(await drain(all.cursor)).toEqual({ rows: [], cursor: all.cursor });

    await updateProduct(knex, 'COFFEE-500', { description: 'Turkaffe 500 g' });
    const next = await pollUntil(all.cursor, (rows) => rows.length > 0);
    expect(next.rows).toMatchObject([{ product_number: 'COFFEE-500', description: 'Turkaffe 500 g' }]);
    expect(next.cursor).not.toEqual(all.cursor);
  });

  it('holds back a change committed after an older transaction that is still open, then delivers both in order', async () => {
    const start = await endOfStream();
    const a = await knex.transaction();
    const b = await knex.transaction();
    try {
      await a('multicase.products').where({ product_number: 'TENT-2P' }).update({ description: 'X by A' }); // A writes first…
      await b('multicase.products').where({ product_number: 'SLBAG-3S' }).update({ description: 'Y by B' });
      await b.commit(); // …but commits last
      const whileAOpen = await drain(start);
      // Y must wait: handing it out would move the cursor past X, which A stamped earlier.
      expect(numbers(whileAOpen.rows)).toEqual([]);
      await a.commit();
    } finally {
      if (!a.isCompleted()) await a.rollback();
      if (!b.isCompleted()) await b.rollback();
    }
    const after = await pollUntil(start, (rows) => rows.length >= 2);
    expect(after.rows.map((r) => [r.product_number, r.description])).toEqual([
      ['TENT-2P', 'X by A'],
      ['SLBAG-3S', 'Y by B'],
    ]);
    // The trap a timestamp or sequence watermark falls into: X was stamped before Y.
    expect((await stamp('products', { product_number: 'TENT-2P' })).seq).toBeLessThan(
      (await stamp('products', { product_number: 'SLBAG-3S' })).seq,
    );
    expect(await drain(after.cursor)).toEqual({ rows: [], cursor: after.cursor });
  });

  it('sees a committed change from an older transaction but not the open one, then the rest exactly once', async () => {
    const start = await endOfStream();
    const a = await knex.transaction(); // A opens first…
    const b = await knex.transaction();
    let first: { rows: ProductRow[]; cursor: ChangeCursor | null };
    try {
      await b('multicase.products').where({ product_number: 'JACKET-M' }).update({ description: 'Y by B' }); // B gets its xid first
      await a('multicase.products').where({ product_number: 'WOOL-SOCK' }).update({ description: 'X by A' });
      await b.commit();
      first = await pollUntil(start, (rows) => rows.length > 0);
      expect(numbers(first.rows)).toEqual(['JACKET-M']);
      expect(await drain(first.cursor)).toEqual({ rows: [], cursor: first.cursor }); // X stays invisible while A is open
      await a.commit();
    } finally {
      if (!a.isCompleted()) await a.rollback();
      if (!b.isCompleted()) await b.rollback();
    }
    const second = await pollUntil(first.cursor, (rows) => rows.length > 0);
    expect(second.rows.map((r) => [r.product_number, r.description])).toEqual([['WOOL-SOCK', 'X by A']]);
    expect(await drain(second.cursor)).toEqual({ rows: [], cursor: second.cursor });
  });

  it('never returns a rolled-back change', async () => {
    const start = await endOfStream();
    const trx = await knex.transaction();
    await trx('multicase.products').where({ product_number: 'TENT-2P' }).update({ description: 'never' });
    await trx.rollback();
    expect((await drain(start)).rows).toEqual([]);
  });

  it('misses nothing and repeats nothing under concurrent writers committing in random order', async () => {
    const products = ['TENT-2P', 'SLBAG-3S', 'JACKET-M', 'WOOL-SOCK', 'COFFEE-500'];
    let cursor: ChangeCursor | null = await endOfStream();
    const committed: { product: string; seq: bigint }[] = [];
    const rolledBack = new Set<bigint>();
    const seen: { product: string; seq: bigint }[] = [];
    let writing = true;

    const writer = async (w: number) => {
      for (let i = 0; i < 20; i++) {
        const trx = await knex.transaction();
        const mine = [
          ...new Set([products[(w + i) % products.length]!, products[(w * 3 + i * 7) % products.length]!]),
        ].sort();
        const seqs: { product: string; seq: bigint }[] = [];
        for (const p of mine) {
          const [r] = await trx('multicase.products')
            .where({ product_number: p })
            .update({ description: `w${w} t${i}` })
            .returning(trx.raw('change_seq::text AS seq'));
          seqs.push({ product: p, seq: BigInt(r.seq) });
          await sleep(Math.random() * 6);
        }
        if (Math.random() < 0.15) {
          await trx.rollback();
          for (const s of seqs) rolledBack.add(s.seq);
        } else {
          await trx.commit();
          committed.push(...seqs);
        }
      }
    };
    const poller = async () => {
      while (writing) {
        const batch = await changedSince<ProductRow & { change_seq: string }>(knex, 'products', cursor, 4);
        for (const r of batch.rows) seen.push({ product: r.product_number, seq: BigInt(r.change_seq) });
        cursor = batch.cursor;
        await sleep(2);
      }
    };

    const polling = poller();
    await Promise.all([0, 1, 2, 3].map(writer));
    writing = false;
    await polling;
    const final = new Map<string, bigint>();
    for (const p of products) final.set(p, (await stamp('products', { product_number: p })).seq);
    type Versioned = ProductRow & { change_seq: string };
    const delivered = (rows: ProductRow[]) =>
      products.every((p) =>
        [...seen, ...(rows as Versioned[]).map((r) => ({ product: r.product_number, seq: BigInt(r.change_seq) }))].some(
          (v) => v.product === p && v.seq === final.get(p),
        ),
      );
    const rest = await pollUntil(cursor, delivered);
    for (const r of rest.rows as Versioned[]) seen.push({ product: r.product_number, seq: BigInt(r.change_seq) });

    expect(committed.length).toBeGreaterThan(30);
    // each row version at most once, and each product's versions in order
    expect(new Set(seen.map((s) => `${s.product}@${s.seq}`)).size).toBe(seen.length);
    for (const p of products) {
      const versions = seen.filter((s) => s.product === p).map((s) => s.seq);
      expect(versions).toEqual([...versions].sort((x, y) => (x < y ? -1 : 1)));
    }
    // nothing from a rolled-back transaction
    expect(seen.filter((s) => rolledBack.has(s.seq))).toEqual([]);
    // every committed write is covered by a version the poller saw (it may see only a later one)
    const missed = committed.filter((c) => !seen.some((s) => s.product === c.product && s.seq >= c.seq));
    expect(missed).toEqual([]);
    // and the final state of every product was delivered
    for (const p of products) expect(seen.filter((s) => s.product === p).at(-1)!.seq).toBe(final.get(p));
  });
});
