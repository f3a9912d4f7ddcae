/**
 * The schema itself refuses impossible data, whoever writes it (sinks write with plain SQL, so
 * these rules must hold below the user actions too).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../runtime/errors.js';
import {
  createSalesOrder,
  getStock,
  getStockTransactions,
  savePurchaseOrder,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import { claimCommand } from '../connectors/multicase/adapter/commands.js';
import { bookStockMovement } from '../connectors/multicase/adapter/stock.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';

let db: TempDatabase;
let knex: Knex;
let ids: { tent: number; giftwrap: number; main: number; supplier: number; customer: number };

/** Runs `fn` in a transaction that is always rolled back, so a refused write leaves nothing behind. */
async function attempt(fn: (trx: Knex.Transaction) => Promise<unknown>): Promise<unknown> {
  const trx = await knex.transaction();
  try {
    await fn(trx);
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await trx.rollback();
  }
}

function pgError(err: unknown): { code?: string; constraint?: string; message: string } {
  expect(err, 'the write should have been refused').toBeInstanceOf(Error);
  return err as { code?: string; constraint?: string; message: string };
}

async function salesOrderId(trx: Knex): Promise<number> {
  const [o] = await trx('multicase.sales_orders')
    .insert({
      order_number: `T${Math.random()}`,
      customer_id: ids.customer,
      shipping_method_id: 1,
      warehouse_id: ids.main,
      delivery_name: 'X',
      delivery_country_code: 'NO',
    })
    .returning('id');
  return o.id as number;
}

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_constraints'));
  const id = async (table: string, where: Record<string, string>) =>
    ((await knex(`multicase.${table}`).where(where).first('id')) as { id: number }).id;
  ids = {
    tent: await id('products', { product_number: 'TENT-2P' }),
    giftwrap: await id('products', { product_number: 'GIFTWRAP' }),
    main: await id('warehouses', { code: 'MAIN' }),
    supplier: await id('suppliers', { supplier_number: 'S1001' }),
    customer: await id('customers', { customer_number: 'C10001' }),
  };
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('stock', () => {
  it('refuses a negative stock row', async () => {
    const err = pgError(
      await attempt((trx) =>
        trx('multicase.stock').where({ product_id: ids.tent, warehouse_id: ids.main }).update({ quantity: -1 }),
      ),
    );
    expect(err.code).toBe('23514');
    expect(err.constraint).toBe('stock_quantity_not_negative');
  });

  it('refuses a booking that would take stock below zero, naming product and warehouse, and books nothing', async () => {
    const before = await getStock(knex, 'TENT-2P', 'MAIN');
    const historyBefore = (await getStockTransactions(knex, 'TENT-2P')).length;
    const err = pgError(
      await attempt((trx) =>
        bookStockMovement(trx, {
          productId: ids.tent,
          warehouseId: ids.main,
          quantityChange: -(before + 1),
          kind: 'shipment',
          reference: 'SO-1',
        }),
      ),
    );
    expect(err.code).toBe('23514');
    expect(err.message).toMatch(
      /stock of product TENT-2P in warehouse MAIN cannot go below zero: 40(\.000)? - 41 would leave -1/,
    );
    expect(await getStock(knex, 'TENT-2P', 'MAIN')).toBe(before);
    expect(await getStockTransactions(knex, 'TENT-2P')).toHaveLength(historyBefore);
  });

  it('keeps stock and its history in step', async () => {
    const trx = await knex.transaction();
    const balance = await bookStockMovement(trx, {
      productId: ids.tent,
      warehouseId: ids.main,
      quantityChange: -2.5,
      kind: 'shipment',
      reference: 'SO-9',
      eventId: 'ev-1',
    });
    await trx.commit();
    expect(balance).toBe(37.5);
    expect(await getStock(knex, 'TENT-2P', 'MAIN')).toBe(37.5);
    const last = (await getStockTransactions(knex, 'TENT-2P')).at(-1)!;
    expect(last).toMatchObject({
      quantityChange: -2.5,
      balanceAfter: 37.5,
      kind: 'shipment',
      reference: 'SO-9',
      eventId: 'ev-1',
    });
  });

  it('refuses a zero stock transaction and an unknown kind', async () => {
    const zero = pgError(
      await attempt((trx) =>
        trx('multicase.stock_transactions').insert({
          product_id: ids.tent,
          warehouse_id: ids.main,
          quantity_change: 0,
          balance_after: 1,
          kind: 'adjustment',
        }),
      ),
    );
    expect(zero.constraint).toBe('stock_transactions_quantity_change_not_zero');
    const kind = pgError(
      await attempt((trx) =>
        trx('multicase.stock_transactions').insert({
          product_id: ids.tent,
          warehouse_id: ids.main,
          quantity_change: 1,
          balance_after: 1,
          kind: 'theft',
        }),
      ),
    );
    expect(kind.constraint).toBe('stock_transactions_kind_known');
  });

  it('refuses stock for a service item, and a stocked product becoming a service item', async () => {
    const stock = pgError(
      await attempt((trx) =>
        trx('multicase.stock').insert({ product_id: ids.giftwrap, warehouse_id: ids.main, quantity: 3 }),
      ),
    );
    expect(stock.message).toMatch(/product GIFTWRAP is a service item and carries no stock/);
    const booked = pgError(
      await attempt((trx) =>
        bookStockMovement(trx, {
          productId: ids.giftwrap,
          warehouseId: ids.main,
          quantityChange: 1,
          kind: 'receipt',
          reference: 'PO',
        }),
      ),
    );
    expect(booked.message).toMatch(/GIFTWRAP is a service item/);
    const flip = pgError(
      await attempt((trx) => trx('multicase.products').where({ id: ids.tent }).update({ is_service: true })),
    );
    expect(flip.message).toMatch(/product TENT-2P has stock and cannot become a service item/);
    await expect(setStock(knex, 'GIFTWRAP', 'MAIN', 1)).rejects.toThrow(ValidationError);
  });
});

