/**
 * Allocation in the Multicase database: stock is on hand, allocated and available; allocation
 * reserves available stock by order date or by hand, in part when stock is short; only allocated
 * quantities are sent to the warehouse, and what is not sent stays on the order as a back order.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  cancelOrder,
  cancelPickingList,
  createProduct,
  createSalesOrder,
  deallocate,
  getPickingList,
  getSalesOrder,
  getStock,
  getStockLevels,
  sendOrderToWarehouse,
  setStock,
  type SalesOrderLineInput,
} from '../infra/local/multicase-db/actions.js';
import type { TempDatabase } from './support/databases.js';
import { seededMulticase } from './support/multicase.js';
import { refused } from './support/multicase-actions.js';

let db: TempDatabase;
let knex: Knex;

beforeAll(async () => {
  ({ db, knex } = await seededMulticase('mcdb_allocation'));
  await createProduct(knex, { productNumber: 'FREIGHT-FEE', description: 'Frakt', isService: true });
});

afterAll(async () => {
  await knex?.destroy();
  await db?.drop();
});

/** A fresh product with `onHand` in MAIN, so each test sees only its own orders. */
async function stocked(productNumber: string, onHand: number): Promise<void> {
  await createProduct(knex, { productNumber, description: productNumber });
  if (onHand > 0) await setStock(knex, productNumber, 'MAIN', onHand);
}

const order = (orderNumber: string, lines: SalesOrderLineInput[], orderDate?: string) =>
  createSalesOrder(knex, {
    orderNumber,
    customerNumber: 'C10001',
    warehouseCode: 'MAIN',
    ...(orderDate ? { orderDate } : {}),
    lines,
  });

const lineOf = async (orderNumber: string, position = 1) =>
  (await getSalesOrder(knex, orderNumber))!.lines.find((l) => l.position === position)!;

