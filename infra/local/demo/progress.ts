/** One progress line for `npm start`, read from this process's own metrics and the Multicase database. */
import type { Knex } from 'knex';
import type { Histogram } from 'prom-client';
import { exceptionsRaised } from '../../../connectors/multicase/adapter/exceptions.js';
import type { OngoingApi } from '../../../connectors/ongoing/api/client.js';
import { metrics } from '../../../runtime/metrics.js';
import type { Runtime } from '../../../runtime/runtime.js';

async function sum(
  counter: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, string | number> }> }> },
  where: Record<string, string> = {},
): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((v) => Object.entries(where).every(([k, x]) => String(v.labels[k]) === x))
    .reduce((s, v) => s + v.value, 0);
}

/** Quantile estimated from histogram buckets (upper bound of the bucket holding it), as Prometheus does roughly. */
export async function histogramQuantile(h: Histogram, q: number): Promise<{ value: number | null; count: number }> {
  const { values } = await h.get();
  const buckets = new Map<number, number>();
  let count = 0;
  for (const v of values) {
    if (v.metricName?.endsWith('_bucket')) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    } else if (v.metricName?.endsWith('_count')) count += v.value;
  }
  if (count === 0) return { value: null, count };
  const rank = q * count;
  for (const [le, c] of [...buckets].sort((a, b) => a[0] - b[0])) if (c >= rank) return { value: le, count };
  return { value: Infinity, count };
}

export function demoProgress(deps: { db: Knex; api: OngoingApi; rt: Runtime; actions: () => number; e2e: Histogram }) {
  const started = Date.now();
  return async (): Promise<string> => {
    const t = Math.round((Date.now() - started) / 1000);
    const clock = `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    const [events, articles, pos, orders, receipts, shipments, returns, adjustments, exceptions, dead, p50, p99] =
      await Promise.all([
        sum(metrics.sourceEvents),
        sum(metrics.recordsIn, { stage: 'sink.ongoing.article' }),
        sum(metrics.recordsIn, { stage: 'sink.ongoing.purchase-order' }),
        sum(metrics.recordsIn, { stage: 'sink.ongoing.order' }),
        sum(metrics.recordsIn, { stage: 'sink.multicase.receipt-booking' }),
        sum(metrics.recordsIn, { stage: 'sink.multicase.shipment-invoice' }),
        sum(metrics.recordsIn, { stage: 'sink.multicase.return-booking' }),
        sum(metrics.recordsIn, { stage: 'sink.multicase.stock-adjustment' }),
        sum(exceptionsRaised),
        sum(metrics.deadLettered),
        histogramQuantile(deps.e2e, 0.5),
        histogramQuantile(deps.e2e, 0.99),
      ]);
    const booked = (await deps
      .db('multicase.stock_transactions')
      .where('kind', 'receipt')
      .sum({ s: 'quantity_change' })
      .first()) as { s: string | null } | undefined;
    const credits = (await deps.db('multicase.credit_notes').count({ n: '*' }).first()) as { n: string } | undefined;
    const fmt = (v: number | null) => (v === null ? '–' : v === Infinity ? '>120 s' : `≤${v} s`);
    return (
      `[${clock}] generator ${deps.actions()} actions | source events ${events} | articles→Ongoing ${articles} | POs→Ongoing ${pos} | orders→Ongoing ${orders} | ` +
      `receipts→Multicase ${receipts} (${Number(booked?.s ?? 0)} units in stock history) | shipments→invoices ${shipments} | returns→Multicase ${returns} (${Number(credits?.n ?? 0)} credit notes) | ` +
      `adjustments→Multicase ${adjustments} | exceptions raised ${exceptions} | dead letters ${dead} | ` +
      `end-to-end p50 ${fmt(p50.value)} p99 ${fmt(p99.value)} (n=${p50.count})`
    );
  };
}
