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
      'The warehouse shipped a picking list that was cancelled in Multicase: it had refused the cancel because picking had started. The shipment was booked as it happened (packing slip, stock, invoice) and the cancel withdrawn; quantities the user had sent again on another picking list meanwhile were taken off that list (cancelled when nothing was left on it), which the exception names.',
    userDoes:
      'Check the invoice with the customer (the goods are on their way). Where a picking list was taken back, make sure the warehouse does not ship it as well (the order history shows whether Ongoing accepted its cancel).',
  },
  delivered_more_than_sent: {
    title: 'delivered more than was sent',
    means:
      'The warehouse delivered more on a picking list than Multicase had left for it: the rest of a list shipped short that the user had sent again on another picking list (taken off that list, which the exception names), more than the order line ordered, or an article not on the order (taken off stock, not invoiced). All of it was booked as shipped.',
    userDoes:
      'Where a picking list was taken back, make sure the warehouse does not ship it as well. For more than ordered or an article not on the order: invoice it by hand or ask for it back.',
  },
  shipment_of_unknown_order: {
    title: 'shipment of an order the integration did not create',
    means:
      'The warehouse shipped an order no Multicase picking list matches (made by hand in Ongoing, or its Ongoing id is not the one the integration sent). The goods were taken off stock (reference "Ongoing order <number>"); nothing was invoiced. Each later part of it books its own difference.',
    userDoes: 'Find out who ordered it; invoice it by hand, or ask for the goods back.',
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
      'The warehouse took goods back against an outbound order on its own (a parcel the customer or the carrier sent back), on the order or on a return order it made. They were booked into stock and put on a Multicase return: the announced return at the warehouse that expected them (settled as usual once complete; its inbound order in Ongoing still expects the goods), else a new return, received. What Multicase never delivered on the order line is booked into stock but kept off the return.',
    userDoes:
      'Settle the new return: close it to credit the customer (or agree a replacement). For an announced return, have the warehouse close its inbound order so the goods are not received twice.',
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
      'The warehouse cancelled the order of a picking list with nothing picked. The picking list was cancelled in Multicase; its quantities are back on the back order and their allocation released.',
    userDoes: 'Find out why; allocate and send the order again, or cancel it in Multicase and tell the customer.',
  },
  order_closed_short_in_warehouse: {
    title: 'order closed short in the warehouse',
    means:
      'The warehouse closed the order of a picking list (sent, or further) with nothing picked. The picking list was closed in Multicase (shown as shipped, nothing delivered); its quantities are back on the back order and their allocation released.',
    userDoes: 'Find out why; allocate and send the rest again, or cancel it in Multicase and tell the customer.',
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
