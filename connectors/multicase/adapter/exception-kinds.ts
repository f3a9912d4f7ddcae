/**
 * The kinds of integration exception, in one place: what each means and what the person who
 * resolves it in Multicase does. The list is closed (the database refuses another kind); extend it
 * only with a reason, here, in a migration of the CHECK, and in the README's section on exceptions
 * (a test keeps the three equal).
 */

export interface ExceptionKindInfo {
  /** One line for lists (ops status, the console). */
  readonly title: string;
  /** What happened. */
  readonly means: string;
  /** What the user does about it in Multicase. */
  readonly userDoes: string;
}

export const EXCEPTION_KINDS = {
  shipped_after_cancel_refused: {
    title: 'shipped after a refused cancel',
    means:
      'The warehouse shipped a picking list whose cancel it had refused (picking had started). It was booked and invoiced as shipped; the cancel is withdrawn in Multicase.',
    userDoes:
      'Check the invoice with the customer; if the goods were sent again on another picking list meanwhile, cancel that list.',
  },
  delivered_more_than_sent: {
    title: 'delivered more than was sent',
    means:
      'A later part of a delivery arrived for quantities that had gone back to the back order and were sent again on another picking list. It was booked and invoiced.',
    userDoes: 'Cancel the other picking list (named in the exception) so that the goods are not sent twice.',
  },
  shipment_of_unknown_order: {
    title: 'shipment of an order the integration did not create',
    means:
      'The warehouse shipped an order that no Multicase picking list matches. The stock left the warehouse and was booked out; nothing was invoiced.',
    userDoes: 'Find out who ordered it; invoice it by hand or book the goods back.',
  },
  received_not_on_purchase_order: {
    title: 'received a row or article not on the purchase order',
    means:
      'Goods arrived against a purchase order on a row or of an article it does not have. They were booked into stock with the purchase order as reference; no line was added.',
    userDoes: 'Agree with the supplier (return, or add the line and its price for the supplier invoice).',
  },
  receipt_on_unknown_purchase_order: {
    title: 'receipt on a purchase order the integration did not create',
    means:
      'Goods were received on a purchase order made by hand in the warehouse, or on one whose warehouse id is not ours. They were booked into stock as an unplanned receipt; every later receipt of it books its own difference.',
    userDoes: 'Create or match the purchase order in Multicase for the supplier invoice, then mark it resolved.',
  },
  receipt_after_close: {
    title: 'received after the purchase order was closed',
    means:
      'Goods arrived on a purchase order Multicase had closed or cancelled. They were booked into stock and onto its lines; its status was kept.',
    userDoes: 'Expect the supplier to invoice them, or arrange their return.',
  },
  over_receipt: {
    title: 'received more than ordered',
    means: 'The supplier sent more than the purchase order line ordered. All of it was booked into stock.',
    userDoes: 'Tell purchasing: accept the surplus (and its invoice) or send it back.',
  },
  received_less_after_allocation: {
    title: 'receipt corrected down after its stock was allocated',
    means:
      'The warehouse lowered a received quantity after Multicase had allocated that stock to orders. The correction was booked in full; allocation was released from the orders named, newest first.',
    userDoes: 'Re-plan the orders named (allocate again when stock arrives, or tell the customers).',
  },
  stock_lost_allocation_released: {
    title: 'stock fell below what was allocated; allocation released',
    means:
      'A count or a picking discrepancy in the warehouse took stock below what Multicase had allocated. The fall was booked in full; allocation was released from the orders named (the picking list named in a picking discrepancy first).',
    userDoes: 'Re-plan the orders named; their quantities are back on the back order without allocation.',
  },
  stock_below_zero: {
    title: 'stock the warehouse has less of than Multicase can book',
    means:
      'The warehouse took away more than Multicase had on hand. What Multicase had was booked; the rest could not be (on hand never goes below zero) and is the difference the stock check shows for it.',
    userDoes:
      'Find the missing bookings (a receipt not yet booked, stock moved by hand), correct the stock, then mark resolved.',
  },
  article_not_stocked_in_multicase: {
    title: 'stock of an article Multicase does not stock',
    means:
      'The warehouse received, returned or counted an article that Multicase has no stocked product for (unknown there, or a service item). Nothing could be booked; the warehouse line is taken as handled.',
    userDoes:
      'Create the product in Multicase (and book its stock by hand), or have the warehouse correct the article; then mark resolved.',
  },
  return_not_announced: {
    title: 'return the warehouse registered itself',
    means:
      'The warehouse took goods back that no Multicase return announced. They were booked into stock and a Multicase return was created (or linked).',
    userDoes: 'Settle the return (credit or replace), or close it.',
  },
  return_more_than_announced: {
    title: 'returned more than announced, or another article',
    means:
      'A return arrived with more than the return announced, or with an article it does not have. Everything was booked into stock; only what was announced is credited.',
    userDoes: 'Decide with the customer about the rest: credit it by hand, or send it back.',
  },
  order_cancelled_in_warehouse: {
    title: 'order cancelled in the warehouse',
    means:
      'The warehouse cancelled an order with nothing picked. The picking list was cancelled; its quantities are back on the back order, allocation released.',
    userDoes: 'Find out why; send the order again or cancel it in Multicase.',
  },
  order_closed_short_in_warehouse: {
    title: 'order closed short in the warehouse',
    means:
      'The warehouse closed an order with lines not (fully) picked. What was not picked is back on the back order, allocation released.',
    userDoes: 'Send the rest again, or cancel it in Multicase and tell the customer.',
  },
  inventory_items_added_later: {
    title: 'items added to an inventory after it was reported',
    means:
      'The warehouse added items to an inventory already reported back; the difference was booked. Raised only if Ongoing hides such items from reporting (its documentation leaves that open).',
    userDoes: 'Nothing in Multicase; check with the warehouse that the count is final.',
  },
} as const satisfies Record<string, ExceptionKindInfo>;

export type ExceptionKind = keyof typeof EXCEPTION_KINDS;

export const EXCEPTION_KIND_NAMES = Object.keys(EXCEPTION_KINDS) as ExceptionKind[];

export const isExceptionKind = (s: string): s is ExceptionKind => Object.hasOwn(EXCEPTION_KINDS, s);

/** The documents an exception is filed under: a Multicase document, or the warehouse's own. */
export type ExceptionDocumentType =
  | 'purchase_order'
  | 'sales_order'
  | 'picking_list'
  | 'return'
  | 'ongoing_purchase_order'
  | 'ongoing_order'
  | 'inventory_adjustment';
