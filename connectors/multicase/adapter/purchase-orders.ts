/**
 * Goods received in the warehouse against a purchase order. The receipt carries the total received
 * so far per position; the booking is the difference to what Multicase already has, so partial
 * receipts add up and a repeated receipt books nothing. Stock and stock history change together
 * (bookStockMovement), and the purchase order becomes partly received or received, unless it was
 * cancelled or closed.
 */
import { UnmappableError, ValidationError } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst, readRows } from './columns.js';
import { bookStockMovement } from './stock.js';
import { tables, type PurchaseOrderStatus } from './tables.js';
import type { Quantity } from './values.js';

export interface GoodsReceipt {
  purchaseOrderNumber: string;
  /** Totals received so far per purchase-order position. */
  lines: readonly { position: number; productNumber: string; totalReceived: Quantity }[];
}

const LINE = {
  ...pick(tables.purchase_order_lines, 'id', 'position', 'product_id', 'quantity_ordered', 'quantity_received'),
  ...pick(tables.products, 'product_number'),
};

async function lockPurchaseOrder(trx: MulticaseTransaction, purchaseOrderNumber: string, record: string) {
  const po = readFirst(
    tables.purchase_orders,
    await trx('multicase.purchase_orders').where('purchase_order_number', purchaseOrderNumber).forUpdate().first(),
  );
  if (!po) throw new UnmappableError(`${record}: field purchaseOrderNumber is not a Multicase purchase order`);
  const lines = readRows(
    LINE,
    await trx('multicase.purchase_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('l.purchase_order_id', po.id)
      .forUpdate('l')
      .select('l.id', 'l.position', 'l.product_id', 'l.quantity_ordered', 'l.quantity_received', 'p.product_number'),
  );
  return { po, lines };
}

export async function bookGoodsReceipt(
  trx: MulticaseTransaction,
  receipt: GoodsReceipt,
  eventId: string,
): Promise<void> {
  const record = `receipt booking for purchase order ${receipt.purchaseOrderNumber}`;
  const { po, lines } = await lockPurchaseOrder(trx, receipt.purchaseOrderNumber, record);
  const byPosition = new Map(lines.map((l) => [l.position, l]));

  for (const [i, r] of receipt.lines.entries()) {
    const line = byPosition.get(r.position);
    if (!line)
      throw new ValidationError(record, `lines[${i}].position`, `${r.position} is not a line of the purchase order`);
    if (line.product_number !== r.productNumber) {
      throw new ValidationError(
        record,
        `lines[${i}].productNumber`,
        `is ${r.productNumber}, but position ${r.position} holds ${line.product_number}`,
      );
    }
    const delta = r.totalReceived - line.quantity_received;
    if (delta === 0) continue;
    await trx('multicase.purchase_order_lines').where('id', line.id).update({ quantity_received: r.totalReceived });
    line.quantity_received = r.totalReceived;
    await bookStockMovement(trx, {
      productId: line.product_id,
      warehouseId: po.warehouse_id,
      quantityChange: delta,
      // The warehouse lowered what it had received: a correction, not a receipt.
      kind: delta > 0 ? 'receipt' : 'correction',
      reference: receipt.purchaseOrderNumber,
      cause: delta > 0 ? 'goods received' : 'received quantity corrected in the warehouse',
      eventId,
    });
  }

  // A closed purchase order stays closed: what arrives after it was closed short is booked into
  // stock above, but does not reopen what the user finished.
  if (po.status === 'cancelled' || po.status === 'closed') return;
  const complete = lines.every((l) => l.quantity_received >= l.quantity_ordered);
  const any = lines.some((l) => l.quantity_received > 0);
  const status: PurchaseOrderStatus = complete ? 'received' : any ? 'partly_received' : 'open';
  if (status !== po.status) await trx('multicase.purchase_orders').where('id', po.id).update({ status });
}
