/**
 * The go-live step of a real installation, for the local stack: the warehouse takes over the
 * stock Multicase holds. A fresh simulator has no stock; once flow 1 has created the articles,
 * each stocked product of the Ongoing warehouse gets Multicase's on-hand quantity in Ongoing, as
 * an opening balance (no inventory adjustment, so nothing flows back). A warehouse that already
 * holds stock is left alone: the two systems have moved together since their own opening.
 */
import type { Knex } from 'knex';
import type { OngoingApi } from '../../../connectors/ongoing/api/client.js';
import type { SimulatorControl } from '../ongoing-simulator/control.js';

export async function openingStock(
  db: Knex,
  api: OngoingApi,
  control: SimulatorControl,
  warehouse: string,
  timeoutMs = 60_000,
): Promise<number> {
  const stocked: { product_number: string; quantity: string }[] = await db('multicase.stock as s')
    .join('multicase.products as p', 'p.id', 's.product_id')
    .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
    .where('w.code', warehouse)
    .where('s.quantity', '>', 0)
    .select('p.product_number', 's.quantity');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const articles = await api.getAllArticles();
    if (articles.some((a) => (a.inventoryInfo?.numberOfItems ?? 0) !== 0)) return 0;
    const known = new Set(articles.map((a) => a.articleNumber));
    if (stocked.every((s) => known.has(s.product_number))) break;
    if (Date.now() > deadline)
      throw new Error(
        `opening stock: ${stocked.filter((s) => !known.has(s.product_number)).length} stocked products did not reach Ongoing as articles within ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
  if (stocked.length === 0) return 0;
  await control.adjustStock({
    adjustments: stocked.map((s) => ({ articleNumber: s.product_number, numberOfItems: Number(s.quantity) })),
    recordAdjustment: false,
  });
  return stocked.length;
}
