/**
 * Goods received in the warehouse on a purchase order the integration created. The receipt carries
 * the total received so far per warehouse line; what is booked is the difference to what the fact
 * ledger says was accounted for, so partial receipts add up and a repeat books nothing. The goods
 * are on the shelf, so they are always booked; what the purchase order cannot take is raised as an
 * exception for purchasing:
 *
 * - on a line of the order: stock, stock history and the line's received quantity; more than
 *   ordered → over_receipt; the order closed or cancelled → receipt_after_close (its status kept);
 *   a correction down is booked in full, releasing allocation if need be (stock-falls.ts);
 * - on a row the order does not have, or of another article: stock and stock history referencing
 *   the order, no line added (that would send the order back to Ongoing) → received_not_on_purchase_order;
 * - no such Multicase purchase order: an unplanned receipt (receipts.ts).
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst, readRows } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta } from './fact-ledger.js';
import {
  bookReceivedChange,
  bookUnplannedReceipt,
  ledgerLineOf,
  raiseNotStocked,
  roundedLines,
  stockedProduct,
  type ReceivedLine,
  type WarehouseReceipt,
} from './receipts.js';
import { tables, type PurchaseOrderRow, type PurchaseOrderStatus } from './tables.js';
import { roundQuantity } from './values.js';

export type GoodsReceipt = WarehouseReceipt;

const LINE = {
  ...pick(tables.purchase_order_lines, 'id', 'position', 'product_id', 'quantity_ordered', 'quantity_received'),
  ...pick(tables.products, 'product_number'),
};
type PurchaseOrderLine = ReturnType<typeof readRows<typeof LINE>>[number];

async function lockPurchaseOrder(trx: MulticaseTransaction, purchaseOrderNumber: string) {
  const po = readFirst(
    tables.purchase_orders,
    await trx('multicase.purchase_orders').where('purchase_order_number', purchaseOrderNumber).forUpdate().first(),
  );
  if (!po) return undefined;
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

/** A purchase order Multicase no longer expects goods on. */
const isClosed = (po: PurchaseOrderRow) => (['cancelled', 'closed'] as string[]).includes(po.status);

export async function bookGoodsReceipt(trx: MulticaseTransaction, receipt: GoodsReceipt, by: RaisedBy): Promise<void> {
  if (receipt.notOurs !== null)
    return bookUnplannedReceipt(trx, receipt, { fact: 'receipt', notOurs: receipt.notOurs }, by);
  const locked = await lockPurchaseOrder(trx, receipt.ongoingNumber);
  if (!locked) {
    const notOurs = `Ongoing purchase order ${receipt.ongoingNumber} has no Multicase purchase order of that number`;
    return bookUnplannedReceipt(trx, receipt, { fact: 'receipt', notOurs }, by);
  }
  const { po, lines } = locked;
  const byPosition = new Map(lines.map((l) => [l.position, l]));
  for (const l of roundedLines(receipt.lines)) {
    const onOrder = l.position === null ? undefined : byPosition.get(l.position);
    const line = onOrder?.product_number === l.productNumber ? onOrder : undefined;
    if (line) await bookOnLine(trx, receipt, po, line, l, by);
    else await bookOffOrder(trx, receipt, po, l, onOrder, by);
  }
  if (isClosed(po)) return;
  const complete = lines.every((l) => l.quantity_received >= l.quantity_ordered);
  const any = lines.some((l) => l.quantity_received > 0);
  const status: PurchaseOrderStatus = complete ? 'received' : any ? 'partly_received' : 'open';
  if (status !== po.status) await trx('multicase.purchase_orders').where('id', po.id).update({ status });
}

