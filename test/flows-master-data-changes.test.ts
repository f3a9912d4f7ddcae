/**
 * Flows 1 and 2 for what a Multicase user changes, end to end on the real stack: an article gets
 * the customs and valuation fields, and a field cleared in Multicase (the EAN) is cleared in
 * Ongoing; a purchase order gets its receiving instructions, and one received 5 of 10 and closed
 * short (or cancelled) leaves Ongoing expecting nothing more, while a late receipt leaves it closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelPurchaseOrder,
  closePurchaseOrder,
  createProduct,
  getPurchaseOrder,
  savePurchaseOrder,
  updateProduct,
} from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { dlqTopicName, idMapKey, topics } from '../schemas/catalog.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { readRecords } from './support/kafka.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('md-changes', {}, { shippingMethods: false, testRuntime: true }));
}, 120_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

const article = (n: string) => env.api.getArticles({ articleNumber: n }).then((a) => a[0]);
const purchaseOrder = (n: string) => env.api.getPurchaseOrders({ purchaseOrderNumber: n }).then((p) => p[0]);
const linesOf = (po: Awaited<ReturnType<typeof purchaseOrder>>) =>
  (po?.purchaseOrderLines ?? []).map((l) => [l.rowNumber, l.advisedNumberOfItems, l.receivedNumberOfItems]);
const records = async (topic: string, key: string) =>
  (await readRecords(env.rt, topic, 10_000, 2_000)).filter((r) => r.key === key);

describe('flow 1: what an article carries, and what is cleared', () => {
  it('the customs and valuation fields reach the article; a cleared EAN no longer scans', async () => {
    await createProduct(env.db, {
      productNumber: 'STOVE-1',
      description: 'Primus',
      ean: '7071234500079',
      weightKg: 0.4,
      netWeightKg: 0.35,
      countryOfOrigin: 'SE',
      customsCode: '73211100',
      unitsPerPackage: 12,
      costPrice: 310.5,
    });
    const created = await eventually(
      () => article('STOVE-1'),
      (a) => a !== undefined,
      20_000,
      'STOVE-1 in Ongoing',
    );
    expect(created).toMatchObject({
      barCodeInfo: { barCode: '7071234500079' },
      countryOfOriginCode: 'SE',
      statisticsNumber: '73211100',
      netWeight: 0.35,
      quantityPerPackage: 12,
      purchasePrice: 310.5,
      stockValuationPrice: 310.5,
    });

    await updateProduct(env.db, 'STOVE-1', { ean: null, customsCode: null, netWeightKg: null });
    const cleared = await eventually(
      () => article('STOVE-1'),
      (a) => a?.barCodeInfo?.barCode === undefined,
      20_000,
      'the EAN cleared in Ongoing',
    );
    expect(cleared!.statisticsNumber ?? null).toBeNull();
    expect(cleared).toMatchObject({ netWeight: 0, countryOfOriginCode: 'SE', purchasePrice: 310.5 });
    expect(await env.api.getArticles({ articleNumbers: ['STOVE-1'] })).toHaveLength(1);
    // The warehouse's scanner looks articles up by bar code: the old EAN finds nothing.
    const scanned = await fetch(`${env.simulator.baseUrl}/articles?goodsOwnerId=1&barCodes=7071234500079`, {
      headers: { authorization: `Basic ${Buffer.from('api:secret').toString('base64')}` },
    });
    expect(await scanned.json()).toEqual([]);
  });
});

describe('flow 2: purchase orders closed short', () => {
  it('received 5 of 10 and closed short: Ongoing expects nothing more, and a late receipt leaves it closed', async () => {
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      deliveryText: 'Deliver at gate 3, call 900 00 000',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 },
        { position: 2, productNumber: 'SLBAG-3S', quantityOrdered: 4 },
      ],
    });
    const n = po.purchaseOrderNumber;
    const sent = await eventually(
      () => purchaseOrder(n),
      (p) => p !== undefined,
      20_000,
      `PO ${n} in Ongoing`,
    );
    expect(sent!.purchaseOrderInfo.purchaseOrderRemark).toBe('Deliver at gate 3, call 900 00 000');

    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 5 }]);
    await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.lines[0]?.quantityReceived === 5,
      20_000,
      'the receipt booked',
    );
    expect((await closePurchaseOrder(env.db, n)).status).toBe('closed');

    const closed = await eventually(
      () => purchaseOrder(n),
      (p) => p?.purchaseOrderInfo.purchaseOrderStatus?.number === 500 && linesOf(p)[0]?.[1] === 5,
      20_000,
      'closed short in Ongoing',
    );
    expect(linesOf(closed)).toEqual([
      ['1', 5, 5],
      ['2', 0, 0],
    ]);
    const key = idMapKey('ongoing', 'purchaseOrder', n);
    const writes = (await records(topics.idMap.name, key)).length;

    // The supplier sends two more after all: booked as they arrived, the purchase order stays closed.
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 2 }]);
    const late = await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.lines[0]?.quantityReceived === 7,
      20_000,
      'the late receipt booked',
    );
    expect(late!.status).toBe('closed');
    // The close goes to Ongoing again (advising 7 now); Ongoing has finished the purchase order and
    // refuses the change, which leaves nothing expected there: done, not a dead letter.
    await eventually(
      () => records(topics.idMap.name, key),
      (r) => r.length > writes,
      30_000,
      'the repeated close handled by the sink',
    );
    expect(await records(dlqTopicName(topics.purchaseOrderUpsert.name), n)).toEqual([]);
    expect(linesOf(await purchaseOrder(n))).toEqual([
      ['1', 5, 7],
      ['2', 0, 0],
    ]);
    expect((await getPurchaseOrder(env.db, n))!.status).toBe('closed');
  }, 90_000);

  it('a cancel of a partly received purchase order closes it: no refused DELETE, nothing more expected', async () => {
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'JACKET-M', quantityOrdered: 3 }],
    });
    const n = po.purchaseOrderNumber;
    await eventually(
      () => purchaseOrder(n),
      (p) => p !== undefined,
      20_000,
      `PO ${n} in Ongoing`,
    );
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 1 }]);
    await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.status === 'partly_received',
      20_000,
      'the receipt booked',
    );
    expect((await cancelPurchaseOrder(env.db, n)).status).toBe('closed');
    const closed = await eventually(
      () => purchaseOrder(n),
      (p) => p?.purchaseOrderInfo.purchaseOrderStatus?.number === 500,
      20_000,
      'closed in Ongoing',
    );
    expect(linesOf(closed)).toEqual([['1', 1, 1]]);
    expect(await records(dlqTopicName(topics.purchaseOrderUpsert.name), n)).toEqual([]);
  }, 60_000);
});
