/**
 * Goods the warehouse took back against an outbound order on its own (a parcel the customer or the
 * carrier sent back, registered on the order or on a return order made against it). The report
 * carries the total returned so far per Ongoing order line; what is booked is the difference to
 * what the fact ledger has for that line (kind 'order-return'), so a repeat books nothing.
 *
 * The goods are booked into stock (kind 'return'). For an order Multicase knows, they go on a
 * Multicase return the user settles (closing it credits the customer, or settles a replacement):
 * the return already announced for that order line and sent to the warehouse, not yet received,
 * when there is one (linked, and settled as flow 7 settles it once all of it is back; its inbound
 * order in Ongoing still expects the goods), else a new one, received, one per report. What Multicase never delivered on the line is booked into stock but
 * kept off the return. Either way an integration exception, return_not_announced, says so; for an
 * order the pipeline did not create the stock is referenced "Ongoing order <number>".
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readRows } from './columns.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta, type WarehouseLine } from './fact-ledger.js';
import { allocateNumber } from './number-series.js';
import { addOrderHistory } from './order-history.js';
import { receiveOnReturnLine } from './return-lines.js';
import { settleReturn } from './return-settlement.js';
import { lockOrderAndPickingList, orderLinesOf, pickingListLines, type OrderLine } from './sales-orders.js';
import { bookStockMovement } from './stock.js';
import { takeOffHand } from './stock-out.js';
import { tables, type SalesOrderRow } from './tables.js';
import { ongoingOrderReference } from './unknown-shipments.js';
import { integratedWarehouseId, orderLineFor, productOf, type Product } from './warehouse-shipment.js';
import { roundQuantity, type Quantity } from './values.js';

export interface WarehouseReturnLine {
  ongoingLineId: number;
  position: number | null;
  productNumber: string;
  /** Total returned so far on the Ongoing order line. */
  totalReturned: Quantity;
  cause: string | null;
}

export interface WarehouseReturnReport {
  /** Null: an order the pipeline did not create. */
  pickingListNumber: string | null;
  ongoingOrderId: number;
  ongoingOrderNumber: string;
  notCreatedByPipeline: string | null;
  warehouseCode: string | null;
  returnOrderNumbers: readonly string[];
  comment: string | null;
  lines: readonly WarehouseReturnLine[];
}

interface Returned {
  line: WarehouseReturnLine;
  ledger: WarehouseLine;
  delta: Quantity;
  orderLine: OrderLine | null;
  product: Product | null;
}

/** Where the goods went on a Multicase return, per line. */
interface OnReturn {
  returnNumber: string;
  returnId: number;
  linked: boolean;
  quantity: Quantity;
  productNumber: string;
}

const returnLedgerLine = (r: WarehouseReturnReport, line: WarehouseReturnLine, productId: number | null) => ({
  kind: 'order-return',
  documentId: r.ongoingOrderId,
  lineKey: line.ongoingLineId,
  documentNumber: r.ongoingOrderNumber,
  productId,
});

export async function bookWarehouseReturn(
  trx: MulticaseTransaction,
  report: WarehouseReturnReport,
  by: RaisedBy,
): Promise<void> {
  const locked =
    report.pickingListNumber === null ? null : await lockOrderAndPickingList(trx, report.pickingListNumber);
  const listLines = locked ? await pickingListLines(trx, locked.list.id) : [];
  const orderLines = locked ? await orderLinesOf(trx, locked.order.id) : [];
  const returned: Returned[] = [];
  for (const line of report.lines) {
    const orderLine = locked ? orderLineFor(line, listLines, orderLines) : null;
    const product = orderLine
      ? { id: orderLine.product_id, isService: orderLine.is_service }
      : await productOf(trx, line.productNumber);
    const ledger = returnLedgerLine(report, line, product?.id ?? null);
    const { delta } = await lineDelta(trx, ledger, roundQuantity(line.totalReturned));
    returned.push({ line, ledger, delta, orderLine, product });
  }
  const back = returned.filter((r) => r.delta > 0);
  const record = `returns on Ongoing order ${report.ongoingOrderNumber}`;
  const warehouseId = locked?.order.warehouse_id ?? (await integratedWarehouseId(trx, report.warehouseCode, record));
  const onReturn = locked && back.length > 0 ? await putOnReturns(trx, locked.order, report, back, by) : [];
  // Referenced by the order, not the return: an announced return's number is its inbound order's in
  // Ongoing, whose receipts the stock check counts apart.
  const reference = locked?.order.order_number ?? ongoingOrderReference(report.ongoingOrderNumber);
  for (const r of returned.filter((x) => x.delta !== 0 && x.product && !x.product.isService)) {
    const on = [
      ...new Set(onReturn.filter((o) => o.productNumber === r.line.productNumber).map((o) => o.returnNumber)),
    ];
    if (r.delta > 0)
      await bookStockMovement(trx, {
        productId: r.product!.id,
        warehouseId,
        quantityChange: r.delta,
        kind: 'return',
        reference,
        cause: [
          `taken back by the warehouse on Ongoing order ${report.ongoingOrderNumber}`,
          on.length ? `return ${on.join(', ')}` : null,
          r.line.cause,
        ]
          .filter((x) => x)
          .join(': '),
        eventId: by.eventId,
      });
    else
      await takeOffHand(
        trx,
        {
          productId: r.product!.id,
          productNumber: r.line.productNumber,
          warehouseId,
          quantity: -r.delta,
          kind: 'correction',
          reference,
          cause: 'returned quantity lowered in the warehouse',
          document: { type: 'ongoing_order', number: report.ongoingOrderNumber },
          salesOrderId: locked?.order.id ?? null,
        },
        by,
      );
  }
  if (back.length > 0)
    await raiseNotAnnounced(trx, { report, locked: locked?.order ?? null, back, onReturn, warehouseId }, by);
  for (const r of returned) await accountFor(trx, r.ledger, roundQuantity(r.line.totalReturned), by.eventId);
}

