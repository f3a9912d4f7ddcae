/**
 * The Multicase user actions on products and purchase orders do what they say, and refuse what a
 * user could not do.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPurchaseOrder,
  createProduct,
  createSalesOrder,
  deleteProduct,
  getProduct,
  getPurchaseOrder,
  savePurchaseOrder,
  updateProduct,
} from '../infra/local/multicase-db/actions.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { refused } from './support/multicase-actions.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_actions_products'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('products', () => {
  it('creates a product with all its fields', async () => {
    const p = await createProduct(knex, {
      productNumber: 'HEADLAMP',
      description: 'Hodelykt 400 lm',
      description2: 'USB-C',
      ean: '7071234500062',
      weightKg: 0.09,
      lengthCm: 8,
      widthCm: 5,
      heightCm: 4,
      volumeDm3: 0.16,
      supplierNumber: 'S1001',
      productGroup: 'Camping',
    });
    expect(p).toMatchObject({
      productNumber: 'HEADLAMP',
      description: 'Hodelykt 400 lm',
      description2: 'USB-C',
      ean: '7071234500062',
      unit: 'pcs',
      weightKg: 0.09,
      volumeDm3: 0.16,
      isService: false,
      isActive: true,
      isDeleted: false,
      supplierNumber: 'S1001',
    });
    expect(await getProduct(knex, 'HEADLAMP')).toEqual(p);
  });

  it('refuses a duplicate number, a malformed EAN, a negative weight and an unknown supplier', async () => {
    await refused(
      createProduct(knex, { productNumber: 'HEADLAMP', description: 'again' }),
      'product HEADLAMP',
      'productNumber',
      /already exists/,
    );
    await refused(
      createProduct(knex, { productNumber: 'P-EAN', description: 'x', ean: '123' }),
      'product P-EAN',
      'ean',
    );
    await refused(
      createProduct(knex, { productNumber: 'P-W', description: 'x', weightKg: -1 }),
      'product P-W',
      'weightKg',
    );
    await refused(
      createProduct(knex, { productNumber: 'P-S', description: 'x', supplierNumber: 'S9999' }),
      'product P-S',
      'supplierNumber',
      /S9999/,
    );
    await refused(createProduct(knex, { productNumber: ' ', description: 'x' }), 'product', 'productNumber');
    expect(await knex('multicase.products').whereIn('product_number', ['P-EAN', 'P-W', 'P-S']).first()).toBeUndefined();
  });

  it('updates, deactivates and marks as a service item only a product without stock', async () => {
    const changed = await updateProduct(knex, 'HEADLAMP', {
      description: 'Hodelykt 500 lm',
      ean: null,
      isActive: false,
    });
    expect(changed).toMatchObject({
      description: 'Hodelykt 500 lm',
      ean: null,
      isActive: false,
      description2: 'USB-C',
    });
    expect((await updateProduct(knex, 'HEADLAMP', { isService: true })).isService).toBe(true);
    await refused(
      updateProduct(knex, 'TENT-2P', { isService: true }),
      'product TENT-2P',
      'isService',
      /stock \(40 in MAIN\)/,
    );
    expect((await getProduct(knex, 'TENT-2P'))!.isService).toBe(false);
    await refused(updateProduct(knex, 'NOPE', { description: 'x' }), 'product NOPE', 'productNumber');
  });

  it('deletes softly: the row stays, marked deleted and inactive, and can no longer be sold or changed', async () => {
    await createProduct(knex, { productNumber: 'OLD-MUG', description: 'Emaljekopp' });
    const gone = await deleteProduct(knex, 'OLD-MUG');
    expect(gone).toMatchObject({ isDeleted: true, isActive: false });
    expect(await knex('multicase.products').where({ product_number: 'OLD-MUG' }).first('is_deleted')).toEqual({
      is_deleted: true,
    });
    expect((await deleteProduct(knex, 'OLD-MUG')).changeSeq).toBe(gone.changeSeq);
    await refused(updateProduct(knex, 'OLD-MUG', { description: 'x' }), 'product OLD-MUG', 'isDeleted');
    await refused(
      createSalesOrder(knex, {
        customerNumber: 'C10001',
        warehouseCode: 'MAIN',
        lines: [{ productNumber: 'OLD-MUG', quantity: 1 }],
      }),
      /^sales order \d+$/,
      'lines[position 1].productNumber',
      /deleted/,
    );
  });
});

describe('purchase orders', () => {
  it('creates a PO with the next number and its lines', async () => {
    const po = await savePurchaseOrder(knex, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      expectedDate: '2030-03-01',
      reference: 'Spring',
      lines: [
        { position: 1, productNumber: 'JACKET-M', quantityOrdered: 50, unitPrice: 410.5 },
        { position: 2, productNumber: 'WOOL-SOCK', quantityOrdered: 200 },
      ],
    });
    expect(po.purchaseOrderNumber).toMatch(/^2\d{5}$/);
    expect(po).toMatchObject({
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      status: 'open',
      expectedDate: '2030-03-01',
      reference: 'Spring',
    });
    expect(po.lines).toMatchObject([
      { position: 1, productNumber: 'JACKET-M', quantityOrdered: 50, quantityReceived: 0, unitPrice: 410.5 },
      { position: 2, productNumber: 'WOOL-SOCK', quantityOrdered: 200, unitPrice: null },
    ]);
  });

  it('changes header and lines by position: update, add, remove', async () => {
    await savePurchaseOrder(knex, {
      purchaseOrderNumber: 'PO-EDIT',
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 },
        { position: 2, productNumber: 'SLBAG-3S', quantityOrdered: 10 },
      ],
    });
    const lineIdBefore = (await getPurchaseOrder(knex, 'PO-EDIT'))!.lines[0]!.id;
    const po = await savePurchaseOrder(knex, {
      purchaseOrderNumber: 'PO-EDIT',
      supplierNumber: 'S1001',
      warehouseCode: 'STORE',
      note: 'ring first',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 12 },
        { position: 3, productNumber: 'COFFEE-500', quantityOrdered: 30 },
      ],
    });
    expect(po).toMatchObject({ warehouseCode: 'STORE', note: 'ring first' });
    expect(po.lines.map((l) => [l.position, l.productNumber, l.quantityOrdered])).toEqual([
      [1, 'TENT-2P', 12],
      [3, 'COFFEE-500', 30],
    ]);
    expect(po.lines[0]!.id).toBe(lineIdBefore);
  });

  it('refuses removing a line with goods received, a service item, and changing a received or cancelled PO', async () => {
    await knex('multicase.purchase_order_lines')
      .whereIn(
        'purchase_order_id',
        knex('multicase.purchase_orders').where({ purchase_order_number: 'PO-EDIT' }).select('id'),
      )
      .where({ position: 1 })
      .update({ quantity_received: 5 });
    const base = { purchaseOrderNumber: 'PO-EDIT', supplierNumber: 'S1001', warehouseCode: 'STORE' };
    await refused(
      savePurchaseOrder(knex, { ...base, lines: [{ position: 3, productNumber: 'COFFEE-500', quantityOrdered: 30 }] }),
      'purchase order PO-EDIT',
      'lines[position 1].position',
      /goods received/,
    );
    await refused(
      savePurchaseOrder(knex, { ...base, lines: [{ position: 1, productNumber: 'GIFTWRAP', quantityOrdered: 1 }] }),
      'purchase order PO-EDIT',
      'lines[position 1].productNumber',
      /service item/,
    );
    await refused(
      savePurchaseOrder(knex, {
        ...base,
        lines: [
          { position: 1, productNumber: 'TENT-2P', quantityOrdered: 1 },
          { position: 1, productNumber: 'TENT-2P', quantityOrdered: 2 },
        ],
      }),
      'purchase order PO-EDIT',
      'lines[position 1]',
    );
    expect((await getPurchaseOrder(knex, 'PO-EDIT'))!.lines).toHaveLength(2);

    await knex('multicase.purchase_orders').where({ purchase_order_number: 'PO-EDIT' }).update({ status: 'received' });
    await refused(
      savePurchaseOrder(knex, { ...base, lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 12 }] }),
      'purchase order PO-EDIT',
      'status',
      /received/,
    );
    await refused(cancelPurchaseOrder(knex, 'PO-EDIT'), 'purchase order PO-EDIT', 'status');
  });

  it('cancels an open PO, and then refuses to change it', async () => {
    const po = await savePurchaseOrder(knex, {
      supplierNumber: 'S1003',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'COFFEE-500', quantityOrdered: 100 }],
    });
    expect((await cancelPurchaseOrder(knex, po.purchaseOrderNumber)).status).toBe('cancelled');
    await refused(
      savePurchaseOrder(knex, {
        purchaseOrderNumber: po.purchaseOrderNumber,
        supplierNumber: 'S1003',
        warehouseCode: 'MAIN',
        lines: [{ position: 1, productNumber: 'COFFEE-500', quantityOrdered: 1 }],
      }),
      `purchase order ${po.purchaseOrderNumber}`,
      'status',
    );
  });
});
