/**
 * The Multicase user actions on sales orders, picking lists, returns, stock and number series do
 * what they say, and refuse what a user could not do.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelOrder,
  createSalesOrder,
  getOrderHistory,
  getPickingList,
  getPickingListNumbers,
  getSalesOrder,
  getStock,
  getStockTransactions,
  registerReturn,
  sendOrderToWarehouse,
  sendReturnToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import { allocateNumber } from '../connectors/multicase/adapter/number-series.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { refused } from './support/multicase-actions.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_actions_orders'));
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

describe('sales orders, picking lists and returns', () => {
  it('creates an order with the customer address and preferred shipping method by default', async () => {
    const order = await createSalesOrder(knex, {
      customerNumber: 'C10002',
      warehouseCode: 'MAIN',
      reference: 'web 123',
      lines: [
        { productNumber: 'TENT-2P', quantity: 2, unitPrice: 2499 },
        { productNumber: 'GIFTWRAP', quantity: 1, unitPrice: 49, vatRate: 25 },
      ],
    });
    expect(order).toMatchObject({
      customerNumber: 'C10002',
      shippingMethodId: 3,
      warehouseCode: 'MAIN',
      status: 'open',
      currency: 'NOK',
      reference: 'web 123',
      deliveryAddress: {
        name: 'Ola Hansen',
        address1: 'Bryggen 12',
        postCode: '5003',
        city: 'Bergen',
        countryCode: 'NO',
        email: 'ola@example.no',
      },
    });
    expect(order.orderDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(order.lines.map((l) => [l.position, l.productNumber, l.quantity, l.unitPrice])).toEqual([
      [1, 'TENT-2P', 2, 2499],
      [2, 'GIFTWRAP', 1, 49],
    ]);
  });

  it('takes an explicit shipping method and address, and refuses unknown or inactive ones', async () => {
    const order = await createSalesOrder(knex, {
      orderNumber: 'WEB-1',
      customerNumber: 'C10003',
      shippingMethod: 'DHL-EXP',
      warehouseCode: 'MAIN',
      deliveryAddress: { name: 'Anna at work', address1: 'Kungsgatan 1', countryCode: 'SE' },
      lines: [{ productNumber: 'JACKET-M', quantity: 1 }],
    });
    expect(order).toMatchObject({
      orderNumber: 'WEB-1',
      shippingMethodId: 4,
      deliveryAddress: { name: 'Anna at work', address1: 'Kungsgatan 1', city: 'Stockholm' },
    });
    const base = {
      customerNumber: 'C10003',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'JACKET-M', quantity: 1 }],
    };
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-2', shippingMethod: 6 }),
      'sales order WEB-2',
      'shippingMethod',
      /inactive/,
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-2', shippingMethod: 77 }),
      'sales order WEB-2',
      'shippingMethod',
      /no known/,
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-2', customerNumber: 'C0' }),
      'sales order WEB-2',
      'customerNumber',
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-2', deliveryAddress: { countryCode: 'Norway' } }),
      'sales order WEB-2',
      'deliveryAddress.countryCode',
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-2', warehouseCode: undefined }),
      'sales order WEB-2',
      'warehouseCode',
    );
    await refused(
      createSalesOrder(knex, { ...base, orderNumber: 'WEB-1' }),
      'sales order WEB-1',
      'orderNumber',
      /already exists/,
    );
    expect(await getSalesOrder(knex, 'WEB-2')).toBeUndefined();
  });

  it('sends chosen lines, then the rest, to the warehouse as picking lists with history', async () => {
    await createSalesOrder(knex, {
      orderNumber: 'WEB-10',
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [
        { productNumber: 'SLBAG-3S', quantity: 3 },
        { productNumber: 'WOOL-SOCK', quantity: 4 },
      ],
    });
    const first = await sendOrderToWarehouse(knex, 'WEB-10', [{ position: 1, quantity: 2 }]);
    expect(first).toMatchObject({
      orderNumber: 'WEB-10',
      status: 'sent',
      lines: [{ position: 1, salesOrderLinePosition: 1, productNumber: 'SLBAG-3S', quantity: 2 }],
    });
    expect(first.pickingListNumber).toMatch(/^3\d{5}$/);
    expect((await getSalesOrder(knex, 'WEB-10'))!.status).toBe('sent_to_warehouse');
    await refused(
      sendOrderToWarehouse(knex, 'WEB-10', [{ position: 1, quantity: 2 }]),
      'sales order WEB-10',
      'lines[position 1].quantity',
      /is 2 but 1 is open/,
    );

    const rest = await sendOrderToWarehouse(knex, 'WEB-10');
    expect(rest.lines.map((l) => [l.salesOrderLinePosition, l.quantity])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    await refused(sendOrderToWarehouse(knex, 'WEB-10'), 'sales order WEB-10', 'lines', /nothing left/);
    expect(await getPickingListNumbers(knex, 'WEB-10')).toEqual([first.pickingListNumber, rest.pickingListNumber]);
    const history = await getOrderHistory(knex, 'WEB-10');
    expect(history.map((h) => h.type)).toEqual(['sent_to_warehouse', 'sent_to_warehouse']);
    expect(history[0]!.text).toContain(first.pickingListNumber);
  });

  it('cancels an order sent to the warehouse, cancelling its picking lists', async () => {
    await createSalesOrder(knex, {
      orderNumber: 'WEB-20',
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'TENT-2P', quantity: 1 }],
    });
    const list = await sendOrderToWarehouse(knex, 'WEB-20');
    const order = await cancelOrder(knex, 'WEB-20');
    expect(order.status).toBe('cancelled');
    expect((await getPickingList(knex, list.pickingListNumber))!.status).toBe('cancelled');
    expect((await getOrderHistory(knex, 'WEB-20')).map((h) => h.type)).toEqual(['sent_to_warehouse', 'note']);
    await refused(sendOrderToWarehouse(knex, 'WEB-20'), 'sales order WEB-20', 'status', /cancelled/);
  });

  it('registers a return of delivered goods only, and sends it to the warehouse once', async () => {
    await createSalesOrder(knex, {
      orderNumber: 'WEB-30',
      customerNumber: 'C10001',
      warehouseCode: 'MAIN',
      lines: [
        { productNumber: 'JACKET-M', quantity: 3 },
        { productNumber: 'GIFTWRAP', quantity: 1 },
      ],
    });
    await refused(
      registerReturn(knex, 'WEB-30', [{ position: 1, quantity: 1 }]),
      'return for sales order WEB-30',
      'status',
      /only delivered goods/,
    );
    // what the shipment sink would do: two of three jackets delivered
    const order = (await getSalesOrder(knex, 'WEB-30'))!;
    await knex('multicase.sales_order_lines')
      .where({ sales_order_id: order.id, position: 1 })
      .update({ quantity_delivered: 2 });
    await knex('multicase.sales_orders').where({ id: order.id }).update({ status: 'partly_shipped' });

    await refused(
      registerReturn(knex, 'WEB-30', [{ position: 1, quantity: 3 }]),
      'return for sales order WEB-30',
      'lines[position 1].quantity',
      /only 2 can be returned/,
    );
    await refused(
      registerReturn(knex, 'WEB-30', [{ position: 2, quantity: 1 }]),
      'return for sales order WEB-30',
      'lines[position 2].position',
      /service item/,
    );
    const ret = await registerReturn(knex, 'WEB-30', [{ position: 1, quantity: 2, cause: 'too small' }], {
      reason: 'wrong size',
    });
    expect(ret).toMatchObject({
      orderNumber: 'WEB-30',
      warehouseCode: 'MAIN',
      status: 'registered',
      reason: 'wrong size',
    });
    expect(ret.lines).toEqual([
      {
        position: 1,
        salesOrderLinePosition: 1,
        productNumber: 'JACKET-M',
        quantity: 2,
        quantityReceived: 0,
        cause: 'too small',
        handling: 'to_stock',
      },
    ]);
    // both delivered jackets are already expected back
    await refused(
      registerReturn(knex, 'WEB-30', [{ position: 1, quantity: 1 }]),
      'return for sales order WEB-30',
      'lines[position 1].quantity',
      /only 0 can be returned/,
    );

    expect((await sendReturnToWarehouse(knex, ret.returnNumber)).status).toBe('sent_to_warehouse');
    await refused(sendReturnToWarehouse(knex, ret.returnNumber), `return ${ret.returnNumber}`, 'status');
  });
});

describe('stock and number series', () => {
  it('sets stock by booking the difference as a correction', async () => {
    expect(await getStock(knex, 'COFFEE-500', 'STORE')).toBe(0);
    expect(await setStock(knex, 'COFFEE-500', 'STORE', 12)).toBe(12);
    expect(await setStock(knex, 'COFFEE-500', 'STORE', 7.5, { reference: 'count-1' })).toBe(7.5);
    expect(await setStock(knex, 'COFFEE-500', 'STORE', 7.5)).toBe(7.5);
    expect(await getStock(knex, 'COFFEE-500', 'STORE')).toBe(7.5);
    const history = await getStockTransactions(knex, 'COFFEE-500', 'STORE');
    expect(history.map((t) => [t.kind, t.quantityChange, t.balanceAfter, t.reference])).toEqual([
      ['correction', 12, 12, null],
      ['correction', -4.5, 7.5, 'count-1'],
    ]);
    await refused(setStock(knex, 'COFFEE-500', 'STORE', -1), 'stock of product COFFEE-500 in STORE', 'quantity');
    await refused(
      setStock(knex, 'COFFEE-500', 'NOWHERE', 1),
      'stock of product COFFEE-500 in NOWHERE',
      'warehouseCode',
    );
  });

  it('allocates distinct increasing numbers per series', async () => {
    const a = await allocateNumber(knex, 'invoice');
    const b = await allocateNumber(knex, 'invoice');
    const slip = await allocateNumber(knex, 'packing_slip');
    expect(Number(b)).toBe(Number(a) + 1);
    expect(a).toMatch(/^5\d{5}$/);
    expect(slip).toMatch(/^6\d{5}$/);
    expect(await allocateNumber(knex, 'credit_note')).toMatch(/^7\d{5}$/);
  });
});
