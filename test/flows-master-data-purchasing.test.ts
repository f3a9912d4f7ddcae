/**
 * Flows 1-3 end to end on the real stack: Multicase database → CDC source → Kafka (Avro, registry)
 * → processors → Ongoing sink → Ongoing simulator, and back for goods receipts. Malformed source
 * rows are flows-malformed-rows.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import { DLQ_HEADERS } from '../runtime/dead-letter.js';
import { metrics } from '../runtime/metrics.js';
import {
  createProduct,
  deleteProduct,
  getPurchaseOrder,
  getStock,
  getStockTransactions,
  savePurchaseOrder,
  updateProduct,
} from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import { readRecords } from './support/kafka.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('flows13', {}, { shippingMethods: false, testRuntime: true }));
}, 120_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

const article = (n: string) => env.api.getArticles({ articleNumber: n }).then((a) => a[0]);

describe('flow 1: master data', () => {
  it('takes a snapshot of the products that already exist', async () => {
    const tent = await eventually(
      () => article('TENT-2P'),
      (a) => a !== undefined,
      20_000,
      'seeded product TENT-2P in Ongoing',
    );
    expect(tent).toMatchObject({ articleName: 'Lettvektstelt 2 personer', isStockArticle: true });
  });

  it('a new product, a change, a service item and a deactivation each appear in Ongoing', async () => {
    await createProduct(env.db, {
      productNumber: 'LAMP-1',
      description: 'Hodelykt',
      ean: '7071234500062',
      weightKg: 0.1,
      lengthCm: 8,
      widthCm: 5,
      heightCm: 4,
      supplierNumber: 'S1001',
    });
    await createProduct(env.db, { productNumber: 'FREIGHT', description: 'Frakt', isService: true });
    const lamp = await eventually(
      () => article('LAMP-1'),
      (a) => a !== undefined,
      20_000,
      'LAMP-1 in Ongoing',
    );
    expect(lamp).toMatchObject({
      articleName: 'Hodelykt',
      isStockArticle: true,
      isActive: true,
      weight: 0.1,
      length: 0.08,
    });
    expect(lamp?.barCodeInfo?.barCode).toBe('7071234500062');
    expect(
      await eventually(
        () => article('FREIGHT'),
        (a) => a !== undefined,
        20_000,
        'FREIGHT',
      ),
    ).toMatchObject({ isStockArticle: false });

    await updateProduct(env.db, 'LAMP-1', { description: 'Hodelykt 300 lm' });
    await eventually(
      () => article('LAMP-1'),
      (a) => a?.articleName === 'Hodelykt 300 lm',
      20_000,
      'renamed LAMP-1',
    );
    await updateProduct(env.db, 'FREIGHT', { isActive: false });
    await deleteProduct(env.db, 'LAMP-1');
    await eventually(
      () => article('LAMP-1'),
      (a) => a?.isActive === false,
      20_000,
      'deleted LAMP-1 deactivated',
    );
    await eventually(
      () => article('FREIGHT'),
      (a) => a?.isActive === false,
      20_000,
      'inactive FREIGHT deactivated',
    );
    // Same system id throughout: updates, not new articles.
    expect((await env.api.getArticles({ articleNumbers: ['LAMP-1'] })).length).toBe(1);
  });
});

describe('flows 2 and 3: purchase orders and goods receipts', () => {
  it('a saved PO appears in Ongoing, a change while open follows, and receipts book stock exactly', async () => {
    const stockBefore = await getStock(env.db, 'TENT-2P', 'MAIN');
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      expectedDate: '2026-12-15',
      reference: 'winter stock',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 10 },
        { position: 2, productNumber: 'SLBAG-3S', quantityOrdered: 4 },
      ],
    });
    const n = po.purchaseOrderNumber;
    const inOngoing = await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: n }).then((p) => p[0]),
      (p) => p !== undefined,
      10_000,
      `PO ${n} in Ongoing`,
    );
    expect(
      inOngoing!.purchaseOrderLines!.map((l) => [l.rowNumber, l.article?.articleNumber, l.advisedNumberOfItems]),
    ).toEqual([
      ['1', 'TENT-2P', 10],
      ['2', 'SLBAG-3S', 4],
    ]);

    await savePurchaseOrder(env.db, {
      purchaseOrderNumber: n,
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      expectedDate: '2026-12-15',
      reference: 'winter stock',
      lines: [
        { position: 1, productNumber: 'TENT-2P', quantityOrdered: 12 },
        { position: 2, productNumber: 'SLBAG-3S', quantityOrdered: 4 },
      ],
    });
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: n }).then((p) => p[0]),
      (p) => p?.purchaseOrderLines?.[0]?.advisedNumberOfItems === 12,
      10_000,
      'changed quantity in Ongoing',
    );

    // The warehouse receives part of it…
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 5 }]);
    await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.lines[0]?.quantityReceived === 5,
      20_000,
      'partial receipt booked',
    );
    expect((await getPurchaseOrder(env.db, n))?.status).toBe('partly_received');
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(stockBefore + 5);

    // …then the rest.
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n });
    const done = await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.status === 'received',
      20_000,
      'PO received',
    );
    expect(done!.lines.map((l) => l.quantityReceived)).toEqual([12, 4]);
    expect(await getStock(env.db, 'TENT-2P', 'MAIN')).toBe(stockBefore + 12);
    const history = (await getStockTransactions(env.db, 'TENT-2P', 'MAIN')).filter((t) => t.reference === n);
    expect(history.map((t) => [t.kind, t.quantityChange])).toEqual([
      ['receipt', 5],
      ['receipt', 7],
    ]);

    // Reported back in Ongoing: nothing left to report.
    await eventually(
      () => env.api.getPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true }),
      (l) => l.length === 0,
      10_000,
      'all receipts reported',
    );
  });

  it('a change to a partly received PO reaches Ongoing; one below what was received is refused, dead-lettered with its message and counted; the flow goes on', async () => {
    const rejectedBefore = (await metrics.targetRejections.get()).values.reduce((s, v) => s + v.value, 0);
    const po = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'JACKET-M', quantityOrdered: 20 }],
    });
    const n = po.purchaseOrderNumber;
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: n }),
      (p) => p.length === 1,
      10_000,
      `PO ${n} in Ongoing`,
    );
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: n }, [{ rowNumber: '1', numberOfItems: 8 }]);
    await eventually(
      () => getPurchaseOrder(env.db, n),
      (p) => p?.lines[0]?.quantityReceived === 8,
      20_000,
      'partial receipt booked',
    );

    // The buyer raises the quantity of the partly received PO and adds a line: Ongoing takes both.
    await savePurchaseOrder(env.db, {
      purchaseOrderNumber: n,
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'JACKET-M', quantityOrdered: 30 },
        { position: 2, productNumber: 'WOOL-SOCK', quantityOrdered: 6 },
      ],
    });
    const changed = await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: n }).then((p) => p[0]),
      (p) => p?.purchaseOrderLines?.length === 2 && p.purchaseOrderLines[0]?.advisedNumberOfItems === 30,
      10_000,
      'the change of the partly received PO in Ongoing',
    );
    expect(
      changed!.purchaseOrderLines!.map((l) => [
        l.rowNumber,
        l.article?.articleNumber,
        l.advisedNumberOfItems,
        l.receivedNumberOfItems,
      ]),
    ).toEqual([
      ['1', 'JACKET-M', 30, 8],
      ['2', 'WOOL-SOCK', 6, 0],
    ]);

    // Below what the warehouse has already received: Ongoing says no, with its reason.
    await savePurchaseOrder(env.db, {
      purchaseOrderNumber: n,
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [
        { position: 1, productNumber: 'JACKET-M', quantityOrdered: 5 },
        { position: 2, productNumber: 'WOOL-SOCK', quantityOrdered: 6 },
      ],
    });
    const dead = await eventually(
      async () =>
        (await readRecords(env.rt, `dlq.${topics.purchaseOrderUpsert.name}`, 1, 2_000)).filter((r) => r.key === n),
      (r) => r.length === 1,
      20_000,
      'refusal in the DLQ',
    );
    expect(dead[0]!.headers[DLQ_HEADERS.errorClass]).toBe('RejectedError');
    expect(dead[0]!.headers[DLQ_HEADERS.message]).toMatch(
      /purchaseOrders answered 4\d\d: .*row 1 can not be advised 5 items: 8 have been received/,
    );
    const rejectedAfter = (await metrics.targetRejections.get()).values.reduce((s, v) => s + v.value, 0);
    expect(rejectedAfter).toBeGreaterThan(rejectedBefore);

    // Nothing stalled: a new PO still goes through; one for another warehouse stays out of Ongoing.
    const store = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'STORE',
      lines: [{ position: 1, productNumber: 'WOOL-SOCK', quantityOrdered: 2 }],
    });
    const next = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'WOOL-SOCK', quantityOrdered: 3 }],
    });
    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: next.purchaseOrderNumber }),
      (p) => p.length === 1,
      10_000,
      'next PO in Ongoing',
    );
    expect(await env.api.getPurchaseOrders({ purchaseOrderNumber: store.purchaseOrderNumber })).toEqual([]);
  });

  it('is learned when Ongoing refuses the write, so its receipts still reach Multicase', async () => {
    // As after a crash between the Ongoing write and recording its id: the PO is in Ongoing,
    // the warehouse received 4, and the pipeline has no mapping for it. Multicase now orders
    // fewer than were received, which Ongoing refuses.
    const number = 'PO-LOST-MAP-1';
    await env.api.upsertPurchaseOrder({
      purchaseOrderNumber: number,
      purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'SLBAG-3S', numberOfItems: 6 }],
    });
    await env.control.receivePurchaseOrder({ purchaseOrderNumber: number }, [{ rowNumber: '1', numberOfItems: 4 }]);
    await savePurchaseOrder(env.db, {
      purchaseOrderNumber: number,
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'SLBAG-3S', quantityOrdered: 3 }],
    });

    const booked = await eventually(
      () => getPurchaseOrder(env.db, number),
      (p) => p?.lines[0]?.quantityReceived === 4,
      30_000,
      'receipt booked after the id was learned',
    );
    expect(booked!.status).toBe('received');
    const dead = (await readRecords(env.rt, `dlq.${topics.purchaseOrderUpsert.name}`, 100, 2_000)).filter(
      (r) => r.key === number,
    );
    expect(dead.length).toBeGreaterThanOrEqual(1);
    expect(dead[0]!.headers[DLQ_HEADERS.errorClass]).toBe('RejectedError');
  });
});
