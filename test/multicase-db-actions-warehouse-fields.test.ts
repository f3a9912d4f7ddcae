/**
 * The stand-in ERP's user actions for what a warehouse needs (migration 0018): the customs and
 * valuation fields of a product, the invoicing, terms and remark fields of an order (the customer's
 * by default), moving an order to another warehouse with its allocation, and closing a purchase
 * order short; each refuses what a user could not do.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPurchaseOrder,
  changeOrder,
  closePurchaseOrder,
  createProduct,
  createSalesOrder,
  getPickingList,
  getProduct,
  getPurchaseOrder,
  getSalesOrder,
  getStockLevels,
  savePurchaseOrder,
  sendOrderToWarehouse,
  setStock,
  updateProduct,
} from '../infra/local/multicase-db/actions.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { refused } from './support/multicase-actions.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_actions_fields'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('products', () => {
  it('keep country of origin, customs code, net weight, units per package and cost price, and clear them', async () => {
    await createProduct(knex, {
      productNumber: 'KNIFE-1',
      description: 'Tollekniv',
      countryOfOrigin: 'SE',
      customsCode: '821193',
      netWeightKg: 0.08,
      unitsPerPackage: 10,
      costPrice: 89.9,
    });
    expect(await getProduct(knex, 'KNIFE-1')).toMatchObject({
      countryOfOrigin: 'SE',
      customsCode: '821193',
      netWeightKg: 0.08,
      unitsPerPackage: 10,
      costPrice: 89.9,
    });
    await updateProduct(knex, 'KNIFE-1', { customsCode: null, costPrice: null });
    expect(await getProduct(knex, 'KNIFE-1')).toMatchObject({
      customsCode: null,
      costPrice: null,
      countryOfOrigin: 'SE',
    });
    await refused(updateProduct(knex, 'KNIFE-1', { countryOfOrigin: 'Sweden' }), 'product KNIFE-1', 'countryOfOrigin');
    await refused(updateProduct(knex, 'KNIFE-1', { customsCode: '8211-93' }), 'product KNIFE-1', 'customsCode');
    await refused(updateProduct(knex, 'KNIFE-1', { unitsPerPackage: 2.5 }), 'product KNIFE-1', 'unitsPerPackage');
  });
});

describe('sales orders', () => {
  it("take the customer's address as invoice address and its VAT and organisation number, unless told otherwise", async () => {
    const order = await createSalesOrder(knex, {
      customerNumber: 'C10004',
      warehouseCode: 'MAIN',
      termsOfDelivery: 'DAP',
      orderRemark: 'Fragile',
      cashOnDeliveryAmount: 120,
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 1 }],
    });
    expect(order).toMatchObject({
      invoiceAddress: { name: 'Fjellsport Butikk AS', address1: 'Kongens gate 20', countryCode: 'NO' },
      vatNumber: 'NO923456789MVA',
      organisationNumber: '923456789',
      termsOfDelivery: 'DAP',
      orderRemark: 'Fragile',
      cashOnDeliveryAmount: 120,
    });
    const changed = await changeOrder(knex, order.orderNumber, {
      invoiceAddress: { address1: 'Postboks 9' },
      vatNumber: null,
      cashOnDeliveryAmount: null,
    });
    expect(changed).toMatchObject({
      invoiceAddress: { name: 'Fjellsport Butikk AS', address1: 'Postboks 9' },
      vatNumber: null,
      cashOnDeliveryAmount: null,
    });
    expect((await changeOrder(knex, order.orderNumber, { invoiceAddress: null })).invoiceAddress).toBeNull();
    const record = `sales order ${order.orderNumber}`;
    await refused(
      changeOrder(knex, order.orderNumber, { invoiceAddress: { city: 'Oslo' } }),
      record,
      'invoiceAddress.name',
    );
    await refused(changeOrder(knex, order.orderNumber, { termsOfDelivery: 'door' }), record, 'termsOfDelivery');
    await refused(changeOrder(knex, order.orderNumber, { cashOnDeliveryAmount: 0 }), record, 'cashOnDeliveryAmount');
  });

  it('move to another warehouse with their allocation; a sent picking list stays sent', async () => {
    await setStock(knex, 'COFFEE-500', 'STORE', 10);
    const order = await createSalesOrder(knex, {
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'COFFEE-500', quantity: 4 }],
    });
    const list = await sendOrderToWarehouse(knex, order.orderNumber);
    const main = await getStockLevels(knex, 'COFFEE-500', 'MAIN');
    const moved = await changeOrder(knex, order.orderNumber, { warehouseCode: 'STORE' });
    expect(moved.warehouseCode).toBe('STORE');
    expect(moved.lines[0]).toMatchObject({ quantityAllocated: 4, quantitySent: 4 });
    expect((await getStockLevels(knex, 'COFFEE-500', 'MAIN')).allocated).toBe(main.allocated - 4);
    expect((await getStockLevels(knex, 'COFFEE-500', 'STORE')).allocated).toBe(4);
    expect((await getPickingList(knex, list.pickingListNumber))!.status).toBe('sent');

    // Not where the stock is short: nothing moves.
    const big = await createSalesOrder(knex, {
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'COFFEE-500', quantity: 20 }],
    });
    await sendOrderToWarehouse(knex, big.orderNumber);
    await expect(changeOrder(knex, big.orderNumber, { warehouseCode: 'STORE' })).rejects.toThrow(
      /available stock of product COFFEE-500 in warehouse STORE/,
    );
    expect((await getSalesOrder(knex, big.orderNumber))!.warehouseCode).toBe('MAIN');
  });
});

describe('purchase orders', () => {
  const save = (deliveryText?: string) =>
    savePurchaseOrder(knex, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      ...(deliveryText ? { deliveryText } : {}),
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 }],
    });
  const receive = (number: string, quantity: number) =>
    knex('multicase.purchase_order_lines')
      .whereIn(
        'purchase_order_id',
        knex('multicase.purchase_orders').where({ purchase_order_number: number }).select('id'),
      )
      .update({ quantity_received: quantity });

  it('closed short once goods arrived (a cancel too), cancelled when nothing did; closed ones cannot change', async () => {
    const po = await save('Gate 3');
    expect(po.deliveryText).toBe('Gate 3');
    await receive(po.purchaseOrderNumber, 5);
    expect((await closePurchaseOrder(knex, po.purchaseOrderNumber)).status).toBe('closed');
    expect((await cancelPurchaseOrder(knex, po.purchaseOrderNumber)).status).toBe('closed');
    await refused(
      savePurchaseOrder(knex, {
        purchaseOrderNumber: po.purchaseOrderNumber,
        supplierNumber: 'S1001',
        warehouseCode: 'MAIN',
        lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 5 }],
      }),
      `purchase order ${po.purchaseOrderNumber}`,
      'status',
      /closed/,
    );

    const partly = await save();
    await receive(partly.purchaseOrderNumber, 2);
    expect((await cancelPurchaseOrder(knex, partly.purchaseOrderNumber)).status).toBe('closed');

    const untouched = await save();
    expect((await closePurchaseOrder(knex, untouched.purchaseOrderNumber)).status).toBe('cancelled');
    expect((await getPurchaseOrder(knex, untouched.purchaseOrderNumber))!.lines[0]!.quantityReceived).toBe(0);
  });
});
