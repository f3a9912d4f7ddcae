/**
 * Customer returns received in the warehouse go into stock; a complete return is settled
 * (return-settlement.ts).
 *
 * The receipt carries the total received so far per warehouse line; what is booked is the
 * difference to what the fact ledger says was accounted for, so partial receipts add up and a
 * repeat books nothing. Stock history names the return. The goods are on the shelf, so all of them
 * are booked into stock; the return policy credits only what was announced: a to-stock line
 * records at most its quantity as received, and the rest (more than announced, another article, a
 * line handled in Multicase only) is raised as return_more_than_announced for the user to decide.
 * A return purchase order the integration did not send is an unplanned receipt (receipts.ts).
 */
import type { MulticaseTransaction } from './commands.js';
import { readFirst } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta } from './fact-ledger.js';
import { addOrderHistory } from './order-history.js';
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
import { receiveOnReturnLine, returnLines, type ReturnLine } from './return-lines.js';
import { settleReturn } from './return-settlement.js';
import { tables, type ReturnOrderRow, type ReturnStatus } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

export interface ReturnReceipt extends WarehouseReceipt {
  returnNumber: string;
}

export async function bookReturnReceipt(
  trx: MulticaseTransaction,
  receipt: ReturnReceipt,
  by: RaisedBy,
): Promise<void> {
  if (receipt.notOurs !== null)
    return bookUnplannedReceipt(trx, receipt, { fact: 'return', notOurs: receipt.notOurs }, by);
  const ret = readFirst(
    tables.return_orders,
    await trx('multicase.return_orders').where('return_number', receipt.returnNumber).forUpdate().first(),
  );
  if (!ret) {
    const notOurs = `Ongoing return ${receipt.ongoingNumber} has no Multicase return ${receipt.returnNumber}`;
    return bookUnplannedReceipt(trx, receipt, { fact: 'return', notOurs }, by);
  }
  const lines = await returnLines(trx, ret.id);
  const byPosition = new Map(lines.map((l) => [l.position, l]));
  let stocked: Quantity = 0;
  for (const l of roundedLines(receipt.lines)) {
    const onReturn = l.position === null ? undefined : byPosition.get(l.position);
    const receivable =
      onReturn?.product_number === l.productNumber && onReturn.handling === 'to_stock' ? onReturn : undefined;
    stocked = roundQuantity(stocked + (await bookReturnLine(trx, receipt, ret, receivable, onReturn, l, by)));
  }
  if (stocked !== 0)
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id,
      type: 'returned',
      text: `Return ${receipt.returnNumber}: ${stocked} item(s) received in the warehouse`,
      eventId: by.eventId,
    });
  if (ret.status === 'closed' || ret.status === 'cancelled' || ret.status === 'received') return;
  const toStock = lines.filter((l) => l.handling === 'to_stock');
  const complete = toStock.every((l) => l.quantity_received >= l.quantity);
  const any = toStock.some((l) => l.quantity_received > 0);
  const status: ReturnStatus = complete ? 'received' : any ? 'partly_received' : ret.status;
  if (status !== ret.status)
    await trx('multicase.return_orders').where('id', ret.id).update({ status, updated_at: trx.fn.now() });
  if (complete) await settleReturn(trx, receipt.returnNumber, by.eventId);
}

/** One warehouse line of a return: into stock; credited up to what its line announced. Returns the stock change booked. */
async function bookReturnLine(
  trx: MulticaseTransaction,
  receipt: ReturnReceipt,
  ret: ReturnOrderRow,
  receivable: ReturnLine | undefined,
  onReturn: ReturnLine | undefined,
  l: ReceivedLine,
  by: RaisedBy,
): Promise<Quantity> {
  const productId = receivable?.product_id ?? (await stockedProduct(trx, l.productNumber));
  const ledger = ledgerLineOf('return', receipt, l, productId ?? null);
  const { accounted, delta } = await lineDelta(trx, ledger, l.totalReceived, receivable?.quantity_received ?? 0);
  if (delta === 0) return 0;
  const n = receipt.returnNumber;
  const document = { type: 'return' as const, number: n };
  if (productId === undefined) {
    await raiseNotStocked(trx, { document, returnOrderId: ret.id }, l, delta, by);
    await accountFor(trx, ledger, l.totalReceived, by.eventId);
    return 0;
  }
  const announced = receivable?.quantity ?? 0;
  if (receivable) {
    const credited = roundQuantity(Math.min(Math.max(l.totalReceived, 0), announced));
    if (credited !== receivable.quantity_received) await receiveOnReturnLine(trx, receivable, credited);
  }
  const where = receivable
    ? `on line ${receivable.position}`
    : onReturn
      ? `on line ${onReturn.position}, which ${onReturn.product_number !== l.productNumber ? `holds ${onReturn.product_number}` : `is handled in Multicase (${onReturn.handling})`}`
      : `on row ${l.rowNumber ?? '?'}, which the return does not have`;
  await bookReceivedChange(
    trx,
    {
      productId,
      warehouseId: ret.warehouse_id,
      delta,
      kind: 'return',
      reference: n,
      causeIn: receivable
        ? `returned by the customer${receivable.cause ? `: ${receivable.cause}` : ''}`
        : `returned by the customer ${where}`,
      eventId: by.eventId,
    },
    {
      document,
      returnOrderId: ret.id,
      productNumber: l.productNumber,
      what: `The warehouse corrected what it received of ${l.productNumber} on return ${n} (${where}) down by ${-delta}`,
    },
    by,
  );
  const more = roundQuantity(Math.max(0, l.totalReceived - announced) - Math.max(0, accounted - announced));
  if (more > 0)
    await raiseException(
      trx,
      {
        kind: 'return_more_than_announced',
        document,
        returnOrderId: ret.id,
        salesOrderId: ret.sales_order_id,
        productId,
        warehouseId: ret.warehouse_id,
        expected: announced,
        reported: l.totalReceived,
        booked: delta,
        reason: `Return ${n}: ${l.totalReceived} × ${l.productNumber} received ${where}, ${announced} announced: all booked into stock, ${Math.min(announced, l.totalReceived)} credited; ${roundQuantity(Math.max(0, l.totalReceived - announced))} not credited.`,
        details: { rowNumber: l.rowNumber, position: l.position },
      },
      by,
    );
  await accountFor(trx, ledger, l.totalReceived, by.eventId);
  return delta;
}
