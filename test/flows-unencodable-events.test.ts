/**
 * An event that cannot be encoded is never acknowledged in Ongoing (issue 17), end to end on the
 * real stack: a shipped order whose parcel number Ongoing sends as a number, not a string, is
 * dead-lettered once and stays unreported in Ongoing, read again and again without a second dead
 * letter; once the warehouse fixes the record (here: a parcel without a number, which the event
 * schema accepts) it flows, is booked and is acknowledged.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesOrder } from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { DLQ_HEADERS } from '../runtime/dead-letter.js';
import { dlqTopicName, topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { readRecords } from './support/kafka.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import { invoicedLines, sentToOngoing } from './support/warehouse-truth.js';

let env: TestEnvironment;
let pipeline: Pipeline;
let sim: Knex;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('unencodable', { ONGOING_SHIPMENT_POLL_MS: '300' }));
  sim = knexFactory({ client: 'pg', connection: env.simDbUrl });
});

afterAll(async () => {
  await sim?.destroy();
  await stopRunningPipeline({ env, pipeline });
});

/** The warehouse's record of the order's parcels, changed behind the API (as a sloppy warehouse system writes it). */
const setParcels = (orderNumber: string, parcels: unknown[]) =>
  sim.raw('UPDATE ongoing_sim.orders SET parcels = ?::jsonb WHERE order_number = ?', [
    JSON.stringify(parcels),
    orderNumber,
  ]);

describe('an event that cannot be encoded', () => {
  it('is dead-lettered once and never acknowledged in Ongoing; fixed, it flows and is acknowledged', async () => {
    const { orderNumber } = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 2, unitPrice: 100 }],
    });
    const list = await sentToOngoing(env, orderNumber);
    await env.control.pickOrder({ orderNumber: list.pickingListNumber });
    await setParcels(list.pickingListNumber, [{ id: 1, parcelNumber: 12345, isReturnParcel: false, tracking: null }]);
    await env.control.shipOrder({ orderNumber: list.pickingListNumber }, { waybill: 'WB-F' });

    const dlq = dlqTopicName(topics.orderShipped.name);
    const [letter] = await eventually(
      () => readRecords(env.rt, dlq, 1, 2_000),
      (r) => r.length === 1,
      30_000,
      'the dead letter',
    );
    expect(letter!.key).toBe(list.pickingListNumber);
    expect(letter!.headers[DLQ_HEADERS.stage]).toBe('source:ongoing.shipments');
    // Polled many times since (every 300 ms): not acknowledged, not booked, not dead-lettered again.
    await new Promise((r) => setTimeout(r, 3_000));
    const [order] = await env.api.getOrders({ orderNumber: list.pickingListNumber });
    expect(order!.orderLines[0]).toMatchObject({ pickedNumberOfItems: 2, reportedNumberOfItems: null });
    expect(await invoicedLines(env, orderNumber)).toEqual([]);
    expect(await readRecords(env.rt, dlq, 2, 2_000)).toHaveLength(1);

    // The warehouse fixes the record: a parcel without a number is fine.
    await setParcels(list.pickingListNumber, [{ id: 1, parcelNumber: null, isReturnParcel: false, tracking: null }]);
    expect(
      await eventually(
        () => invoicedLines(env, orderNumber),
        (i) => i.length === 1,
        30_000,
        'the shipment booked once fixed',
      ),
    ).toEqual([[['WOOL-SOCK', 2]]]);
    await eventually(
      () => env.api.getOrders({ orderNumber: list.pickingListNumber }),
      (o) => o[0]?.orderLines[0]?.reportedNumberOfItems === 2,
      30_000,
      'acknowledged in Ongoing',
    );
  }, 120_000);
});
