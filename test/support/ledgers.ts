/**
 * The ledger comparison that decides whether the two systems agree after a fault, and the dead
 * letters of a namespace (see fault-world.ts for what each check means).
 */
import type { Knex } from 'knex';
import { DLQ_HEADERS } from '../../runtime/dead-letter.js';
import type { TestEnvironment } from './environment.js';
import { readRecords } from './kafka.js';

type Json = Record<string, any>;
const num = (v: unknown) => Number(v ?? 0);

export interface LedgerReport {
  /** Everything that differs between the systems, one line each; empty when they agree. */
  discrepancies: string[];
  /** Ongoing lines reported beyond what Multicase booked: acknowledged in Ongoing, missing in Multicase. */
  overReported: string[];
  counts: { products: number; articles: number; purchaseOrders: number; receivedInOngoing: number };
}

export async function stockByProduct(db: Knex): Promise<Map<string, number>> {
  const rows: { product_number: string; quantity: string }[] = await db('multicase.stock as s')
    .join('multicase.products as p', 'p.id', 's.product_id')
    .groupBy('p.product_number')
    .select('p.product_number', db.raw('sum(s.quantity) AS quantity'));
  return new Map(rows.map((r) => [r.product_number, num(r.quantity)]));
}

/** Compares the two systems as described at the top of this file. */
export async function compareLedgers(
  db: Knex,
  control: TestEnvironment['control'],
  stockAtStart: Map<string, number>,
): Promise<LedgerReport> {
  const state = await control.state(1);
  const discrepancies: string[] = [];
  const overReported: string[] = [];

  const products: Json[] = await db('multicase.products').whereNot('product_number', '').orderBy('product_number');
  const articles = new Map<string, Json>((state.articles as Json[]).map((a) => [a.articleNumber as string, a]));
  for (const p of products) {
    const a = articles.get(p.product_number);
    if (!a) {
      discrepancies.push(`product ${p.product_number}: no article in Ongoing`);
      continue;
    }
    const want = { articleName: p.description, isStockArticle: !p.is_service, isActive: p.is_active && !p.is_deleted };
    for (const [field, value] of Object.entries(want)) {
      if (a[field] !== value)
        discrepancies.push(
          `product ${p.product_number}: Ongoing ${field} is ${JSON.stringify(a[field])}, Multicase says ${JSON.stringify(value)}`,
        );
    }
  }

  const pos: Json[] = await db('multicase.purchase_orders').orderBy('purchase_order_number');
  const lines: Json[] = await db('multicase.purchase_order_lines as l')
    .join('multicase.products as p', 'p.id', 'l.product_id')
    .select('l.purchase_order_id', 'l.position', 'l.quantity_ordered', 'l.quantity_received', 'p.product_number')
    .orderBy('l.position');
  const ongoingPos = new Map<string, Json>(
    (state.purchaseOrders as Json[]).map((p) => [p.purchaseOrderInfo.purchaseOrderNumber as string, p]),
  );
  const receivedPerArticle = new Map<string, number>();
  let receivedInOngoing = 0;
  for (const po of pos) {
    const n = po.purchase_order_number as string;
    const og = ongoingPos.get(n);
    const cancelled = po.status === 'cancelled';
    if (!og) {
      if (!cancelled) discrepancies.push(`purchase order ${n}: not in Ongoing`);
      continue;
    }
    const ogStatus = num(og.purchaseOrderInfo.purchaseOrderStatus?.number);
    if (cancelled !== (ogStatus === 900))
      discrepancies.push(`purchase order ${n}: Multicase status ${po.status}, Ongoing status ${ogStatus}`);
    const mine = lines.filter((l) => l.purchase_order_id === po.id);
    const theirs = new Map<string, Json>((og.purchaseOrderLines as Json[]).map((l) => [String(l.rowNumber), l]));
    for (const l of mine) {
      const row = String(l.position);
      const ol = theirs.get(row);
      theirs.delete(row);
      if (!ol) {
        discrepancies.push(`purchase order ${n} line ${row}: not in Ongoing`);
        continue;
      }
      if (ol.article?.articleNumber !== l.product_number)
        discrepancies.push(
          `purchase order ${n} line ${row}: Ongoing article ${ol.article?.articleNumber}, Multicase product ${l.product_number}`,
        );
      if (num(ol.advisedNumberOfItems) !== num(l.quantity_ordered))
        discrepancies.push(
          `purchase order ${n} line ${row}: Ongoing advised ${ol.advisedNumberOfItems}, Multicase ordered ${num(l.quantity_ordered)}`,
        );
      const received = num(ol.receivedNumberOfItems);
      const reported = num(ol.reportedNumberOfItems);
      const booked = num(l.quantity_received);
      receivedInOngoing += received;
      receivedPerArticle.set(l.product_number, (receivedPerArticle.get(l.product_number) ?? 0) + received);
      if (booked !== received)
        discrepancies.push(
          `purchase order ${n} line ${row}: received ${received} in Ongoing, booked ${booked} in Multicase`,
        );
      if (reported !== received)
        discrepancies.push(
          `purchase order ${n} line ${row}: reported ${reported} of ${received} received in Ongoing (still to report)`,
        );
      if (reported > booked)
        overReported.push(
          `purchase order ${n} line ${row}: reported ${reported} in Ongoing, booked only ${booked} in Multicase`,
        );
    }
    for (const row of theirs.keys())
      discrepancies.push(`purchase order ${n} line ${row}: in Ongoing, not in Multicase`);
  }
  for (const og of state.purchaseOrders as Json[]) {
    const n = og.purchaseOrderInfo.purchaseOrderNumber as string;
    if (!pos.some((p) => p.purchase_order_number === n))
      discrepancies.push(`purchase order ${n}: in Ongoing, not in Multicase`);
  }

  const stock = await stockByProduct(db);
  for (const number of new Set([...stock.keys(), ...receivedPerArticle.keys()])) {
    const moved = (stock.get(number) ?? 0) - (stockAtStart.get(number) ?? 0);
    const received = receivedPerArticle.get(number) ?? 0;
    if (moved !== received)
      discrepancies.push(`product ${number}: Multicase stock moved by ${moved}, Ongoing received ${received}`);
  }

  return {
    discrepancies,
    overReported,
    counts: { products: products.length, articles: articles.size, purchaseOrders: pos.length, receivedInOngoing },
  };
}

export async function deadLettersOf(env: TestEnvironment): Promise<string[]> {
  const admin = await env.rt.kafka.admin();
  const found: { topic: string; count: number }[] = [];
  try {
    for (const topic of (await admin.listTopics()).filter((t) => t.startsWith('dlq.'))) {
      const count = (await admin.endOffsets(topic)).reduce((s, p) => s + Number(p.offset), 0);
      if (count > 0) found.push({ topic, count });
    }
  } finally {
    await admin.disconnect();
  }
  const out: string[] = [];
  for (const { topic, count } of found) {
    const records = await readRecords(env.rt, topic, count, 5_000);
    for (const r of records)
      out.push(
        `${topic} key=${r.key} ${r.headers[DLQ_HEADERS.errorClass]} (stage ${r.headers[DLQ_HEADERS.stage]}): ${r.headers[DLQ_HEADERS.message]}`,
      );
    if (records.length < count) out.push(`${topic}: ${count - records.length} more dead letter(s) not read`);
  }
  return out;
}
