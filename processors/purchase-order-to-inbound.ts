/**
 * Flow 2, purchase orders: a saved Multicase purchase order becomes an Ongoing purchase (inbound)
 * order, so the warehouse expects the goods. Changes are re-sent while the order is open or partly
 * received; a cancelled order cancels it in Ongoing; a fully received one needs nothing more.
 *
 * Only purchase orders of the warehouse Ongoing runs go there (MULTICASE_ONGOING_WAREHOUSE); one
 * moved to another warehouse after it was sent is cancelled in Ongoing.
 *
 * Ongoing refuses lines for articles it does not know, and products travel on their own schedule,
 * so a line whose article has not reached Ongoing yet (no id-map entry) makes the order wait for it,
 * ID_MAP_GRACE_MS at most, instead of being refused.
 */
import { idMapKey, topics } from '../schemas/catalog.js';
import type { PurchaseOrderChanged, PurchaseOrderUpsert } from '../schemas/types.generated.js';
import { ValidationError } from '../runtime/errors.js';
import { requireArticlesInOngoing, type Lookups, type ProcessorSpec } from './processor.js';
import { requirePositive, requireText, requireUnique } from './validate.js';

export function purchaseOrderToInbound(
  event: PurchaseOrderChanged,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse'>,
): PurchaseOrderUpsert | null {
  const po = event.after;
  if (po === null || po.status === 'received') return null;
  const record = `purchase order ${event.entityKey}`;
  const number = requireText(record, 'purchaseOrderNumber', po.purchaseOrderNumber);
  if (!['open', 'partly_received', 'cancelled'].includes(po.status))
    throw new ValidationError(record, 'status', `is unknown: ${po.status}`);
  const elsewhere = po.warehouseCode !== lookups.integratedWarehouse;
  // Another warehouse's: nothing for Ongoing, unless it was sent there before it moved.
  if (elsewhere && !lookups.idMap.get(idMapKey('ongoing', 'purchaseOrder', number))) return null;
  const cancel = po.status === 'cancelled' || elsewhere;
  if (!cancel && po.lines.length === 0) throw new ValidationError(record, 'lines', 'is empty');
  requireUnique(record, 'lines', po.lines, (l) => l.position);
  const lines = po.lines.map((l, i) => ({
    rowNumber: String(l.position),
    articleNumber: requireText(record, `lines[${i}].productNumber`, l.productNumber),
    numberOfItems: requirePositive(record, `lines[${i}].quantityOrdered`, l.quantityOrdered),
  }));
  if (!cancel) requireArticlesInOngoing(record, lines, lookups);
  return {
    purchaseOrderNumber: number,
    cancel,
    supplierNumber: po.supplierNumber,
    supplierName: po.supplierName,
    inDate: po.expectedDate,
    referenceNumber: po.reference,
    comment: po.note,
    isReturn: null,
    lines,
  };
}

export const purchaseOrderToInboundProcessor: ProcessorSpec<PurchaseOrderChanged> = {
  name: 'processor.purchase-order-to-inbound',
  input: topics.purchaseOrderChanged,
  output: topics.purchaseOrderUpsert,
  map: (event, lookups) => purchaseOrderToInbound(event, lookups),
};
