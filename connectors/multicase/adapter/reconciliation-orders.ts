/**
 * What Multicase has booked for the warehouse's outbound orders, for the stock reconciliation
 * (pipeline/ops/reconcile-in-flight.ts), per Ongoing order number and article: what the fact ledger
 * accounted for on its lines (shipped, and taken back by the warehouse), which covers orders the
 * pipeline did not create and back orders the warehouse made; for an order shipped before the
 * ledger existed, what its picking list delivered.
 */
import type { MulticaseTransaction } from './commands.js';
import { accountedPerDocument } from './fact-ledger.js';
import { deliveredOnPickingLists, type BookedQuantity } from './reconciliation.js';

/** Flow 6: shipped per Ongoing order, as positive quantities. */
export async function shippedOnOrders(
  trx: MulticaseTransaction,
  warehouse: string,
  orderNumbers: string[],
): Promise<BookedQuantity[]> {
  const ledger = await accountedPerDocument(trx, 'shipment', orderNumbers);
  const inLedger = new Set(ledger.map((d) => d.document));
  const before = orderNumbers.filter((n) => !inLedger.has(n));
  return [...ledger, ...(before.length > 0 ? await deliveredOnPickingLists(trx, warehouse, before) : [])];
}

/** Flow 7: taken back by the warehouse per Ongoing order (returns it registered on the order), positive. */
export const returnedOnOrders = (
  trx: MulticaseTransaction,
  _warehouse: string,
  orderNumbers: string[],
): Promise<BookedQuantity[]> => accountedPerDocument(trx, 'order-return', orderNumbers);
