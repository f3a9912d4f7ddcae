/**
 * Customer returns: register one against delivered lines, send it to the warehouse, close it.
 * Each line is received in the warehouse (handling `to_stock`) or handled in Multicase only
 * (`scrap`, `repair`); the return is settled by a credit note or a replacement (flow 7 settles it
 * when the warehouse has received everything, the close action when the user closes it).
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { allocateNumber } from '../../../../connectors/multicase/adapter/number-series.js';
import { addOrderHistory } from '../../../../connectors/multicase/adapter/order-history.js';
import { settleReturn } from '../../../../connectors/multicase/adapter/return-settlement.js';
import type { ReturnHandling, ReturnSettlement } from '../documents.js';
import { getReturnOrder, type ReturnOrder } from '../reads.js';
import { lineField, optionalText, position, positive, text, uniquePositions, type Row } from './checks.js';

export interface ReturnLineInput {
  /** Position of the sales-order line being returned. */
  position: number;
  quantity: number;
  cause?: string | null;
  /** to_stock (default): the warehouse receives it; scrap or repair: handled in Multicase only. */
  handling?: ReturnHandling;
}

export interface ReturnOptions {
  reason?: string | null;
  returnNumber?: string;
  settlement?: ReturnSettlement;
}

const HANDLINGS: readonly ReturnHandling[] = ['to_stock', 'scrap', 'repair'];
const SETTLEMENTS: readonly ReturnSettlement[] = ['credit', 'replace'];
/** Returns still expecting goods: what they expect is not returnable again. */
const OPEN = `('registered', 'sent_to_warehouse', 'partly_received')`;

/**
 * Registers a customer return against delivered order lines. The quantity may not exceed what
 * was delivered, less what was returned already and what other open returns expect.
 */
export async function registerReturn(
  db: Knex,
  orderNumber: string,
  lines: ReturnLineInput[],
  options: ReturnOptions = {},
): Promise<ReturnOrder> {
  const { reason, returnNumber, settlement = 'credit' } = options;
  const record = `return for sales order ${orderNumber}`;
  if (!SETTLEMENTS.includes(settlement))
    throw new ValidationError(
      record,
      'settlement',
      `is ${String(settlement)}: must be one of ${SETTLEMENTS.join(', ')}`,
    );
  return db.transaction(async (trx) => {
    const order = await trx('multicase.sales_orders')
      .where({ order_number: orderNumber })
      .forUpdate()
      .first('id', 'status', 'warehouse_id');
    if (!order) throw new ValidationError(record, 'orderNumber', 'names no known sales order');
    if (!['partly_shipped', 'shipped', 'invoiced'].includes(order.status as string))
      throw new ValidationError(record, 'status', `is ${order.status as string}: only delivered goods can be returned`);
    if (!Array.isArray(lines) || lines.length === 0)
      throw new ValidationError(record, 'lines', 'must hold at least one line');
    uniquePositions(
      record,
      lines.map((l) => position(record, 'lines[].position', l.position)),
    );

    const orderLines: Row[] = await trx('multicase.sales_order_lines as l')
      .join('multicase.products as p', 'p.id', 'l.product_id')
      .where('l.sales_order_id', order.id)
      .select(
        'l.id',
        'l.position',
        'l.product_id',
        'p.is_service',
        'p.product_number',
        trx.raw(
          `l.quantity_delivered - l.quantity_returned - coalesce((
             SELECT sum(rl.quantity - rl.quantity_received) FROM multicase.return_order_lines rl
               JOIN multicase.return_orders r ON r.id = rl.return_order_id
              WHERE rl.sales_order_line_id = l.id AND r.status IN ${OPEN}), 0) AS returnable`,
        ),
        // The invoice line the goods were billed on (the latest): a credit note uses its price and VAT.
        trx.raw(
          '(SELECT max(il.id) FROM multicase.invoice_lines il WHERE il.sales_order_line_id = l.id) AS invoice_line_id',
        ),
      );
    const rows = lines.map((l, i) => {
      const line = orderLines.find((o) => o.position === l.position);
      if (!line) throw new ValidationError(record, `lines[position ${l.position}]`, 'names no line of the order');
      if (line.is_service)
        throw new ValidationError(
          record,
          lineField(l.position, 'position'),
          `is a service item (${String(line.product_number)}), which cannot be returned`,
        );
      const quantity = positive(record, lineField(l.position, 'quantity'), l.quantity);
      const returnable = Number(line.returnable);
      if (quantity > returnable)
        throw new ValidationError(
          record,
          lineField(l.position, 'quantity'),
          `is ${quantity} but only ${returnable} can be returned`,
        );
      const handling = l.handling ?? 'to_stock';
      if (!HANDLINGS.includes(handling))
        throw new ValidationError(
          record,
          lineField(l.position, 'handling'),
          `is ${String(handling)}: must be one of ${HANDLINGS.join(', ')}`,
        );
      return {
        position: i + 1,
        sales_order_line_id: line.id,
        product_id: line.product_id,
        quantity,
        handling,
        invoice_line_id: line.invoice_line_id ?? null,
        cause: optionalText(record, lineField(l.position, 'cause'), l.cause),
      };
    });

    const number =
      returnNumber === undefined
        ? await allocateNumber(trx, 'return_order')
        : text(record, 'returnNumber', returnNumber);
    if (await trx('multicase.return_orders').where({ return_number: number }).first('id'))
      throw new ValidationError(`return ${number}`, 'returnNumber', 'already exists');
    const [ret] = await trx('multicase.return_orders')
      .insert({
        return_number: number,
        sales_order_id: order.id,
        warehouse_id: order.warehouse_id,
        settlement,
        reason: optionalText(record, 'reason', reason),
      })
      .returning('id');
    await trx('multicase.return_order_lines').insert(rows.map((r) => ({ ...r, return_order_id: ret.id })));
    await addOrderHistory(trx, { salesOrderId: order.id as number, type: 'note', text: `Return ${number} registered` });
    return (await getReturnOrder(trx, number))!;
  });
}

