/**
 * The order side of allocation in the Multicase database: freight methods that need a pickup
 * point, payment terms, and changing an order without dropping a line below what was sent.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  changeOrder,
  createProduct,
  createSalesOrder,
  getOrderHistory,
  getSalesOrder,
  getStockLevels,
  sendOrderToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { refused } from './support/multicase-actions.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_allocation_orders'));
  await createProduct(knex, { productNumber: 'CHG-A', description: 'Change test product' });
  await setStock(knex, 'CHG-A', 'MAIN', 20);
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

const base = { customerNumber: 'C10001', warehouseCode: 'MAIN', lines: [{ productNumber: 'WOOL-SOCK', quantity: 1 }] };

describe('shipping methods with pickup points', () => {
  it('refuses an order without a pickup point for a method that needs one, naming the field', async () => {
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'PP-1', shippingMethod: 'PN-LOCKER' }),
      'sales order PP-1',
      'pickupPointCode',
      /PN-LOCKER delivers to a pickup point/,
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'PP-1', shippingMethod: 7, pickupPointCode: '  ' }),
      'sales order PP-1',
      'pickupPointCode',
    );
    const o = await createSalesOrder(knex, {
      ...base,
      orderNumber: 'PP-1',
      shippingMethod: 'PN-LOCKER',
      pickupPointCode: '112233',
    });
    expect(o).toMatchObject({ shippingMethodId: 7, pickupPointCode: '112233' });
    const plain = await createSalesOrder(knex, { ...base, orderNumber: 'PP-2' });
    expect(plain).toMatchObject({ shippingMethodId: 2, pickupPointCode: null });
  });

  it('holds below the actions: the database refuses such an order too', async () => {
    const o = (await getSalesOrder(knex, 'PP-1'))!;
    const err = await knex('multicase.sales_orders')
      .where({ id: o.id })
      .update({ pickup_point_code: null })
      .then(
        () => undefined,
        (e: unknown) => e as { code: string; constraint: string; message: string },
      );
    expect(err).toMatchObject({ code: '23514', constraint: 'sales_orders_pickup_point_when_needed' });
    expect(err!.message).toMatch(/sales order PP-1: shipping method PN-LOCKER needs a pickup point/);
  });

  it('changing the method asks for a pickup point when the new one needs it, and drops it when not', async () => {
    await refused(changeOrder(knex, 'PP-2', { shippingMethod: 'PN-LOCKER' }), 'sales order PP-2', 'pickupPointCode');
    expect(await changeOrder(knex, 'PP-2', { shippingMethod: 'PN-LOCKER', pickupPointCode: 'A-77' })).toMatchObject({
      shippingMethodId: 7,
      pickupPointCode: 'A-77',
    });
    expect(await changeOrder(knex, 'PP-2', { pickupPointCode: 'B-12' })).toMatchObject({ pickupPointCode: 'B-12' });
    await refused(changeOrder(knex, 'PP-2', { pickupPointCode: null }), 'sales order PP-2', 'pickupPointCode');
    expect(await changeOrder(knex, 'PP-2', { shippingMethod: 'BRING-PIP' })).toMatchObject({
      shippingMethodId: 2,
      pickupPointCode: null,
    });
    await refused(
      changeOrder(knex, 'PP-2', { shippingMethod: 'DBS-SYS' }),
      'sales order PP-2',
      'shippingMethod',
      /inactive/,
    );
  });
});

describe('payment terms', () => {
  it("takes the customer's payment terms unless the order overrides them, and gives the due date", async () => {
    const c = await createSalesOrder(knex, { ...base, orderNumber: 'PT-1', customerNumber: 'C10003' });
    expect(c.paymentTermsDays).toBe(30);
    const o = await createSalesOrder(knex, { ...base, orderNumber: 'PT-2', paymentTermsDays: 10 });
    expect(o.paymentTermsDays).toBe(10);
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'PT-3', paymentTermsDays: 1.5 }),
      'sales order PT-3',
      'paymentTermsDays',
    );
    const due = await knex.raw(`SELECT multicase.order_due_date(?, '2024-05-10'::date) AS due`, [o.id]);
    expect(due.rows[0].due).toBe('2024-05-20');
    // an order without terms of its own falls back to its customer's
    expect((await changeOrder(knex, 'PT-2', { paymentTermsDays: null })).paymentTermsDays).toBe(14);
  });
});

describe('changing an order', () => {
  it('cannot drop a line below what was sent, and releases allocation a smaller line no longer needs', async () => {
    await createSalesOrder(knex, { ...base, orderNumber: 'CH-1', lines: [{ productNumber: 'CHG-A', quantity: 5 }] });
    await allocate(knex, { orderNumber: 'CH-1' });
    await sendOrderToWarehouse(knex, 'CH-1', [{ position: 1, quantity: 3 }], { allocate: false });
    expect(await getStockLevels(knex, 'CHG-A', 'MAIN')).toEqual({ onHand: 20, allocated: 5, available: 15 });

    await refused(
      changeOrder(knex, 'CH-1', { lines: [{ position: 1, quantity: 2 }] }),
      'sales order CH-1',
      'lines[position 1].quantity',
      /is 2 but 3 is already sent/,
    );
    await refused(
      changeOrder(knex, 'CH-1', { lines: [{ position: 1, remove: true }] }),
      'sales order CH-1',
      'lines[position 1].remove',
      /3 is sent/,
    );
    await refused(
      changeOrder(knex, 'CH-1', { lines: [{ position: 1, productNumber: 'TENT-2P' }] }),
      'sales order CH-1',
      'lines[position 1].productNumber',
      /cannot change/,
    );

    const smaller = await changeOrder(knex, 'CH-1', { lines: [{ position: 1, quantity: 4 }] });
    expect(smaller.lines[0]).toMatchObject({
      quantity: 4,
      quantityAllocated: 4,
      quantitySent: 3,
      quantityBackOrdered: 1,
    });
    expect(await getStockLevels(knex, 'CHG-A', 'MAIN')).toEqual({ onHand: 20, allocated: 4, available: 16 });
    const exact = await changeOrder(knex, 'CH-1', { lines: [{ position: 1, quantity: 3 }] });
    expect(exact.lines[0]).toMatchObject({
      quantity: 3,
      quantityAllocated: 3,
      quantitySent: 3,
      quantityBackOrdered: 0,
    });
  });

  it('adds, changes and removes lines, and changes the delivery address and date', async () => {
    await createSalesOrder(knex, {
      ...base,
      orderNumber: 'CH-2',
      lines: [
        { productNumber: 'CHG-A', quantity: 2 },
        { productNumber: 'TENT-2P', quantity: 1 },
      ],
    });
    await allocate(knex, { orderNumber: 'CH-2' });
    const before = await getStockLevels(knex, 'TENT-2P', 'MAIN');
    const changed = await changeOrder(knex, 'CH-2', {
      lines: [
        { position: 1, quantity: 3, unitPrice: 199 },
        { position: 2, remove: true },
        { position: 3, productNumber: 'GIFTWRAP', quantity: 1, unitPrice: 49 },
      ],
      deliveryAddress: { name: 'Kari at work', city: 'Lillestrøm' },
      deliveryDate: '2024-06-01',
      reference: 'changed by phone',
    });
    expect(
      changed.lines.map((l) => [l.position, l.productNumber, l.quantity, l.unitPrice, l.quantityAllocated]),
    ).toEqual([
      [1, 'CHG-A', 3, 199, 2],
      [3, 'GIFTWRAP', 1, 49, 0],
    ]);
    expect(changed).toMatchObject({
      deliveryAddress: { name: 'Kari at work', city: 'Lillestrøm', address1: 'Storgata 1' },
      deliveryDate: '2024-06-01',
      reference: 'changed by phone',
    });
    // the removed line's allocation went back to stock
    expect((await getStockLevels(knex, 'TENT-2P', 'MAIN')).allocated).toBe(before.allocated - 1);
    expect((await getOrderHistory(knex, 'CH-2')).map((h) => h.text)).toContain('Order changed');

    await refused(
      changeOrder(knex, 'CH-2', { lines: [{ position: 4, quantity: 1 }] }),
      'sales order CH-2',
      'lines[position 4].productNumber',
    );
    await refused(
      changeOrder(knex, 'CH-2', { lines: [{ position: 1, quantity: 0 }] }),
      'sales order CH-2',
      'lines[position 1].quantity',
    );
    await refused(
      changeOrder(knex, 'CH-2', {
        lines: [
          { position: 1, remove: true },
          { position: 3, remove: true },
        ],
      }),
      'sales order CH-2',
      'lines',
      /at least one line/,
    );
    await refused(
      changeOrder(knex, 'CH-2', { deliveryAddress: { countryCode: 'Norway' } }),
      'sales order CH-2',
      'deliveryAddress.countryCode',
    );
    await refused(changeOrder(knex, 'CH-2', { deliveryDate: '1 June' }), 'sales order CH-2', 'deliveryDate');
    await refused(changeOrder(knex, 'NO-ORDER', {}), 'sales order NO-ORDER', 'orderNumber');
    // refused changes leave the order as it was
    expect((await getSalesOrder(knex, 'CH-2'))!.lines).toHaveLength(2);
  });
});
