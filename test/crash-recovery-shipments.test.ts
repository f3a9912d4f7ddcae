/**
 * Flows 4 and 6 under crashes: the pipeline process is killed after a shipment event is in Kafka
 * but before its report command, and after the shipment is booked in Multicase but before the
 * consumer commits. After a restart there is one invoice, one stock movement, and nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSalesOrder,
  getStock,
  getStockTransactions,
  sendOrderToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { seedShippingMap } from '../infra/local/demo/shipping-map.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';
import { killAfterEach, pipelineProcesses } from './support/pipeline-process.js';

let env: TestEnvironment;
const pipelines = pipelineProcesses(() => ({ ...env.env, ONGOING_SHIPMENT_POLL_MS: '300' }));

beforeAll(async () => {
  env = await startTestEnvironment('crash_ship');
  await seedShippingMap(env.rt);
}, 120_000);
killAfterEach(pipelines);
afterAll(async () => {
  await env?.close();
});

const invoiceCount = async (orderNumber: string) =>
  Number(
    (
      await env
        .db('multicase.invoices as i')
        .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
        .where('o.order_number', orderNumber)
        .count({ n: '*' })
        .first()
    )?.n ?? 0,
  );

describe('crash recovery of shipments', () => {
  it.each([
    ['after the shipment event is in Kafka but before its report command', 'source.before-ack@ongoing.shipments:1'],
    // The commit of the batch that holds this picking list's shipment (not one left by the case before).
    [
      'after the shipment is booked in Multicase but before the consumer commit',
      'stage.before-commit@sink.multicase.shipment-invoice#{picking list}:1',
    ],
  ])(
    'killed %s: one invoice, one stock movement',
    async (_what, planned) => {
      const stockBefore = await getStock(env.db, 'JACKET-M', 'MAIN');
      const order = await createSalesOrder(env.db, {
        customerNumber: 'C10002',
        shippingMethod: 'BRING-PIP',
        warehouseCode: 'MAIN',
        lines: [{ productNumber: 'JACKET-M', quantity: 2, unitPrice: 1000 }],
      });
      const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
      const running = pipelines.start();
      await eventually(
        () => env.api.getOrders({ orderNumber: picking.pickingListNumber }),
        (o) => o.length === 1,
        60_000,
        'order in Ongoing',
      );
      await pipelines.stop(running);

      await env.control.pickOrder({ orderNumber: picking.pickingListNumber });
      await env.control.shipOrder(
        { orderNumber: picking.pickingListNumber },
        { waybill: `WB-${picking.pickingListNumber}` },
      );
      const crashPoint = planned.replace('{picking list}', picking.pickingListNumber);
      const crashing = pipelines.start(crashPoint);
      expect(await crashing.exited).toBe('SIGKILL');
      expect(crashing.output()).toContain(`crash point ${crashPoint.replace(/:1$/, '')} reached`);

      const again = pipelines.start();
      try {
        await eventually(
          () => invoiceCount(order.orderNumber),
          (n) => n >= 1,
          60_000,
          'the invoice',
        );
        await eventually(
          () =>
            env.api
              .getOrders({ orderNumber: picking.pickingListNumber })
              .then((o) => o[0]?.orderLines[0]?.reportedNumberOfItems),
          (r) => r === 2,
          30_000,
          'shipment reported in Ongoing',
        );
        // Give a repeat every chance to show up before counting.
        await new Promise((r) => setTimeout(r, 2_000));
      } finally {
        await pipelines.stop(again);
      }
      expect(await invoiceCount(order.orderNumber)).toBe(1);
      expect(await getStock(env.db, 'JACKET-M', 'MAIN')).toBe(stockBefore - 2);
      expect(
        (await getStockTransactions(env.db, 'JACKET-M', 'MAIN'))
          .filter((t) => t.reference === order.orderNumber)
          .map((t) => t.quantityChange),
      ).toEqual([-2]);
    },
    150_000,
  );
});