/** Sends a registered return to the warehouse, which then expects the goods (flow 7). */
export async function sendReturnToWarehouse(db: Knex, returnNumber: string): Promise<ReturnOrder> {
  const record = `return ${returnNumber}`;
  return db.transaction(async (trx) => {
    const ret = await trx('multicase.return_orders')
      .where({ return_number: returnNumber })
      .forUpdate()
      .first('id', 'status', 'sales_order_id');
    if (!ret) throw new ValidationError(record, 'returnNumber', 'names no known return');
    if (ret.status !== 'registered')
      throw new ValidationError(
        record,
        'status',
        `is ${ret.status as string}: only a registered return can be sent to the warehouse`,
      );
    const toStock = await trx('multicase.return_order_lines')
      .where({ return_order_id: ret.id, handling: 'to_stock' })
      .first('id');
    if (!toStock) {
      // Nothing for the warehouse to receive: handled in Multicase only, settled now.
      await trx('multicase.return_orders')
        .where({ id: ret.id })
        .update({ status: 'received', updated_at: trx.fn.now() });
      await addOrderHistory(trx, {
        salesOrderId: ret.sales_order_id as number,
        type: 'note',
        text: `Return ${returnNumber} handled in Multicase only`,
      });
      await settleReturn(trx, returnNumber);
      return (await getReturnOrder(trx, returnNumber))!;
    }
    await trx('multicase.return_orders')
      .where({ id: ret.id })
      .update({ status: 'sent_to_warehouse', updated_at: trx.fn.now() });
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id as number,
      type: 'note',
      text: `Return ${returnNumber} sent to the warehouse`,
    });
    return (await getReturnOrder(trx, returnNumber))!;
  });
}

/**
 * Closes a return the warehouse has not completed: what arrived stays booked, what did not is no
 * longer expected, and the return is settled (a credit note for what arrived and the lines
 * handled in Multicase, when the settlement is credit). A received return waiting for the user (one
 * the warehouse registered itself) is settled the same way. Returns the credit-note numbers.
 */
export async function closeReturn(db: Knex, returnNumber: string): Promise<string[]> {
  const record = `return ${returnNumber}`;
  return db.transaction(async (trx) => {
    const ret = await trx('multicase.return_orders')
      .where({ return_number: returnNumber })
      .forUpdate()
      .first('id', 'status', 'sales_order_id');
    if (!ret) throw new ValidationError(record, 'returnNumber', 'names no known return');
    if (!['sent_to_warehouse', 'partly_received', 'received'].includes(ret.status as string))
      throw new ValidationError(
        record,
        'status',
        `is ${ret.status as string}: only a return at the warehouse, or received, can be closed`,
      );
    await trx('multicase.return_orders').where({ id: ret.id }).update({ status: 'closed', updated_at: trx.fn.now() });
    await addOrderHistory(trx, {
      salesOrderId: ret.sales_order_id as number,
      type: 'note',
      text: `Return ${returnNumber} closed by the user`,
    });
    return settleReturn(trx, returnNumber);
  });
}
