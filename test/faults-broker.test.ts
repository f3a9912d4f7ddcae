/**
 * Fault suite, Kafka: the broker is stopped for longer than kafkajs's own retry budget while
 * products and purchase orders are saved in Multicase and goods are received in Ongoing, then
 * started again. The rule: a fault of infrastructure is retried or pauses the stage; it never
 * dead-letters, never advances a source position, never acknowledges anything in Ongoing. After
 * the broker is back the ledgers of both systems must match exactly (support/fault-world.ts).
 *
 * The broker is a private one (support/fault-kafka.ts), so the shared broker other test files use
 * keeps running; the registry is the shared one.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProduct, savePurchaseOrder, updateProduct } from '../infra/local/multicase-db/actions.js';
import { startPrivateKafka, type PrivateKafka } from './support/fault-kafka.js';
import { closeAfterScenario, connectOutcome, expectRecovered, purchaseOrderInOngoing } from './support/fault-steps.js';
import { sleep, startFaultWorld, type FaultWorld } from './support/fault-world.js';

let kafka: PrivateKafka | undefined;
let world: FaultWorld | undefined;

afterEach(async (ctx) => {
  // The world's clean-up deletes its topics on the broker: it has to run.
  if (kafka && !kafka.running) await kafka.start().catch(() => undefined);
  const dir = await closeAfterScenario(ctx, world, 'kafka-broker-stopped');
  if (kafka && dir) {
    cpSync(kafka.logDir, join(dir, 'broker'), { recursive: true });
    process.stderr.write(`private broker logs: ${join(dir, 'broker')}\n`);
  }
  await kafka?.close();
  world = undefined;
  kafka = undefined;
}, 120_000);

describe('fault: Kafka broker stopped', () => {
  it('broker down for 40 s while products, purchase orders and receipts happen: after the restart the ledgers match, no dead letter', async () => {
    kafka = await startPrivateKafka('broker-down');
    const broker = kafka;
    world = await startFaultWorld('fbrk', { KAFKA_BROKERS: broker.brokers });
    const w = world;
    await w.pipeline('fbrk-pipeline');

    // Before the fault: the seeded products are articles, and one purchase order is in Ongoing.
    const poA = await purchaseOrderInOngoing(w, [
      { productNumber: 'TENT-2P', quantityOrdered: 10 },
      { productNumber: 'SLBAG-3S', quantityOrdered: 6 },
    ]);

    // The fault, while records flow: every stage is fetching, committing and heartbeating when the
    // broker shuts down (a controlled shutdown, as in a rolling restart), not only idling.
    let flowing = true;
    let traffic = 0;
    const load = (async () => {
      while (flowing) {
        await createProduct(w.db, {
          productNumber: `BRK-T-${++traffic}`,
          description: `saved while the broker stopped ${traffic}`,
        });
        await sleep(100);
      }
    })();
    await sleep(2_500);
    await broker.stop();
    const stoppedAt = Date.now();
    flowing = false;
    await load;
    // Harness: the broker is really gone.
    expect(broker.running).toBe(false);
    expect(await connectOutcome(broker.port), 'harness: the private broker refuses connections while stopped').toBe(
      'ECONNREFUSED',
    );

    await sleep(2_000);
    for (let i = 1; i <= 3; i++)
      await createProduct(w.db, { productNumber: `BRK-${i}`, description: `saved while Kafka was down ${i}` });
    await savePurchaseOrder(w.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'JACKET-M', quantityOrdered: 4 },
        { position: 2, productNumber: 'WOOL-SOCK', quantityOrdered: 12 },
      ],
    });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA }, [{ rowNumber: '1', numberOfItems: 5 }]);
    await sleep(12_000);
    await updateProduct(w.db, 'BRK-1', { description: 'renamed while Kafka was down' });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA });
    await sleep(12_000);
    await createProduct(w.db, { productNumber: 'BRK-4', description: 'saved late in the outage' });
    await savePurchaseOrder(w.db, {
      supplierNumber: 'S1003',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'COFFEE-500', quantityOrdered: 8 }],
    });
    // Longer than kafkajs gives up after (retries 8, up to 5 s apart: about 30 s).
    await sleep(Math.max(0, stoppedAt + 40_000 - Date.now()));

    await broker.start();
    const backAt = Date.now();
    expect(broker.running).toBe(true);
    // Harness: the same data directory, so the world's topics are still there.
    const admin = await w.env.rt.kafka.admin();
    try {
      expect((await admin.listTopics()).length, 'harness: topics survive the broker restart').toBeGreaterThan(10);
    } finally {
      await admin.disconnect();
    }

    const settled = await expectRecovered(w, 'kafka-broker-stopped-40s', backAt);
    expect(settled.report.counts.receivedInOngoing).toBe(16);
  }, 240_000);
});