const ANNOUNCED_LINE = {
  ...pick(tables.return_order_lines, 'id', 'return_order_id', 'sales_order_line_id', 'quantity', 'quantity_received'),
  ...pick(tables.return_orders, 'return_number'),
};

/**
 * The goods on Multicase returns: first on the announced returns at the warehouse that expect them
 * (oldest first), the rest on one new return, received; never more than Multicase delivered.
 */
async function putOnReturns(
  trx: MulticaseTransaction,
  order: SalesOrderRow,
  report: WarehouseReturnReport,
  back: readonly Returned[],
  by: RaisedBy,
): Promise<OnReturn[]> {
  const placed: OnReturn[] = [];
  const fresh: { r: Returned; quantity: Quantity }[] = [];
  for (const r of back.filter((x) => x.orderLine && !x.orderLine.is_service)) {
    const ol = r.orderLine!;
    const line = readRows(
      pick(tables.sales_order_lines, 'quantity_delivered', 'quantity_returned'),
      await trx('multicase.sales_order_lines').where('id', ol.id).select('quantity_delivered', 'quantity_returned'),
    )[0]!;
    let left = Math.min(r.delta, Math.max(roundQuantity(line.quantity_delivered - line.quantity_returned), 0));
    const announced = readRows(
      ANNOUNCED_LINE,
      await trx('multicase.return_order_lines as l')
        .join('multicase.return_orders as r', 'r.id', 'l.return_order_id')
        .where({ 'l.sales_order_line_id': ol.id, 'l.handling': 'to_stock' })
        .whereIn('r.status', ['sent_to_warehouse', 'partly_received'])
        .whereRaw('l.quantity_received < l.quantity')
        .orderBy('r.id')
        .forUpdate('l')
        .select(
          'l.id',
          'l.return_order_id',
          'l.sales_order_line_id',
          'l.quantity',
          'l.quantity_received',
          'r.return_number',
        ),
    );
    for (const a of announced) {
      if (left <= 0) break;
      const take = Math.min(left, roundQuantity(a.quantity - a.quantity_received));
      await receiveOnReturnLine(trx, a, roundQuantity(a.quantity_received + take));
      await markReceived(trx, a.return_order_id, a.return_number, by);
      placed.push({
        returnNumber: a.return_number,
        returnId: a.return_order_id,
        linked: true,
        quantity: take,
        productNumber: ol.product_number,
      });
      left = roundQuantity(left - take);
    }
    if (left > 0) fresh.push({ r, quantity: left });
  }
  if (fresh.length === 0) return placed;
  const number = await allocateNumber(trx, 'return_order');
  const reason = [
    `Registered in the warehouse on Ongoing order ${report.ongoingOrderNumber}`,
    report.returnOrderNumbers.length ? `return order ${report.returnOrderNumbers.join(', ')}` : null,
    report.comment,
  ]
    .filter((x) => x)
    .join('; ');
  const [created] = await trx('multicase.return_orders')
    .insert({
      return_number: number,
      sales_order_id: order.id,
      warehouse_id: order.warehouse_id,
      status: 'received',
      reason,
    })
    .returning('id');
  const returnId = (created as { id: number }).id;
  for (const [i, { r, quantity }] of fresh.entries()) {
    const [line] = await trx('multicase.return_order_lines')
      .insert({
        return_order_id: returnId,
        position: i + 1,
        sales_order_line_id: r.orderLine!.id,
        product_id: r.orderLine!.product_id,
        quantity,
        handling: 'to_stock',
        cause: r.line.cause,
        // The invoice line the goods were billed on (the latest): a credit note uses its price and VAT.
        invoice_line_id: trx('multicase.invoice_lines').where('sales_order_line_id', r.orderLine!.id).max('id'),
      })
      .returning(['id', 'sales_order_line_id']);
    await receiveOnReturnLine(
      trx,
      { ...(line as { id: number; sales_order_line_id: number }), quantity_received: 0 },
      quantity,
    );
    placed.push({
      returnNumber: number,
      returnId,
      linked: false,
      quantity,
      productNumber: r.orderLine!.product_number,
    });
  }
  await addOrderHistory(trx, {
    salesOrderId: order.id,
    type: 'returned',
    text: `Return ${number}: ${fresh.map((f) => `${f.quantity} × ${f.r.orderLine!.product_number}`).join(', ')} taken back in the warehouse`,
    eventId: by.eventId,
  });
  return placed;
}

