/**
 * Flows 4 and 5 end to end on the real stack: a Multicase order sent to the warehouse reaches
 * Ongoing as an order with its freight method translated; a picking list whose freight method
 * has no mapping is held and goes out by itself once mapped; a cancel before picking cancels in
 * Ongoing; a cancel after picking started is refused by Ongoing, dead-lettered and written into
 * the order's history in Multicase; another warehouse's picking list stays out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPickingList,
  createSalesOrder,
  getOrderHistory,
  sendOrderToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import { runOps } from '../pipeline/ops/cli.js';
import { listDeadLetters } from '../pipeline/ops/dlq.js';
import { collectStatus, formatStatus } from '../pipeline/ops/status.js';
import { dlqTopicName, topics } from '../schemas/catalog.js';
import { deleteShippingMethod, setShippingMethod } from '../pipeline/ops/shipping-map.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  // Every demo freight method but the parcel locker (7) is mapped.
  ({ env, pipeline } = await startRunningPipeline(
    'orders',
    { MULTICASE_PICKING_LIST_POLL_MS: '2000' },
    { shippingMethods: [1, 2, 3, 4, 5] },
  ));
});

afterAll(() => stopRunningPipeline({ env, pipeline }));

const inOngoing = (orderNumber: string) => env.api.getOrders({ orderNumber }).then((o) => o[0]);

describe('orders to the warehouse', () => {
  it('a picking list reaches Ongoing with the translated way of delivery, transporter, consignee, notifications and prices', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      reference: 'web 77',
      deliveryDate: '2026-12-04',
      deliveryAddress: { email: 'kunde@example.no', phone: '+4791234567' },
      lines: [
        { productNumber: 'TENT-2P', quantity: 2, unitPrice: 2499 },
        { productNumber: 'WOOL-SOCK', quantity: 3, unitPrice: 99 },
      ],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    const o = await eventually(
      () => inOngoing(picking.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      `order ${picking.pickingListNumber} in Ongoing`,
    );
    expect(o!.orderInfo.goodsOwnerOrderId).toBe(order.orderNumber);
    expect(o!.orderInfo.referenceNumber).toBe(`${order.orderNumber} / web 77`);
    expect(o!.orderInfo.wayOfDelivery?.code).toBe('STANDARD');
    expect(o!.transporter).toMatchObject({ code: 'BRING', serviceCode: 'BRINGPARCEL' });
    expect(o!.consignee).toMatchObject({ customerNumber: 'C10002', countryCode: 'NO' });
    expect(o!.orderLines.map((l) => [l.rowNumber, l.article.articleNumber, l.orderedNumberOfItems])).toEqual([
      ['1', 'TENT-2P', 2],
      ['2', 'WOOL-SOCK', 3],
    ]);
  });

  it('holds a picking list whose freight method has no mapping, and sends it by itself once it is mapped', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 'PN-LOCKER',
      pickupPointCode: 'PUP-4411',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'COFFEE-500', quantity: 4, unitPrice: 129 }],
    });
    const held = await sendOrderToWarehouse(env.db, order.orderNumber);
    // Meanwhile the rest flows: a mapped picking list sent after it gets there.
    const other = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 'DHL-EXP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'JACKET-M', quantity: 1, unitPrice: 1999 }],
    });
    const after = await sendOrderToWarehouse(env.db, other.orderNumber);
    await eventually(
      () => inOngoing(after.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'the mapped one in Ongoing',
    );
    expect(await inOngoing(held.pickingListNumber)).toBeUndefined();
    // Shown in `ops status`, naming the picking list and its freight method.
    const status = await eventually(
      () => collectStatus(env.rt, env.env),
      (r) => r.held.length === 1,
      20_000,
      'the held picking list in ops status',
    );
    expect(status.held[0]).toMatchObject({ stage: 'processor.picking-list-to-order', key: held.pickingListNumber });
    expect(status.held[0]!.reason).toMatch(
      new RegExp(`picking list ${held.pickingListNumber}: .*freight method 7 \\(PN-LOCKER\\), which has no mapping`),
    );
    expect(formatStatus(status)).toContain(held.pickingListNumber);

    await setShippingMethod(env.rt, 7, {
      shippingMethodCode: 'PN-LOCKER',
      wayOfDeliveryCode: 'SERVICEPOINT',
      transporterCode: 'PLAB',
      transporterServiceCode: 'P19',
    });
    const o = await eventually(
      () => inOngoing(held.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'the held one in Ongoing once mapped',
    );
    expect(o!.orderInfo.servicePointCode).toBe('PUP-4411');
    expect(o!.orderInfo.wayOfDelivery?.code).toBe('SERVICEPOINT');
    await eventually(
      () => collectStatus(env.rt, env.env),
      (r) => r.held.length === 0,
      20_000,
      'no longer held in ops status',
    );
  });

  it('cancels in Ongoing what is cancelled in Multicase before picking; another warehouse stays out', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'SLBAG-3S', quantity: 1, unitPrice: 899 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    await eventually(
      () => inOngoing(picking.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'order in Ongoing',
    );
    await cancelPickingList(env.db, picking.pickingListNumber);
    await eventually(
      () => inOngoing(picking.pickingListNumber),
      (x) => x?.orderInfo.orderStatus.number === 1000,
      20_000,
      'cancelled in Ongoing',
    );

    await setStock(env.db, 'SLBAG-3S', 'STORE', 5);
    const store = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 2,
      warehouseCode: 'STORE',
      lines: [{ productNumber: 'SLBAG-3S', quantity: 1, unitPrice: 899 }],
    });
    const fromStore = await sendOrderToWarehouse(env.db, store.orderNumber);
    const main = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'SLBAG-3S', quantity: 1, unitPrice: 899 }],
    });
    const fromMain = await sendOrderToWarehouse(env.db, main.orderNumber);
    await eventually(
      () => inOngoing(fromMain.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'the MAIN picking list in Ongoing',
    );
    expect(await inOngoing(fromStore.pickingListNumber)).toBeUndefined();
  });

  it('a cancel after picking started is refused by Ongoing: dead-lettered, and in the order history in Multicase once', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 2, unitPrice: 99 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    await eventually(
      () => inOngoing(picking.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'order in Ongoing',
    );
    await env.control.pickOrder({ orderNumber: picking.pickingListNumber });
    await cancelPickingList(env.db, picking.pickingListNumber);

    const refusals = await eventually(
      () =>
        getOrderHistory(env.db, order.orderNumber).then((h) => h.filter((e) => e.text.includes('refused the cancel'))),
      (h) => h.length === 1,
      20_000,
      'the refusal in the order history',
    );
    expect(refusals[0]!.text).toContain(`picking list ${picking.pickingListNumber}`);
    expect(refusals[0]!.text).toMatch(/can not be cancelled/);
    const [page] = await listDeadLetters(env.rt, { topic: dlqTopicName(topics.orderUpsert.name) });
    expect(page!.letters.filter((l) => l.key === picking.pickingListNumber)).toEqual([
      expect.objectContaining({ errorClass: 'RejectedError' }),
    ]);
    // Ongoing still has it, being picked.
    expect((await inOngoing(picking.pickingListNumber))!.orderInfo.orderStatus.number).not.toBe(1000);
  }, 60_000);
});

describe('the shipping-method map against Ongoing', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return Object.assign(out, {
      out: (t: string) => void (out.stdout += t),
      err: (t: string) => void (out.stderr += t),
      runtime: () => env.rt,
      ongoing: () => env.api,
      multicaseDb: () => env.db,
    });
  };

  it('refuses a mapping to codes Ongoing does not have, naming them; check finds unmapped methods and stale mappings', async () => {
    const refused = io();
    expect(await runOps(['shipping-map', 'set', '--id', '5', '--transporter', 'NOPE', '--service', 'X'], refused)).toBe(
      2,
    );
    expect(refused.stderr).toMatch(/transporter NOPE has no contract in Ongoing \(.*BRING.*\)/);
    const wrongService = io();
    expect(await runOps(['shipping-map', 'set', '--id', '5', '--service', 'BRINGPARCEL'], wrongService)).toBe(2);
    expect(wrongService.stderr).toMatch(/service BRINGPARCEL is not a service of PICKUP/);

    // A mapping Ongoing no longer follows (set past the check), and a method without one.
    await setShippingMethod(env.rt, 4, { wayOfDeliveryCode: 'GONE' });
    await deleteShippingMethod(env.rt, 1);
    const checked = io();
    expect(await runOps(['shipping-map', 'check'], checked)).toBe(0);
    expect(checked.stdout).toMatch(/^1\s+PN-COLLECT\s+PostNord MyPack Collect$/m);
    expect(checked.stdout).toMatch(/4: way of delivery GONE is not one of Ongoing's/);
    expect(checked.stdout).not.toMatch(/^6\s/m);
  });
});
