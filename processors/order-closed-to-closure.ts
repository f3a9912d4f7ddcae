/**
 * Flow 6: the warehouse cancelled an order, or closed it with nothing picked; its picking list is
 * closed in Multicase (the sink, sinks/multicase/picking-list-closure.ts). Only orders this
 * pipeline created have a picking list (order-ownership.ts): an order made by hand in Ongoing and
 * closed empty left nothing to book.
 */
import { topics } from '../schemas/catalog.js';
import type { OrderClosed, PickingListClosure } from '../schemas/types.generated.js';
import { ownershipOf, waitForTheOrder } from './order-ownership.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireText } from './validate.js';

export function closedOrderToClosure(
  event: OrderClosed,
  lookups: Pick<Lookups, 'idMap' | 'graceMs' | 'integratedWarehouse'>,
): PickingListClosure | null {
  const o = event.after;
  if (o === null) return null;
  const record = `Ongoing order ${event.entityKey} closed in the warehouse`;
  const number = requireText(record, 'orderNumber', o.orderNumber);
  const own = ownershipOf(lookups.idMap, number, o.orderId);
  if (own === null) return waitForTheOrder(record, number, lookups, () => null);
  if (!own.ours) return null;
  return {
    pickingListNumber: number,
    orderNumber: o.goodsOwnerOrderId,
    ongoingOrderId: o.orderId,
    warehouseCode: lookups.integratedWarehouse,
    statusNumber: o.statusNumber,
    statusText: o.statusText,
    cancelled: o.cancelled,
  };
}

export const closedOrderToClosureProcessor: ProcessorSpec<OrderClosed> = {
  name: 'processor.order-closed-to-closure',
  input: topics.orderClosed,
  output: topics.pickingListClosure,
  map: (event, lookups) => closedOrderToClosure(event, lookups),
};
