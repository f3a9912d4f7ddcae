/**
 * Flow 2, purchase orders: a saved Multicase purchase order becomes an Ongoing purchase (inbound)
 * order, so the warehouse expects the goods. Changes are re-sent while the order is open or partly
 * received; a cancelled order cancels it in Ongoing; a fully received one needs nothing more.
 */
import { topics } from '../schemas/catalog.js';
import type { PurchaseOrderChanged, PurchaseOrderUpsert } from '../schemas/types.generated.js';
import { ValidationError } from '../runtime/errors.js';
import type { ProcessorSpec } from './processor.js';
import { requirePositive, requireText, requireUnique } from './validate.js';

export function purchaseOrderToInbound(event: PurchaseOrderChanged): PurchaseOrderUpsert | null {
  const po = event.after;
  if (po === null || po.status === 'received') return null;
  const record = `purchase order ${event.entityKey}`;
  const number = requireText(record, 'purchaseOrderNumber', po.purchaseOrderNumber);
  if (!['open', 'partly_received', 'cancelled'].includes(po.status)) throw new ValidationError(record, 'status', `is unknown: ${po.status}`);
  const cancel = po.status === 'cancelled';
  if (!cancel && po.lines.length === 0) throw new ValidationError(record, 'lines', 'is empty');
  requireUnique(record, 'lines', po.lines, (l) => l.position);
  return {
    purchaseOrderNumber: number,
    cancel,
    supplierNumber: po.supplierNumber,
    supplierName: po.supplierName,
    inDate: po.expectedDate,
    referenceNumber: po.reference,
    comment: po.note,
    lines: po.lines.map((l, i) => ({
      rowNumber: String(l.position),
      articleNumber: requireText(record, `lines[${i}].productNumber`, l.productNumber),
      numberOfItems: requirePositive(record, `lines[${i}].quantityOrdered`, l.quantityOrdered),
    })),
  };
}

export const purchaseOrderToInboundProcessor: ProcessorSpec<PurchaseOrderChanged> = {
  name: 'processor.purchase-order-to-inbound',
  input: topics.purchaseOrderChanged,
  output: topics.purchaseOrderUpsert,
  map: (event) => purchaseOrderToInbound(event),
};
