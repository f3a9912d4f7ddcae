/**
 * Customer returns received in the warehouse go into stock; a complete return is settled
 * (return-settlement.ts).
 *
 * The receipt carries the total received so far per return line (to-stock lines only: the others
 * never went to the warehouse); the booking is the difference to what Multicase has, so partial
 * receipts add up and a repeated receipt books nothing. Stock history names the return.
 */
import { UnmappableError, ValidationError } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { readFirst } from './columns.js';
import { addOrderHistory } from './order-history.js';
import { receiveOnReturnLine, returnLines, type ReturnLine } from './return-lines.js';
import { settleReturn } from './return-settlement.js';
import { bookStockMovement } from './stock.js';
import { tables, type ReturnStatus } from './tables.js';
import type { Quantity } from './values.js';

export interface ReturnReceipt {
  returnNumber: string;
  /** Totals received so far per return line (its position). */
  lines: readonly { position: number; productNumber: string; totalReceived: Quantity }[];
}

function requireReceivable(line: ReturnLine | undefined, r: ReturnReceipt['lines'][number], i: number, record: string) {
  if (!line) throw new ValidationError(record, `lines[${i}].position`, `${r.position} is not a line of the return`);
  if (line.product_number !== r.productNumber)
    throw new ValidationError(
      record,
      `lines[${i}].productNumber`,
      `is ${r.productNumber}, but line ${r.position} holds ${line.product_number}`,
    );
  if (line.handling !== 'to_stock')
    throw new ValidationError(
      record,
      `lines[${i}].position`,
      `${r.position} is handled in Multicase (${line.handling}), not received in the warehouse`,
    );
  if (r.totalReceived > line.quantity)
    throw new ValidationError(
      record,
      `lines[${i}].totalReceived`,
      `is ${r.totalReceived}, more than the ${line.quantity} returned on line ${r.position}`,
    );
  return line;
}

export async function bookReturnReceipt(
  trx: MulticaseTransaction,
  receipt: ReturnReceipt,
  eventId: string,
): Promise<void> {
  const record = `return booking for return ${receipt.returnNumber}`;
  const ret = readFirst(
    tables.return_orders,
    await trx('multicase.return_orders').where('return_number', receipt.returnNumber).forUpdate().first(),
  );
  if (!ret) throw new UnmappableError(`${record}: field returnNumber is not a Multicase return`);
  const lines = await returnLines(trx, ret.id);
  const byPosition = new Map(lines.map((l) => [l.position, l]));
  let booked = 0;
  for (const [i, r] of receipt.lines.entries()) {
    const line = requireReceivable(byPosition.get(r.position), r, i, record);
    const delta = r.totalReceived - line.quantity_received;
    if (delta === 0) continue;
    await receiveOnReturnLine(trx, line, r.totalReceived);
    booked += delta;
    await bookStockMovement(trx, {
      productId: line.product_id,
      warehouseId: ret.warehouse_id,
      quantityChange: delta,
      kind: delta > 0 ? 'return' : 'correction',
      reference: receipt.returnNumber,
      cause:
        delta > 0
          ? `returned by the customer${line.cause ? `: ${line.cause}` : ''}`
          : 'returned quantity corrected in the warehouse',
      eventId,
    });
  }
  if (booked !== 0)
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id,
      type: 'returned',
      text: `Return ${receipt.returnNumber}: ${booked} item(s) received in the warehouse`,
      eventId,
    });
  if (ret.status === 'closed' || ret.status === 'cancelled' || ret.status === 'received') return;
  const toStock = lines.filter((l) => l.handling === 'to_stock');
  const complete = toStock.every((l) => l.quantity_received >= l.quantity);
  const any = toStock.some((l) => l.quantity_received > 0);
  const status: ReturnStatus = complete ? 'received' : any ? 'partly_received' : ret.status;
  if (status !== ret.status)
    await trx('multicase.return_orders').where('id', ret.id).update({ status, updated_at: trx.fn.now() });
  if (complete) await settleReturn(trx, receipt.returnNumber, eventId);
}
