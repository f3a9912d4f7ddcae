/**
 * Flows 4 and 6 in the benchmark, at the default poll intervals: a picking list sent in Multicase
 * until the order is in Ongoing (NOTIFY wakes the source), and an order shipped in Ongoing until
 * its invoice is in Multicase (Ongoing is polled every ONGOING_SHIPMENT_POLL_MS, 30 s by default,
 * so about half of that is the expected wait).
 */
import { createSalesOrder, sendOrderToWarehouse } from '../../infra/local/multicase-db/actions.js';
import type { TestEnvironment } from '../support/environment.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `pollMs` until it holds; throws after `timeoutMs`. */
export async function until(probe: () => Promise<boolean>, pollMs: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(pollMs);
  }
}

export interface OrderFigures {
  /** Sent in Multicase (committed) → order in Ongoing, ms. */
  sent: number[];
  /** One direct PUT /orders, ms. */
  baseline: number[];
  /** Shipped in Ongoing → invoice in Multicase, ms. */
  shipped: number[];
}

export async function orderLatencies(env: TestEnvironment, n: number): Promise<OrderFigures> {
  const baseline: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await env.api.upsertOrder({
      orderNumber: `BASE-O-${i}`,
      deliveryDate: '2026-12-31',
      consignee: { name: 'Bench', countryCode: 'NO' },
      orderLines: [{ rowNumber: '1', articleNumber: 'WOOL-SOCK', numberOfItems: 1 }],
    });
    baseline.push(performance.now() - t0);
  }
  const sent: number[] = [];
  const lists: Array<{ order: string; pickingList: string }> = [];
  for (let i = 0; i < n; i++) {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 'BRING-PIP',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 1, unitPrice: 100 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);
    const t0 = performance.now();
    await until(
      async () => (await env.api.getOrders({ orderNumber: picking.pickingListNumber })).length === 1,
      2,
      30_000,
    );
    sent.push(performance.now() - t0);
    lists.push({ order: order.orderNumber, pickingList: picking.pickingListNumber });
    await sleep(150);
  }
  // Shipped one after another at random moments, so the waits spread over the poll interval.
  const shipped = await Promise.all(
    lists.map(async ({ order, pickingList }, i) => {
      await sleep(i * 1_000 + Math.random() * 1_000);
      await env.control.pickOrder({ orderNumber: pickingList });
      await env.control.shipOrder({ orderNumber: pickingList }, { waybill: `WB-${pickingList}` });
      const t0 = performance.now();
      await until(
        async () => {
          const found = await env
            .db('multicase.invoices as i')
            .join('multicase.sales_orders as o', 'o.id', 'i.sales_order_id')
            .where('o.order_number', order)
            .first('i.id');
          return found !== undefined;
        },
        20,
        120_000,
      );
      return performance.now() - t0;
    }),
  );
  return { sent, baseline, shipped };
}
