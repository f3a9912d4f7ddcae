/**
 * Flow 7 under crashes: the pipeline process is killed after a return receipt event is in Kafka
 * but before its report command, and after the return is booked and settled in Multicase but
 * before the consumer commits. After a restart there is one credit note, one stock movement per
 * receipt, and nothing lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSalesOrder,
  getStock,
  registerReturn,
  sendOrderToWarehouse,
  sendReturnToWarehouse,
} from '../infra/local/multicase-db/actions.js';
import { seedShippingMap } from '../infra/local/demo/shipping-map.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';
import { killAfterEach, pipelineProcesses } from './support/pipeline-process.js';

let env: TestEnvironment;
const pipelines = pipelineProcesses(() => ({
  ...env.env,
  ONGOING_SHIPMENT_POLL_MS: '300',
  MULTICASE_RETURN_POLL_MS: '1000',
}));

beforeAll(async () => {
  env = await startTestEnvironment('crash_ret');
  await seedShippingMap(env.rt);
}, 120_000);
killAfterEach(pipelines);
afterAll(async () => {
  await env?.close();
});

const count = async (table: string, where: Record<string, unknown>) =>
  Number((await env.db(table).where(where).count({ n: '*' }).first())?.n ?? 0);
const returnId = async (returnNumber: string) =>
  (await env.db('multicase.return_orders').where({ return_number: returnNumber }).first('id'))?.id as number;

describe('crash recovery of returns', () => {
  it.each([
    [
      'after the return receipt event is in Kafka but before its report command',
      'source.before-ack@ongoing.goods-receipts:1',
    ],
    // The commit of the batch that holds this return's booking (not one left by the case before).
    [
      'after the return is booked and credited in Multicase but before the consumer commit',
      'stage.before-commit@sink.multicase.return-booking#{return}:1',
    ],
  ])(
    'killed %s: one credit note, one stock movement',
    async (_what, planned) => {
      const order = await createSalesOrder(env.db, {
        customerNumber: 'C10001',
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
      await env.control.fulfilOrder({ orderNumber: picking.pickingListNumber });
      await eventually(
        () =>
          env
            .db('multicase.invoices as i')
            .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
            .where('o.order_number', order.orderNumber)
            .first('i.id'),
        (i) => i !== undefined,
        60_000,
        'the invoice',
      );
      const ret = await registerReturn(env.db, order.orderNumber, [{ position: 1, quantity: 2, handling: 'to_stock' }]);
      await sendReturnToWarehouse(env.db, ret.returnNumber);
      await eventually(
        () => env.api.getPurchaseOrders({ purchaseOrderNumber: `R-${ret.returnNumber}` }),
        (p) => p.length === 1,
        60_000,
        'the return in Ongoing',
      );
      await pipelines.stop(running);

      const stockBefore = await getStock(env.db, 'JACKET-M', 'MAIN');
      await env.control.receivePurchaseOrder({ purchaseOrderNumber: `R-${ret.returnNumber}` });
      // The booking's key is the return's number in Ongoing (its prefix R- and the return number).
      const crashPoint = planned.replace('{return}', `R-${ret.returnNumber}`);
      const crashing = pipelines.start(crashPoint);
      expect(await crashing.exited).toBe('SIGKILL');
      expect(crashing.output()).toContain(`crash point ${crashPoint.replace(/:1$/, '')} reached`);

      const again = pipelines.start();
      try {
        const id = await returnId(ret.returnNumber);
        await eventually(
          () => count('multicase.credit_notes', { return_order_id: id }),
          (n) => n >= 1,
          60_000,
          'the credit note',
        );
        await eventually(
          () =>
            env.api
              .getPurchaseOrders({ purchaseOrderNumber: `R-${ret.returnNumber}` })
              .then((p) => p[0]?.purchaseOrderLines?.[0]?.reportedNumberOfItems),
          (r) => r === 2,
          30_000,
          'the return reported in Ongoing',
        );
        // Give a repeat every chance to show up before counting.
        await new Promise((r) => setTimeout(r, 2_000));
      } finally {
        await pipelines.stop(again);
      }
      expect(await count('multicase.credit_notes', { return_order_id: await returnId(ret.returnNumber) })).toBe(1);
      expect(await getStock(env.db, 'JACKET-M', 'MAIN')).toBe(stockBefore + 2);
      expect(await count('multicase.stock_transactions', { reference: ret.returnNumber })).toBe(1);
    },
    180_000,
  );
});
