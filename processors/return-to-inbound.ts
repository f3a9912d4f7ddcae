/**
 * Flow 7, to the warehouse: a customer return a Multicase user sent to the warehouse becomes an
 * inbound receipt in Ongoing: a purchase order marked as a return, numbered by the return number
 * with the return prefix (returnInOngoing: returns have a key space of their own in Ongoing and in
 * the id map), with the customer as the sender. It needs no Ongoing order id, so one return can
 * cover goods from several picking lists.
 *
 * - Only lines to be placed in stock go; lines handled in Multicase only (scrapped, sent for repair)
 *   never reach Ongoing. A return with none has nothing for the warehouse.
 * - Registered (not sent yet) and fully received returns need nothing; a cancelled one, or one
 *   closed by the user before anything arrived, is cancelled in Ongoing when it was sent there.
 * - Only the warehouse Ongoing runs (MULTICASE_ONGOING_WAREHOUSE).
 * - A line whose article has not reached Ongoing yet waits for it, ID_MAP_GRACE_MS at most.
 */
import { returnInOngoing, topics } from '../schemas/catalog.js';
import type { PurchaseOrderUpsert, ReturnOrderChanged } from '../schemas/types.generated.js';
import { ValidationError } from '../runtime/errors.js';
import { requireArticlesInOngoing, type Lookups, type ProcessorSpec } from './processor.js';
import { requirePositive, requireText, requireUnique } from './validate.js';

const STATUSES = ['registered', 'sent_to_warehouse', 'partly_received', 'received', 'closed', 'cancelled'];
const HANDLINGS = ['to_stock', 'scrap', 'repair'];

export function returnToInbound(
  event: ReturnOrderChanged,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse' | 'returnNumberPrefix'>,
): PurchaseOrderUpsert | null {
  const r = event.after;
  if (r === null) return null;
  const record = `return ${event.entityKey}`;
  const number = requireText(record, 'returnNumber', r.returnNumber);
  if (!STATUSES.includes(r.status)) throw new ValidationError(record, 'status', `is unknown: ${r.status}`);
  if (r.status === 'registered' || r.status === 'received') return null;
  requireUnique(record, 'lines', r.lines, (l) => l.position);
  r.lines.forEach((l, i) => {
    if (l.handling !== null && !HANDLINGS.includes(l.handling))
      throw new ValidationError(record, `lines[${i}].handling`, `is unknown: ${l.handling}`);
  });
  const toStock = r.lines.filter((l) => (l.handling ?? 'to_stock') === 'to_stock');
  const inOngoing = returnInOngoing(number, lookups.returnNumberPrefix);
  const sent = lookups.idMap.get(inOngoing.idMapKey) !== undefined;
  const nothingArrived = toStock.every((l) => (l.quantityReceived ?? 0) === 0);
  const elsewhere = r.warehouseCode !== lookups.integratedWarehouse;
  const cancel =
    r.status === 'cancelled' || (r.status === 'closed' && nothingArrived) || elsewhere || toStock.length === 0;
  if (cancel && !sent) return null;
  // Closed after goods arrived: what came stays booked; the rest is Multicase's to settle.
  if (r.status === 'closed' && !cancel) return null;
  const lines = toStock.map((l) => {
    const i = r.lines.indexOf(l);
    return {
      rowNumber: String(l.position),
      articleNumber: requireText(record, `lines[${i}].productNumber`, l.productNumber),
      numberOfItems: requirePositive(record, `lines[${i}].quantity`, l.quantity),
    };
  });
  if (!cancel)
    requireArticlesInOngoing(record, lines, lookups, (i) => `lines[${r.lines.indexOf(toStock[i]!)}].productNumber`);
  return {
    purchaseOrderNumber: inOngoing.purchaseOrderNumber,
    cancel,
    isReturn: true,
    supplierNumber: r.customerNumber,
    supplierName: r.customerName,
    inDate: null,
    referenceNumber: r.orderNumber,
    comment: r.reason,
    purchaseOrderRemark: null,
    close: false,
    lines,
  };
}

export const returnToInboundProcessor: ProcessorSpec<ReturnOrderChanged> = {
  name: 'processor.return-to-inbound',
  input: topics.returnOrderChanged,
  output: topics.purchaseOrderUpsert,
  map: (event, lookups) => returnToInbound(event, lookups),
};