describe('allocation', () => {
  it('allocates scarce stock by order date: the older order first, the younger in part', async () => {
    await stocked('ALLOC-A', 5);
    // the younger order is entered first; order date decides, not entry order
    await order('A-YOUNG', [{ productNumber: 'ALLOC-A', quantity: 4 }], '2024-05-02');
    await order('A-OLD', [{ productNumber: 'ALLOC-A', quantity: 4 }], '2024-05-01');
    const made = await allocate(knex, { productNumber: 'ALLOC-A' });
    expect(made).toEqual([
      { orderNumber: 'A-OLD', position: 1, productNumber: 'ALLOC-A', warehouseCode: 'MAIN', quantity: 4 },
      { orderNumber: 'A-YOUNG', position: 1, productNumber: 'ALLOC-A', warehouseCode: 'MAIN', quantity: 1 },
    ]);
    expect(await getStockLevels(knex, 'ALLOC-A', 'MAIN')).toEqual({ onHand: 5, allocated: 5, available: 0 });
    expect(await getStock(knex, 'ALLOC-A', 'MAIN')).toBe(5);
    expect(await lineOf('A-YOUNG')).toMatchObject({
      quantity: 4,
      quantityAllocated: 1,
      quantitySent: 0,
      quantityDelivered: 0,
      quantityBackOrdered: 4,
    });
    expect(await allocate(knex, { productNumber: 'ALLOC-A', warehouseCode: 'MAIN' })).toEqual([]);
    // more stock arrives: the younger order gets the rest it needs, no more
    await setStock(knex, 'ALLOC-A', 'MAIN', 10);
    expect(await allocate(knex)).toContainEqual({
      orderNumber: 'A-YOUNG',
      position: 1,
      productNumber: 'ALLOC-A',
      warehouseCode: 'MAIN',
      quantity: 3,
    });
    expect(await getStockLevels(knex, 'ALLOC-A', 'MAIN')).toEqual({ onHand: 10, allocated: 8, available: 2 });
    await refused(allocate(knex, { productNumber: 'NO-SUCH' }), 'allocation', 'productNumber');
    await refused(allocate(knex, { warehouseCode: 'NOWHERE' }), 'allocation', 'warehouseCode');
  });

  it('allocates by hand for one order, ahead of older orders, and releases by hand', async () => {
    await stocked('ALLOC-B', 10);
    await order('B-OLD', [{ productNumber: 'ALLOC-B', quantity: 6 }], '2024-04-01');
    await order('B-HAND', [{ productNumber: 'ALLOC-B', quantity: 6 }], '2024-04-02');
    expect(await allocate(knex, { orderNumber: 'B-HAND' })).toMatchObject([{ orderNumber: 'B-HAND', quantity: 6 }]);
    expect(await allocate(knex, { productNumber: 'ALLOC-B' })).toMatchObject([{ orderNumber: 'B-OLD', quantity: 4 }]);
    await refused(
      allocate(knex, { orderNumber: 'B-OLD', lines: [{ position: 1, quantity: 2 }] }),
      'sales order B-OLD',
      'lines[position 1].quantity',
      /only 0 of ALLOC-B is available in MAIN/,
    );
    await refused(
      allocate(knex, { orderNumber: 'B-OLD', lines: [{ position: 1, quantity: 3 }] }),
      'sales order B-OLD',
      'lines[position 1].quantity',
      /only 2 is still to allocate/,
    );

    const released = await deallocate(knex, 'B-HAND', [{ position: 1, quantity: 2 }]);
    expect(released.lines[0]).toMatchObject({ quantityAllocated: 4 });
    await allocate(knex, { orderNumber: 'B-OLD', lines: [{ position: 1, quantity: 2 }] });
    expect(await lineOf('B-OLD')).toMatchObject({ quantityAllocated: 6 });
    expect(await getStockLevels(knex, 'ALLOC-B', 'MAIN')).toEqual({ onHand: 10, allocated: 10, available: 0 });
    await refused(
      deallocate(knex, 'B-HAND', [{ position: 1, quantity: 5 }]),
      'sales order B-HAND',
      'lines[position 1].quantity',
      /only 4 is allocated and not sent/,
    );
    await refused(allocate(knex, { orderNumber: 'NO-ORDER' }), 'sales order NO-ORDER', 'orderNumber');
  });

  it('never lets available stock go below zero, naming the rule', async () => {
    await stocked('ALLOC-C', 3);
    const o = await order('C-1', [
      { productNumber: 'ALLOC-C', quantity: 5 },
      { productNumber: 'FREIGHT-FEE', quantity: 1 },
    ]);
    await allocate(knex, { orderNumber: 'C-1' });
    const line = (await getSalesOrder(knex, 'C-1'))!.lines;
    const refusedBy = async (write: Promise<unknown>) =>
      (await write.then(
        () => undefined,
        (e: unknown) => e,
      )) as { code?: string; constraint?: string; message: string };

    const over = await refusedBy(
      knex('multicase.sales_order_lines').where({ id: line[0]!.id }).update({ quantity_allocated: 4 }),
    );
    expect(over).toMatchObject({ code: '23514', constraint: 'stock_unallocated_not_negative' });
    expect(over.message).toMatch(/available stock of product ALLOC-C in warehouse MAIN cannot go below zero/);
    const raw = await refusedBy(
      knex('multicase.stock')
        .where({ product_id: (await knex('multicase.products').where({ product_number: 'ALLOC-C' }).first('id')).id })
        .update({ allocated: 4 }),
    );
    expect(raw.constraint).toBe('stock_unallocated_not_negative');
    // on hand cannot drop below what is allocated either
    const booked = await refusedBy(setStock(knex, 'ALLOC-C', 'MAIN', 2));
    expect(booked).toMatchObject({ code: '23514', constraint: 'stock_unallocated_not_negative' });
    expect(booked.message).toMatch(
      /stock of product ALLOC-C in warehouse MAIN cannot go below what is allocated: 3(\.000)? - 1 would leave 2(\.000)? with 3(\.000)? allocated/,
    );
    expect(await getStockLevels(knex, 'ALLOC-C', 'MAIN')).toEqual({ onHand: 3, allocated: 3, available: 0 });

    const service = await refusedBy(
      knex('multicase.sales_order_lines').where({ id: line[1]!.id }).update({ quantity_allocated: 1 }),
    );
    expect(service.constraint).toBe('sales_order_lines_service_items_not_allocated');
    const sent = await refusedBy(
      knex('multicase.sales_order_lines').where({ id: line[0]!.id }).update({ quantity_sent: 4 }),
    );
    expect(sent.constraint).toBe('sales_order_lines_sent_within_allocated');
    const beyond = await refusedBy(
      knex('multicase.sales_order_lines').where({ id: line[0]!.id }).update({ quantity: 2 }),
    );
    expect(beyond.constraint).toBe('sales_order_lines_allocated_within_open');
    expect(o.orderNumber).toBe('C-1');
  });
});

