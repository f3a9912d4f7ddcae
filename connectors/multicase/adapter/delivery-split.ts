/**
 * Where the units of a delivery come from on the order line they are delivered for. Multicase
 * keeps every unit of an order line in one bucket: delivered, sent (on a picking list still at the
 * warehouse), allocated but not sent (the back order's allocation), or open. What the warehouse
 * delivers is booked whatever the buckets say; this decides which bucket each unit leaves:
 *
 * 1. the picking list it was shipped on, while that list is still at the warehouse (sent);
 * 2. the back order's allocation: the rest of a list shipped short earlier (the second part of a
 *    delivery in two parts), or of a list cancelled in Multicase that the warehouse shipped anyway;
 * 3. other picking lists still at the warehouse: those quantities were sent again meanwhile, and
 *    are taken off those lists (they can no longer be delivered twice);
 * 4. beyond all that: more than Multicase had for the line (not allocated, or more than ordered).
 *
 * A picking list at the warehouse that this report closes hands what it did not ship back to the
 * back order, still allocated. Pure arithmetic on numeric(14,3) quantities.
 */
import { roundQuantity, type Quantity } from './values.js';

/** The order line's buckets before the delivery. */
export interface LineBuckets {
  ordered: Quantity;
  delivered: Quantity;
  allocated: Quantity;
  sent: Quantity;
}

export interface DeliverySplit {
  fromThisList: Quantity;
  fromBackOrder: Quantity;
  fromOtherLists: Quantity;
  beyond: Quantity;
  /** What the line holds afterwards. */
  after: LineBuckets;
}

/**
 * Splits `delivered` units (≥ 0) of an order line. `ownSent` is what of the line's sent quantity
 * belongs to the picking list shipped, while that list is at the warehouse (0 otherwise); this
 * report closes that list, so all of it leaves sent: delivered, or back to the back order.
 */
export function splitDelivery(line: LineBuckets, delivered: Quantity, ownSent: Quantity): DeliverySplit {
  const r = roundQuantity;
  // What of the list is still counted as sent: a stock fall found while picking may have released some.
  ownSent = Math.min(ownSent, Math.max(line.sent, 0));
  const fromThisList = Math.min(delivered, ownSent);
  const free = Math.max(r(line.allocated - line.sent), 0);
  const fromBackOrder = Math.min(r(delivered - fromThisList), free);
  const otherSent = Math.max(r(line.sent - ownSent), 0);
  const fromOtherLists = Math.min(r(delivered - fromThisList - fromBackOrder), otherSent);
  const beyond = r(delivered - fromThisList - fromBackOrder - fromOtherLists);
  const deliveredAfter = r(line.delivered + delivered);
  const open = Math.max(r(line.ordered - deliveredAfter), 0);
  const sent = r(line.sent - ownSent - fromOtherLists);
  const allocated = Math.min(r(line.allocated - fromThisList - fromBackOrder - fromOtherLists), open);
  return {
    fromThisList: r(fromThisList),
    fromBackOrder: r(fromBackOrder),
    fromOtherLists: r(fromOtherLists),
    beyond,
    after: { ordered: line.ordered, delivered: deliveredAfter, allocated, sent },
  };
}