describe('document lines', () => {
  it('refuse a purchase-order line for an unknown product', async () => {
    const err = pgError(
      await attempt(async (trx) => {
        const [po] = await trx('multicase.purchase_orders')
          .insert({ purchase_order_number: 'PO-X', supplier_id: ids.supplier, warehouse_id: ids.main })
          .returning('id');
        await trx('multicase.purchase_order_lines').insert({
          purchase_order_id: po.id,
          position: 1,
          product_id: 999999,
          quantity_ordered: 1,
        });
      }),
    );
    expect(err.code).toBe('23503');
    expect(err.constraint).toBe('purchase_order_lines_product_id_fkey');
  });

  it('refuse the same line for an unknown product through the user action, naming record and field', async () => {
    const err = await savePurchaseOrder(knex, {
      purchaseOrderNumber: 'PO-UNKNOWN',
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'NO-SUCH-THING', quantityOrdered: 1 }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ record: 'purchase order PO-UNKNOWN', field: 'lines[position 1].productNumber' });
    expect((err as Error).message).toMatch(/NO-SUCH-THING/);
    expect(
      await knex('multicase.purchase_orders').where({ purchase_order_number: 'PO-UNKNOWN' }).first(),
    ).toBeUndefined();
  });

  it.each([0, -3])('refuse quantity %d on purchase-order, sales-order and return lines', async (quantity) => {
    const po = pgError(
      await attempt(async (trx) => {
        const [h] = await trx('multicase.purchase_orders')
          .insert({ purchase_order_number: 'PO-Q', supplier_id: ids.supplier, warehouse_id: ids.main })
          .returning('id');
        await trx('multicase.purchase_order_lines').insert({
          purchase_order_id: h.id,
          position: 1,
          product_id: ids.tent,
          quantity_ordered: quantity,
        });
      }),
    );
    expect(po.constraint).toBe('purchase_order_lines_quantity_ordered_positive');
    const so = pgError(
      await attempt(async (trx) => {
        await trx('multicase.sales_order_lines').insert({
          sales_order_id: await salesOrderId(trx),
          position: 1,
          product_id: ids.tent,
          quantity,
        });
      }),
    );
    expect(so.constraint).toBe('sales_order_lines_quantity_positive');
    const action = await createSalesOrder(knex, {
      customerNumber: 'C10001',
      lines: [{ productNumber: 'TENT-2P', quantity }],
      warehouseCode: 'MAIN',
    }).catch((e: unknown) => e);
    expect(action).toBeInstanceOf(ValidationError);
    expect(action).toMatchObject({ field: 'lines[position 1].quantity' });
  });

  it('refuse duplicate line positions, unknown statuses and returns above what was delivered', async () => {
    const dup = pgError(
      await attempt(async (trx) => {
        const id = await salesOrderId(trx);
        await trx('multicase.sales_order_lines').insert([
          { sales_order_id: id, position: 1, product_id: ids.tent, quantity: 1 },
          { sales_order_id: id, position: 1, product_id: ids.tent, quantity: 2 },
        ]);
      }),
    );
    expect(dup.constraint).toBe('sales_order_lines_position_unique');
    const status = pgError(
      await attempt((trx) =>
        trx('multicase.purchase_orders').insert({
          purchase_order_number: 'PO-S',
          supplier_id: ids.supplier,
          warehouse_id: ids.main,
          status: 'lost',
        }),
      ),
    );
    expect(status.constraint).toBe('purchase_orders_status_known');
    const returned = pgError(
      await attempt(async (trx) => {
        await trx('multicase.sales_order_lines').insert({
          sales_order_id: await salesOrderId(trx),
          position: 1,
          product_id: ids.tent,
          quantity: 2,
          quantity_delivered: 1,
          quantity_returned: 2,
        });
      }),
    );
    expect(returned.constraint).toBe('sales_order_lines_returned_not_above_delivered');
  });

  it('refuse an invoice due before it was issued and a malformed EAN', async () => {
    const due = pgError(
      await attempt(async (trx) => {
        await trx('multicase.invoices').insert({
          invoice_number: 'I-1',
          sales_order_id: await salesOrderId(trx),
          customer_id: ids.customer,
          invoice_date: '2024-05-10',
          due_date: '2024-05-01',
          amount_net: 10,
          vat_amount: 2.5,
        });
      }),
    );
    expect(due.constraint).toBe('invoices_due_after_invoice_date');
    const ean = pgError(
      await attempt((trx) =>
        trx('multicase.products').insert({ product_number: 'BAD-EAN', description: 'x', ean: '12345' }),
      ),
    );
    expect(ean.constraint).toBe('products_ean_format');
  });
});

describe('tracked rows and idempotency', () => {
  it('refuse hard deletes of tracked rows', async () => {
    const err = pgError(await attempt((trx) => trx('multicase.products').where({ id: ids.tent }).delete()));
    expect(err.code).toBe('23001');
    expect(err.message).toMatch(/rows of multicase\.products are never deleted.*set is_deleted to true instead/);
  });

  it('applies an event id once', async () => {
    const first = await knex.transaction((trx) => claimCommand(trx, 'ongoing:shipment:42:v1', 'ongoing.order.shipped'));
    const again = await knex.transaction((trx) => claimCommand(trx, 'ongoing:shipment:42:v1', 'ongoing.order.shipped'));
    expect([first, again]).toEqual([true, false]);
    const raw = pgError(
      await attempt((trx) =>
        trx('multicase.applied_events').insert({ event_id: 'ongoing:shipment:42:v1', topic: 't' }),
      ),
    );
    expect(raw.code).toBe('23505');
  });
});
