/**
 * Source rows the flows cannot turn into events, end to end on the real stack: purchase orders
 * with a negative quantity or a line for an unknown product, a product without a number, a product
 * row too large for Kafka. Each is dead-lettered with a reason naming the record and field (cut and
 * flagged when too large), and the rows after it flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import { DLQ_HEADERS } from '../runtime/dead-letter.js';
import { createProduct, savePurchaseOrder } from '../infra/local/multicase-db/actions.js';
import type { Pipeline } from '../pipeline/main.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import { readRecords } from './support/kafka.js';

let env: TestEnvironment;
let pipeline: Pipeline;

beforeAll(async () => {
  ({ env, pipeline } = await startRunningPipeline('malformed', {}, { shippingMethods: false, testRuntime: true }));
  // The good purchase order's article comes with flow 1's snapshot of the seeded products.
  await eventually(
    () => env.api.getArticles({ articleNumbers: ['TENT-2P', 'COFFEE-500'] }),
    (a) => a.length === 2,
    30_000,
    'the seeded articles in Ongoing',
  );
}, 120_000);

afterAll(() => stopRunningPipeline({ env, pipeline }));

const article = (n: string) => env.api.getArticles({ articleNumber: n }).then((a) => a[0]);

describe('malformed source rows', () => {
  it('go to the DLQ with a reason naming the record and field, and the flow continues', async () => {
    // A real Multicase schema is not ours: do not count on its constraints.
    await env.db
      .raw(`ALTER TABLE multicase.purchase_order_lines DROP CONSTRAINT IF EXISTS purchase_order_lines_quantity_ordered_positive;
                      ALTER TABLE multicase.purchase_order_lines DROP CONSTRAINT IF EXISTS purchase_order_lines_product_id_fkey;
                      ALTER TABLE multicase.products DROP CONSTRAINT IF EXISTS products_product_number_present`);
    const constraints = await env.db.raw(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'multicase.purchase_order_lines'::regclass AND contype IN ('c','f')`,
    );
    for (const { conname } of constraints.rows as Array<{ conname: string }>) {
      if (/quantity_ordered|product_id/.test(conname))
        await env.db.raw(`ALTER TABLE multicase.purchase_order_lines DROP CONSTRAINT "${conname}"`);
    }
    const negative = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 2 }],
    });
    await env
      .db('multicase.purchase_order_lines')
      .where({ position: 1 })
      .whereIn(
        'purchase_order_id',
        env.db('multicase.purchase_orders').select('id').where('purchase_order_number', negative.purchaseOrderNumber),
      )
      .update({ quantity_ordered: -3 });
    const unknown = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 2 }],
    });
    await env
      .db('multicase.purchase_order_lines')
      .whereIn(
        'purchase_order_id',
        env.db('multicase.purchase_orders').select('id').where('purchase_order_number', unknown.purchaseOrderNumber),
      )
      .update({ product_id: 999_999 });
    await env.db('multicase.products').insert({ product_number: '', description: 'no number' });
    const good = await savePurchaseOrder(env.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'COFFEE-500', quantityOrdered: 6 }],
    });

    const poDead = await eventually(
      () => readRecords(env.rt, `dlq.${topics.purchaseOrderChanged.name}`, 2, 2_000),
      (r) =>
        r.some((x) => x.key === negative.purchaseOrderNumber) && r.some((x) => x.key === unknown.purchaseOrderNumber),
      20_000,
      'malformed POs in the DLQ',
    );
    const reason = (key: string) =>
      poDead
        .filter((r) => r.key === key)
        .map((r) => r.headers[DLQ_HEADERS.message])
        .join(' | ');
    expect(reason(negative.purchaseOrderNumber)).toContain(
      `purchase order ${negative.purchaseOrderNumber}: field lines[0].quantityOrdered must be a positive number, got -3`,
    );
    expect(reason(unknown.purchaseOrderNumber)).toContain(
      `purchase order ${unknown.purchaseOrderNumber}: field lines[0].productNumber refers to unknown product id 999999`,
    );
    const productDead = await eventually(
      () => readRecords(env.rt, `dlq.${topics.productChanged.name}`, 1, 2_000),
      (r) => r.length >= 1,
      20_000,
      'nameless product in the DLQ',
    );
    expect(productDead[0]!.headers[DLQ_HEADERS.message]).toMatch(/product row id \d+: field product_number is missing/);
    expect(JSON.parse(productDead[0]!.value!.toString())).toMatchObject({ description: 'no number' });

    await eventually(
      () => env.api.getPurchaseOrders({ purchaseOrderNumber: good.purchaseOrderNumber }),
      (p) => p.length === 1,
      10_000,
      'the good PO in Ongoing',
    );
  });

  it('a row too large for Kafka is dead-lettered (cut, flagged) and the rows after it flow', async () => {
    await createProduct(env.db, {
      productNumber: 'HUGE-1',
      description: 'a product with a novel attached',
      description2: 'x'.repeat(2_000_000),
    });
    await createProduct(env.db, { productNumber: 'AFTER-HUGE', description: 'saved right after' });
    await eventually(
      () => article('AFTER-HUGE'),
      (a) => a !== undefined,
      20_000,
      'the product after the huge one in Ongoing',
    );
    const dead = await eventually(
      async () =>
        (await readRecords(env.rt, `dlq.${topics.productChanged.name}`, 10, 2_000)).filter((r) => r.key === 'HUGE-1'),
      (r) => r.length >= 1,
      20_000,
      'the huge product in the DLQ',
    );
    expect(dead[0]!.headers[DLQ_HEADERS.message]).toMatch(/too large|larger than/i);
    expect(Number(dead[0]!.headers['dlq.value.truncated'])).toBeGreaterThan(2_000_000);
    expect(await article('HUGE-1')).toBeUndefined();
  });
});