describe('sending allocated quantities to the warehouse', () => {
  it('sends only what is allocated, leaves the rest as back order, never picks service lines, and picks up later allocations', async () => {
    await stocked('SEND-A', 3);
    await order('S-1', [
      { productNumber: 'SEND-A', quantity: 5 },
      { productNumber: 'FREIGHT-FEE', quantity: 1, unitPrice: 99 },
    ]);
    await refused(
      sendOrderToWarehouse(knex, 'S-1', undefined, { allocate: false }),
      'sales order S-1',
      'lines',
      /nothing left to send/,
    );
    expect(await allocate(knex, { orderNumber: 'S-1' })).toMatchObject([{ position: 1, quantity: 3 }]);
    await refused(
      sendOrderToWarehouse(knex, 'S-1', [{ position: 2 }]),
      'sales order S-1',
      'lines[position 2].position',
      /service item/,
    );

    const first = await sendOrderToWarehouse(knex, 'S-1', undefined, { allocate: false });
    expect(first.lines).toEqual([{ position: 1, salesOrderLinePosition: 1, productNumber: 'SEND-A', quantity: 3 }]);
    const afterFirst = (await getSalesOrder(knex, 'S-1'))!;
    expect(afterFirst.status).toBe('sent_to_warehouse');
    expect(
      afterFirst.lines.map((l) => [
        l.quantity,
        l.quantityAllocated,
        l.quantitySent,
        l.quantityBackOrdered,
        l.isService,
      ]),
    ).toEqual([
      [5, 3, 3, 2, false],
      [1, 0, 0, 0, true],
    ]);
    await refused(sendOrderToWarehouse(knex, 'S-1'), 'sales order S-1', 'lines', /nothing left to send/);

    await setStock(knex, 'SEND-A', 'MAIN', 7); // 4 more arrive
    expect(await allocate(knex, { productNumber: 'SEND-A' })).toMatchObject([{ orderNumber: 'S-1', quantity: 2 }]);
    const second = await sendOrderToWarehouse(knex, 'S-1', undefined, { allocate: false });
    expect(second.lines).toEqual([{ position: 1, salesOrderLinePosition: 1, productNumber: 'SEND-A', quantity: 2 }]);
    expect(await lineOf('S-1')).toMatchObject({ quantityAllocated: 5, quantitySent: 5, quantityBackOrdered: 0 });
    expect(await getStockLevels(knex, 'SEND-A', 'MAIN')).toEqual({ onHand: 7, allocated: 5, available: 2 });
  });

  it('by default allocates what a send needs from available stock first, in part when short', async () => {
    await stocked('SEND-B', 2);
    await order('S-2', [{ productNumber: 'SEND-B', quantity: 3 }]);
    const list = await sendOrderToWarehouse(knex, 'S-2', [{ position: 1 }]);
    expect(list.lines).toMatchObject([{ productNumber: 'SEND-B', quantity: 2 }]);
    expect(await lineOf('S-2')).toMatchObject({ quantityAllocated: 2, quantitySent: 2, quantityBackOrdered: 1 });
    await refused(
      sendOrderToWarehouse(knex, 'S-2', [{ position: 1, quantity: 1 }]),
      'sales order S-2',
      'lines[position 1].quantity',
      /only 0 of SEND-B is allocated/,
    );
  });

  it('cancelling a picking list gives its quantities back to the order, which keeps the allocation', async () => {
    await stocked('SEND-C', 4);
    await order('S-3', [{ productNumber: 'SEND-C', quantity: 4 }]);
    const list = await sendOrderToWarehouse(knex, 'S-3');
    const cancelled = await cancelPickingList(knex, list.pickingListNumber);
    expect(cancelled.status).toBe('cancelled');
    const o = (await getSalesOrder(knex, 'S-3'))!;
    expect(o.status).toBe('open');
    expect(o.lines[0]).toMatchObject({ quantityAllocated: 4, quantitySent: 0, quantityBackOrdered: 4 });
    expect(await getStockLevels(knex, 'SEND-C', 'MAIN')).toEqual({ onHand: 4, allocated: 4, available: 0 });
    await refused(
      cancelPickingList(knex, list.pickingListNumber),
      `picking list ${list.pickingListNumber}`,
      'status',
      /is cancelled/,
    );
    await refused(cancelPickingList(knex, '999999'), 'picking list 999999', 'pickingListNumber');
    const again = await sendOrderToWarehouse(knex, 'S-3', undefined, { allocate: false });
    expect(again.lines).toMatchObject([{ quantity: 4 }]);
  });

  it('cancelling an order cancels its picking lists and releases its allocation', async () => {
    await stocked('SEND-D', 6);
    await order('S-4', [{ productNumber: 'SEND-D', quantity: 5 }]);
    const list = await sendOrderToWarehouse(knex, 'S-4', [{ position: 1, quantity: 2 }]);
    await allocate(knex, { orderNumber: 'S-4' });
    expect(await getStockLevels(knex, 'SEND-D', 'MAIN')).toEqual({ onHand: 6, allocated: 5, available: 1 });
    const o = await cancelOrder(knex, 'S-4');
    expect(o.status).toBe('cancelled');
    expect(o.lines[0]).toMatchObject({ quantityAllocated: 0, quantitySent: 0 });
    expect((await getPickingList(knex, list.pickingListNumber))!.status).toBe('cancelled');
    expect(await getStockLevels(knex, 'SEND-D', 'MAIN')).toEqual({ onHand: 6, allocated: 0, available: 6 });
    expect(await allocate(knex, { productNumber: 'SEND-D' })).toEqual([]);
  });

  it('a delivery releases the allocation of what was shipped, so the shipment can be booked off hand', async () => {
    await stocked('SEND-E', 5);
    const o = await order('S-5', [{ productNumber: 'SEND-E', quantity: 5 }]);
    await sendOrderToWarehouse(knex, 'S-5');
    // what a shipment sink does: raise quantity_delivered, then book the goods off hand
    await knex.transaction(async (trx) => {
      await trx('multicase.sales_orders').where({ id: o.id }).forUpdate().first('id');
      await trx('multicase.sales_order_lines')
        .where({ sales_order_id: o.id, position: 1 })
        .update({ quantity_delivered: 3 });
      const product = (await trx('multicase.products').where({ product_number: 'SEND-E' }).first('id')).id as number;
      const warehouse = (await trx('multicase.warehouses').where({ code: 'MAIN' }).first('id')).id as number;
      await trx.raw('SELECT multicase.book_stock_change(?, ?, ?, ?, ?)', [product, warehouse, -3, 'shipment', 'S-5']);
    });
    expect(await lineOf('S-5')).toMatchObject({
      quantityDelivered: 3,
      quantityAllocated: 2,
      quantitySent: 2,
      quantityBackOrdered: 0,
    });
    expect(await getStockLevels(knex, 'SEND-E', 'MAIN')).toEqual({ onHand: 2, allocated: 2, available: 0 });
  });
});
