/**
 * Flow 4 after sending, end to end on the real stack: what a Multicase user changes on an order
 * whose picking list is at the warehouse reaches the Ongoing order (address, freight method, pickup
 * point, delivery date, and the invoicing and remark fields, cleared ones cleared); a change Ongoing
 * refuses because picking has started is written into the order's history; a list moved to another
 * warehouse while the Ongoing sink is stopped is cancelled in Ongoing once the sink runs again, and
 * the warehouse can no longer ship it. The Ongoing sink runs in a pipeline of its own, so it can stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeOrder,
  createSalesOrder,
  getOrderHistory,
  getPickingList,
  sendOrderToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import { listDeadLetters } from '../pipeline/ops/dlq.js';
import { startPipeline, type Pipeline } from '../pipeline/main.js';
import { dlqTopicName, topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { readRecords, testRuntime } from './support/kafka.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;
let sink: Pipeline | undefined;

const startSink = async () => {
  sink = await startPipeline({
    env: env.env,
    roles: ['sink-ongoing'],
    runtime: testRuntime('order-changes-sink', env.env),
  });
  await sink.started();
};

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline(
    'order-changes',
    { MULTICASE_PICKING_LIST_POLL_MS: '2000' },
    { roles: ['source-multicase', 'source-ongoing', 'processors', 'sink-multicase'], testRuntime: true },
  ));
  await startSink();
}, 120_000);

afterAll(async () => {
  await sink?.close();
  await stopRunningPipeline({ env, pipeline });
});

const inOngoing = (orderNumber: string) => env.api.getOrders({ orderNumber }).then((o) => o[0]);
/** The order as the simulator stored it: its GET shape plus what only a PUT carries (VAT and organisation number). */
const stored = async (orderNumber: string): Promise<any> =>
  (await env.control.state()).orders.find((o: any) => o.orderInfo.orderNumber === orderNumber);

async function sentOrder(input: Partial<Parameters<typeof createSalesOrder>[1]> = {}) {
  const order = await createSalesOrder(env.db, {
    customerNumber: 'C10004',
    shippingMethod: 'BRING-PIP',
    warehouseCode: 'MAIN',
    deliveryDate: '2026-12-10',
    lines: [{ productNumber: 'JACKET-M', quantity: 2, unitPrice: 1999 }],
    ...input,
  });
  const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
  await eventually(
    () => inOngoing(picking.pickingListNumber),
    (o) => o !== undefined,
    20_000,
    `order ${picking.pickingListNumber} in Ongoing`,
  );
  return { order, list: picking.pickingListNumber };
}

