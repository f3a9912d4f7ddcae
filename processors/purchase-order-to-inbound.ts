/**
 * Flow 2, purchase orders: a saved Multicase purchase order becomes an Ongoing purchase (inbound)
 * order, so the warehouse expects the goods. Changes are re-sent while the order is open or partly
 * received; a cancelled order cancels it in Ongoing; a fully received one needs nothing more.
 *
 * Closed short (status closed: the user expects nothing more, or cancelled it after goods arrived):
 * the lines advise exactly what was received (a line with nothing received advises 0), so Ongoing
 * expects nothing more, and the command says `close` so that the sink also sets Ongoing's status
 * for a finished purchase order. One closed with nothing received at all is cancelled instead.
 *
 * Only purchase orders of the warehouse Ongoing runs go there (MULTICASE_ONGOING_WAREHOUSE); one
 * of another warehouse becomes a cancel, always: the Ongoing sink, which sees the commands of one
 * purchase order in order, knows whether it was ever sent there (and makes no call when not).
 *
 * Ongoing refuses lines for articles it does not know, and products travel on their own schedule,
 * so a line whose article has not reached Ongoing yet (no id-map entry) makes the order wait for it,
 * ID_MAP_GRACE_MS at most, instead of being refused.
 */
import { topics } from '../schemas/catalog.js';
import type { PurchaseOrderChanged, PurchaseOrderUpsert } from '../schemas/types.generated.js';
import { ValidationError } from '../runtime/errors.js';
import { requireArticlesInOngoing, type Lookups, type ProcessorSpec } from './processor.js';
import { requireNonNegative, requirePositive, requireText, requireUnique } from './validate.js';

export function purchaseOrderToInbound(
  event: PurchaseOrderChanged,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse'>,
): PurchaseOrderUpsert | null {
  const po = event.after;
  if (po === null || po.status === 'received') return null;
  const record = `purchase order ${event.entityKey}`;
  const number = requireText(record, 'purchaseOrderNumber', po.purchaseOrderNumber);
  if (!['open', 'partly_received', 'closed', 'cancelled'].includes(po.status))
    throw new ValidationError(record, 'status', `is unknown: ${po.status}`);
  const elsewhere = po.warehouseCode !== lookups.integratedWarehouse;
  const nothingReceived = po.lines.every((l) => l.quantityReceived === 0);
  const cancel = po.status === 'cancelled' || elsewhere || (po.status === 'closed' && nothingReceived);
  const close = po.status === 'closed' && !cancel;
  if (!cancel && po.lines.length === 0) throw new ValidationError(record, 'lines', 'is empty');
  requireUnique(record, 'lines', po.lines, (l) => l.position);
  const lines = po.lines.map((l, i) => ({
    rowNumber: String(l.position),
    articleNumber: requireText(record, `lines[${i}].productNumber`, l.productNumber),
    numberOfItems: close
      ? requireNonNegative(record, `lines[${i}].quantityReceived`, l.quantityReceived)
      : requirePositive(record, `lines[${i}].quantityOrdered`, l.quantityOrdered),
  }));
  if (!cancel) requireArticlesInOngoing(record, lines, lookups);
  return {
    purchaseOrderNumber: number,
    cancel,
    close,
    supplierNumber: po.supplierNumber,
    supplierName: po.supplierName,
    inDate: po.expectedDate,
    referenceNumber: po.reference,
    comment: po.note,
    purchaseOrderRemark: po.deliveryText,
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
