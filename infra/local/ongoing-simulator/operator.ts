/**
 * The warehouse staff: what happens on the floor between API calls. Receiving against a purchase
 * order (and correcting a miscounted receipt), allocating, picking (with discrepancies), packing
 * and sending an order, taking returns back and correcting stock, one file each (operator-*.ts). Each action runs in the goods owner's write turn like an API write
 * (but is not rate-limited) and moves quantities, statuses and stock exactly as the API then
 * reports them. Stock availability is not enforced: the ERP keeps allocating from its own stock,
 * so a pick may drive the simulated stock below zero.
 */
export { receivePurchaseOrder, setReceivedQuantity } from './operator-receiving.js';
export {
  allocateOrder,
  pickOrder,
  returnGoodsOnOrder,
  setOrderStatusByOperator,
  shipOrder,
} from './operator-orders.js';
export { receiveReturnOrder, registerReturnOrder } from './operator-returns.js';
export { splitBackOrder } from './operator-back-orders.js';
export { adjustStock } from './operator-stock.js';