describe('an order changed after it was sent', () => {
  it('reaches the Ongoing order: address, freight method, pickup point, delivery date, and the fields cleared', async () => {
    const { order, list } = await sentOrder({
      termsOfDelivery: 'DAP',
      orderRemark: 'Ring the bell twice',
      cashOnDeliveryAmount: 249.5,
      currency: 'NOK',
    });
    // Every new field is in the PUT body: the invoice address, VAT and organisation number are the customer's.
    const first = await stored(list);
    expect(first.consignee).toMatchObject({
      invoiceAddress: {
        name: 'Fjellsport Butikk AS',
        address1: 'Kongens gate 20',
        city: 'Trondheim',
        countryCode: 'NO',
      },
      vatNumber: 'NO923456789MVA',
      organisationNumber: '923456789',
    });
    expect(first.orderInfo).toMatchObject({
      orderRemark: 'Ring the bell twice',
      termsOfDeliveryType: { code: 'DAP', name: 'Delivered at Place' },
      warehouseInstruction: 'Cash on delivery: NOK 249.50',
      deliveryDate: '2026-12-10T00:00:00.000Z',
    });

    await changeOrder(env.db, order.orderNumber, {
      deliveryAddress: { name: 'Fjellsport Bergen', address1: 'Bryggen 3', postCode: '5003', city: 'Bergen' },
      shippingMethod: 'PN-LOCKER',
      pickupPointCode: 'PUP-4411',
      deliveryDate: '2026-12-18',
      invoiceAddress: { address1: 'Postboks 77' },
      orderRemark: null,
      cashOnDeliveryAmount: null,
      vatNumber: null,
    });
    const changed = await eventually(
      () => stored(list),
      (o) => o?.consignee?.city === 'Bergen' && o?.orderInfo?.servicePointCode === 'PUP-4411',
      20_000,
      'the change in Ongoing',
    );
    expect(changed.consignee).toMatchObject({ name: 'Fjellsport Bergen', address1: 'Bryggen 3', postCode: '5003' });
    expect(changed.orderInfo).toMatchObject({
      deliveryDate: '2026-12-18T00:00:00.000Z',
      wayOfDelivery: { code: 'SERVICEPOINT' },
      orderRemark: null,
      warehouseInstruction: null,
    });
    expect(changed.transporter).toMatchObject({ code: 'PLAB', serviceCode: 'P19' });
    expect(changed.consignee.invoiceAddress).toMatchObject({ name: 'Fjellsport Butikk AS', address1: 'Postboks 77' });
    expect(changed.consignee.vatNumber).toBeUndefined();
    expect(changed.consignee.organisationNumber).toBe('923456789');
    // One Ongoing order throughout, changed in place.
    expect((await env.api.getOrders({ orderNumber: list })).length).toBe(1);
  });

  it('a change Ongoing refuses because picking has started is dead-lettered and written into the order history once', async () => {
    const { order, list } = await sentOrder();
    await env.control.pickOrder({ orderNumber: list });
    await changeOrder(env.db, order.orderNumber, { deliveryAddress: { address1: 'Too late 1' } });

    const refusals = await eventually(
      () =>
        getOrderHistory(env.db, order.orderNumber).then((h) => h.filter((e) => e.text.includes('refused the change'))),
      (h) => h.length === 1,
      20_000,
      'the refusal in the order history',
    );
    expect(refusals[0]!.text).toContain(`picking list ${list}`);
    expect(refusals[0]!.text).toMatch(/started working on it/);
    const [page] = await listDeadLetters(env.rt, { topic: dlqTopicName(topics.orderUpsert.name) });
    expect(page!.letters.filter((l) => l.key === list)).toEqual([
      expect.objectContaining({ errorClass: 'RejectedError' }),
    ]);
    expect((await inOngoing(list))!.consignee?.address1).toBe('Kongens gate 20');
  }, 60_000);
});

describe('a list moved to another warehouse while the Ongoing sink is stopped', () => {
  it('is cancelled in Ongoing once the sink runs again, and the warehouse cannot ship it', async () => {
    await sink!.close();
    sink = undefined;
    await setStock(env.db, 'WOOL-SOCK', 'STORE', 10);
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 3, unitPrice: 99 }],
    });
    const { pickingListNumber: list } = await sendOrderToWarehouse(env.db, order.orderNumber);
    const onTopic = async () =>
      (await readRecords(env.rt, topics.orderUpsert.name, 1_000, 2_000)).filter((r) => r.key === list).length;
    // The upsert first (change capture reads only a row's latest state: a move made before the
    // source read the sent list would give the cancel alone, and nothing would be queued to undo).
    await eventually(onTopic, (n) => n === 1, 30_000, 'the upsert on the command topic');
    await changeOrder(env.db, order.orderNumber, { warehouseCode: 'STORE' });

    // Both commands wait for the sink: the upsert, then the cancel (not dropped for want of an id).
    const commands = await eventually(
      onTopic,
      (n) => n === 2,
      30_000,
      'the upsert and the cancel on the command topic',
    );
    expect(commands).toBe(2);
    expect(await inOngoing(list)).toBeUndefined();

    await startSink();
    const cancelled = await eventually(
      () => inOngoing(list),
      (o) => o?.orderInfo.orderStatus.number === 1000,
      30_000,
      'the order cancelled in Ongoing',
    );
    expect(cancelled!.orderInfo.orderNumber).toBe(list);
    await expect(env.control.fulfilOrder({ orderNumber: list })).rejects.toThrow(/cancelled/);
    // STORE ships it from Multicase; the list stays sent there.
    expect((await getPickingList(env.db, list))!.status).toBe('sent');
  }, 90_000);
});
