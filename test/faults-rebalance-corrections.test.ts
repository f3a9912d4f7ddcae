/**
 * Fault suite, in process: rebalances in the middle of a chunk (a second pipeline instance joins
 * while the Ongoing sink is halfway through a slow chunk: the processor and Multicase-sink groups
 * rebalance, the Ongoing sink stays with the write lease's holder; later the holder leaves in the
 * middle of writing, and lease and Ongoing sink pass to the second instance), and a
 * goods receipt corrected downwards and back up in Ongoing. Neither is a bad record, so neither
 * may dead-letter; afterwards the ledgers of both systems must match exactly
 * (support/fault-world.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProduct, getPurchaseOrder, getStock, savePurchaseOrder } from '../infra/local/multicase-db/actions.js';
import { eventually } from './support/environment.js';
import { closeAfterScenario, expectRecovered } from './support/fault-steps.js';
import { reportRecovery, sleep, startFaultWorld, type FaultWorld } from './support/fault-world.js';

let world: FaultWorld | undefined;

afterEach(async (ctx) => {
  await closeAfterScenario(ctx, world);
  world = undefined;
}, 120_000);

const articleCount = async (w: FaultWorld) => (await w.env.control.state(1)).articles.length;

describe('fault: rebalance in the middle of a chunk', () => {
  it('a second instance joins while the article sink is mid-chunk, later the lease holder leaves mid-write: every article arrives, no dead letter', async () => {
    world = await startFaultWorld('freb');
    const w = world;
    const first = await w.pipeline('freb-pipeline-1');
    const poA = await savePurchaseOrder(w.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 6 }],
    });
    const warm = await w.settle(Date.now(), 40_000);
    expect(warm.report.discrepancies, 'ledgers before the fault').toEqual([]);

    // Ongoing takes 150 ms per write: 40 products make a chunk that takes seconds.
    await w.env.control.setFaults({ writeLatencyMs: 150 });
    const before = await articleCount(w);
    const total = 40;
    await w.db.transaction(async (trx) => {
      for (let i = 1; i <= total; i++)
        await createProduct(trx, { productNumber: `REB-${String(i).padStart(2, '0')}`, description: `rebalance ${i}` });
    });
    // Mid-chunk: some of the batch is written, most is not.
    const written = await eventually(
      () => articleCount(w),
      (n) => n >= before + 3,
      30_000,
      'the article sink to be under way',
    );
    expect(written - before, 'harness: the rebalance must hit the sink in the middle of its chunk').toBeLessThan(total);

    const joinedAt = Date.now();
    const second = await w.pipeline('freb-pipeline-2');
    await second.pipeline.started();
    const midway = (await articleCount(w)) - before;
    // Harness: the second instance's members have joined (the group rebalanced) while the chunk was still being written.
    expect(midway, 'harness: the group rebalanced before the chunk was done').toBeLessThan(total);
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA.purchaseOrderNumber }, [
      { rowNumber: '1', numberOfItems: 6 },
    ]);
    for (let i = 1; i <= 5; i++)
      await createProduct(w.db, { productNumber: `REB-LATE-${i}`, description: `after the join ${i}` });
    await sleep(3_000);

    // Only one instance writes to Ongoing: whichever holds the write lease after the join.
    const runsOngoingSink = (p: typeof first) => p.pipeline.stages.some((st) => st.name.startsWith('sink.ongoing.'));
    const holders = await eventually(
      async () => [first, second].filter(runsOngoingSink),
      (h) => h.length === 1,
      20_000,
      'one instance running the Ongoing sink',
    );
    const holder = holders[0]!;

    // The holder leaves in the middle of writing: its partitions, the write lease and with it the
    // Ongoing sink move to the other instance.
    for (let i = 6; i <= 10; i++)
      await createProduct(w.db, { productNumber: `REB-LATE-${i}`, description: `before the leave ${i}` });
    await sleep(500);
    await holder.close();
    const leftAt = Date.now();
    await w.env.control.setFaults({ writeLatencyMs: 0 });

    console.log(
      `fault rebalance: second instance joined after ${written - before} of ${total} articles, ${midway} were written when it had joined; the lease holder (${holder === first ? 'first' : 'second'}) left ${leftAt - joinedAt} ms after the join`,
    );
    await expectRecovered(w, 'rebalance-mid-chunk', leftAt, 60_000);
  }, 180_000);
});

describe('fault: a receipt line corrected downwards and back up', () => {
  it('received 10, corrected to 8, recounted to 10: Multicase ends at 10, no dead letter', async () => {
    world = await startFaultWorld('fcor');
    const w = world;
    await w.pipeline('fcor-pipeline');
    const stockBefore = await getStock(w.db, 'JACKET-M', 'MAIN');
    const po = await savePurchaseOrder(w.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'JACKET-M', quantityOrdered: 10 }],
    });
    const n = po.purchaseOrderNumber;
    expect((await w.settle(Date.now(), 40_000)).report.discrepancies, 'ledgers before the receipt').toEqual([]);

    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 10 }]);
    const received = await w.settle(Date.now(), 30_000);
    expect(received.report.discrepancies, 'ledgers after receiving 10').toEqual([]);
    expect((await getPurchaseOrder(w.db, n))?.lines[0]?.quantityReceived).toBe(10);

    // A miscount found: there were 8.
    const down = await w.env.control.setReceivedQuantity({ purchaseOrderNumber: n }, [
      { rowNumber: '1', receivedNumberOfItems: 8 },
    ]);
    // Harness: the simulator took the correction and has it to report.
    expect(down.purchaseOrderLines[0]).toMatchObject({ receivedNumberOfItems: 8, reportedNumberOfItems: 10 });
    const jacket = (
      (await w.env.control.state(1)).articles as { articleNumber: string; inventoryInfo?: { numberOfItems: number } }[]
    ).find((a) => a.articleNumber === 'JACKET-M');
    expect(jacket?.inventoryInfo?.numberOfItems, 'harness: the simulated stock follows the correction').toBe(8);
    const corrected = await w.settle(Date.now(), 30_000);
    reportRecovery('receipt-corrected-10-to-8', corrected);
    expect.soft(corrected.report.discrepancies, 'ledgers after the correction to 8').toEqual([]);
    expect.soft(corrected.deadLetters, 'dead letters after the correction to 8').toEqual([]);

    // Recounted: 10 after all.
    const up = await w.env.control.setReceivedQuantity({ purchaseOrderNumber: n }, [
      { rowNumber: '1', receivedNumberOfItems: 10 },
    ]);
    expect(up.purchaseOrderLines[0]).toMatchObject({ receivedNumberOfItems: 10 });
    const recountedAt = Date.now();
    await expectRecovered(w, 'receipt-recounted-8-to-10', recountedAt, 30_000);
    expect((await getPurchaseOrder(w.db, n))?.lines[0]?.quantityReceived).toBe(10);
    expect(await getStock(w.db, 'JACKET-M', 'MAIN')).toBe(stockBefore + 10);
  }, 150_000);
});
