/**
 * Flow 7, the warehouse's side: goods it took back against an outbound order become a booking in
 * Multicase (the sink, sinks/multicase/warehouse-return.ts): stock in, and a Multicase return the
 * user settles. Quantities are cumulative per Ongoing order line, the line being their one source
 * (a return order made against the order only adds its number, cause and comment), so a repeated
 * or late event books nothing twice. Never refused: the returns on an order the pipeline did not
 * create (order-ownership.ts) are booked into stock all the same.
 */
import { topics } from '../schemas/catalog.js';
import type { OrderReturned, WarehouseReturn } from '../schemas/types.generated.js';
import { ownershipOf, waitForTheOrder } from './order-ownership.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { positionOf } from './shipment-to-invoice.js';
import { requireText } from './validate.js';

export function orderReturnToBooking(
  event: OrderReturned,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse'>,
): WarehouseReturn | null {
  const r = event.after;
  if (r === null) return null;
  const record = `returns on Ongoing order ${event.entityKey}`;
  const number = requireText(record, 'orderNumber', r.orderNumber);
  const roLines = r.returnOrders.flatMap((ro) => ro.lines);
  const comments = [...new Set([...r.returnOrders.map((ro) => ro.comment), ...roLines.map((l) => l.comment)])];
  const booking = (pickingListNumber: string | null, notCreatedByPipeline: string | null): WarehouseReturn => ({
    orderNumber: pickingListNumber === null ? null : r.goodsOwnerOrderId,
    pickingListNumber,
    ongoingOrderId: r.orderId,
    ongoingOrderNumber: number,
    notCreatedByPipeline,
    warehouseCode: lookups.integratedWarehouse,
    returnOrderNumbers: r.returnOrders.map((ro) => ro.returnOrderNumber),
    comment: comments.filter((c) => c).join('; ') || null,
    lines: r.lines.map((l) => ({
      ongoingLineId: l.lineId,
      position: positionOf(l.rowNumber),
      productNumber: l.articleNumber,
      totalReturned: l.returnedNumberOfItems,
      cause: l.returnCause ?? roLines.find((x) => x.orderLineId === l.lineId && x.returnCause)?.returnCause ?? null,
    })),
  });
  const own = ownershipOf(lookups.idMap, number, r.orderId);
  if (own === null) return waitForTheOrder(record, number, lookups, (why) => booking(null, why));
  return own.ours ? booking(number, null) : booking(null, own.why);
}

export const orderReturnToBookingProcessor: ProcessorSpec<OrderReturned> = {
  name: 'processor.order-return-to-booking',
  input: topics.orderReturned,
  output: topics.warehouseReturn,
  map: (event, lookups) => orderReturnToBooking(event, lookups),
};