/** Goods on a line of the order: its received quantity follows the warehouse's total. */
async function bookOnLine(
  trx: MulticaseTransaction,
  receipt: GoodsReceipt,
  po: PurchaseOrderRow,
  line: PurchaseOrderLine,
  l: ReceivedLine,
  by: RaisedBy,
): Promise<void> {
  const ledger = ledgerLineOf('receipt', receipt, l, line.product_id);
  const { delta } = await lineDelta(trx, ledger, l.totalReceived, line.quantity_received);
  if (delta === 0) return;
  const before = line.quantity_received;
  const after = roundQuantity(Math.max(0, before + delta));
  await trx('multicase.purchase_order_lines').where('id', line.id).update({ quantity_received: after });
  line.quantity_received = after;
  const n = po.purchase_order_number;
  await bookReceivedChange(
    trx,
    {
      productId: line.product_id,
      warehouseId: po.warehouse_id,
      delta,
      kind: 'receipt',
      reference: n,
      causeIn: 'goods received',
      eventId: by.eventId,
    },
    {
      document: { type: 'purchase_order', number: n },
      purchaseOrderId: po.id,
      productNumber: l.productNumber,
      what: `The warehouse corrected what it received of ${l.productNumber} on purchase order ${n} line ${line.position} down by ${-delta} (to ${after})`,
    },
    by,
  );
  const raise = (kind: 'receipt_after_close' | 'over_receipt', reason: string) =>
    raiseException(
      trx,
      {
        kind,
        document: { type: 'purchase_order', number: n },
        purchaseOrderId: po.id,
        productId: line.product_id,
        warehouseId: po.warehouse_id,
        expected: line.quantity_ordered,
        reported: after,
        booked: delta,
        reason,
        details: { position: line.position, rowNumber: l.rowNumber },
      },
      by,
    );
  if (delta > 0 && isClosed(po))
    await raise(
      'receipt_after_close',
      `${delta} × ${l.productNumber} received on purchase order ${n} line ${line.position} after it was ${po.status} (${after} of ${line.quantity_ordered} received so far): booked into stock, the order stays ${po.status}.`,
    );
  else if (delta > 0 && before <= line.quantity_ordered && after > line.quantity_ordered)
    await raise(
      'over_receipt',
      `Purchase order ${n} line ${line.position}: ${after} × ${l.productNumber} received, ${line.quantity_ordered} ordered: all booked into stock, ${roundQuantity(after - line.quantity_ordered)} more than ordered.`,
    );
  await accountFor(trx, ledger, l.totalReceived, by.eventId);
}

/** Goods on a row the order does not have, or of another article than its line: booked, not added to the order. */
async function bookOffOrder(
  trx: MulticaseTransaction,
  receipt: GoodsReceipt,
  po: PurchaseOrderRow,
  l: ReceivedLine,
  onOrder: PurchaseOrderLine | undefined,
  by: RaisedBy,
): Promise<void> {
  const productId = await stockedProduct(trx, l.productNumber);
  const ledger = ledgerLineOf('receipt', receipt, l, productId ?? null);
  const { delta } = await lineDelta(trx, ledger, l.totalReceived);
  if (delta === 0) return;
  const n = po.purchase_order_number;
  const document = { type: 'purchase_order' as const, number: n };
  const where = onOrder
    ? `on line ${onOrder.position}, which holds ${onOrder.product_number}`
    : `on row ${l.rowNumber ?? '?'}, which the order does not have`;
  if (productId === undefined) await raiseNotStocked(trx, { document, purchaseOrderId: po.id }, l, delta, by);
  else {
    await bookReceivedChange(
      trx,
      {
        productId,
        warehouseId: po.warehouse_id,
        delta,
        kind: 'receipt',
        reference: n,
        causeIn: `received ${where}`,
        eventId: by.eventId,
      },
      {
        document,
        purchaseOrderId: po.id,
        productNumber: l.productNumber,
        what: `The warehouse corrected what it received of ${l.productNumber} on purchase order ${n} (${where}) down by ${-delta}`,
      },
      by,
    );
    if (delta > 0)
      await raiseException(
        trx,
        {
          kind: 'received_not_on_purchase_order',
          document,
          purchaseOrderId: po.id,
          productId,
          warehouseId: po.warehouse_id,
          expected: onOrder ? 0 : null,
          reported: l.totalReceived,
          booked: delta,
          reason: `${delta} × ${l.productNumber} received on purchase order ${n} ${where} (${l.totalReceived} so far): booked into stock, no line added.`,
          details: { rowNumber: l.rowNumber, position: l.position },
        },
        by,
      );
  }
  await accountFor(trx, ledger, l.totalReceived, by.eventId);
}