/** An announced return whose every to-stock line has arrived is received and settled, as flow 7 settles it. */
async function markReceived(
  trx: MulticaseTransaction,
  returnId: number,
  returnNumber: string,
  by: RaisedBy,
): Promise<void> {
  const open = await trx('multicase.return_order_lines')
    .where({ return_order_id: returnId, handling: 'to_stock' })
    .whereRaw('quantity_received < quantity')
    .first('id');
  await trx('multicase.return_orders')
    .where('id', returnId)
    .update({ status: open ? 'partly_received' : 'received', updated_at: trx.fn.now() });
  if (!open) await settleReturn(trx, returnNumber, by.eventId);
}

async function raiseNotAnnounced(
  trx: MulticaseTransaction,
  s: {
    report: WarehouseReturnReport;
    locked: SalesOrderRow | null;
    back: readonly Returned[];
    onReturn: readonly OnReturn[];
    warehouseId: number;
  },
  by: RaisedBy,
): Promise<void> {
  const { report, locked } = s;
  const total = roundQuantity(s.back.reduce((sum, r) => sum + r.delta, 0));
  const what = s.back.map((r) => `${r.delta} × ${r.line.productNumber}`).join(', ');
  const products = new Set(s.back.map((r) => r.product?.id ?? null));
  const where = [
    report.returnOrderNumbers.length ? `return order ${report.returnOrderNumbers.join(', ')}` : null,
    report.comment ? `"${report.comment}"` : null,
  ]
    .filter((x) => x)
    .join(', ');
  const created = s.onReturn.filter((o) => !o.linked);
  const linked = s.onReturn.filter((o) => o.linked);
  const onReturns = s.onReturn.reduce((sum, o) => sum + o.quantity, 0);
  const parts = [
    `The warehouse took back ${what} on Ongoing order ${report.ongoingOrderNumber}${where ? ` (${where})` : ''}; booked into stock.`,
    created.length
      ? ` Return ${created[0]!.returnNumber} was created for it: settle it (close it to credit the customer).`
      : '',
    linked.length
      ? ` Put on announced return ${[...new Set(linked.map((o) => o.returnNumber))].join(', ')} (settled once all of it is back): its inbound order in the warehouse still expects the goods, have the warehouse close it.`
      : '',
    locked && roundQuantity(total - onReturns) > 0
      ? ` ${roundQuantity(total - onReturns)} of it Multicase never delivered on the order: kept off the return.`
      : '',
    locked ? '' : ` The integration did not create that order (${report.notCreatedByPipeline}).`,
  ];
  await raiseException(
    trx,
    {
      kind: 'return_not_announced',
      document: s.onReturn[0]
        ? { type: 'return', number: s.onReturn[0].returnNumber }
        : { type: 'ongoing_order', number: report.ongoingOrderNumber },
      salesOrderId: locked?.id ?? null,
      returnOrderId: s.onReturn[0]?.returnId ?? null,
      productId: products.size === 1 ? [...products][0]! : null,
      warehouseId: s.warehouseId,
      reported: total,
      booked: total,
      reason: parts.join(''),
      details: {
        ongoingOrderId: report.ongoingOrderId,
        returnOrders: report.returnOrderNumbers,
        lines: s.back.map((r) => ({ productNumber: r.line.productNumber, quantity: r.delta, cause: r.line.cause })),
        returns: s.onReturn,
      },
    },
    by,
  );
}
