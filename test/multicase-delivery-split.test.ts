/**
 * Where the units of a delivery come from on their order line (connectors/multicase/adapter/
 * delivery-split.ts), as pure arithmetic: every case leaves sent ≤ allocated ≤ what is still open.
 */
import { describe, expect, it } from 'vitest';
import { splitDelivery, type LineBuckets } from '../connectors/multicase/adapter/delivery-split.js';

const line = (ordered: number, delivered: number, allocated: number, sent: number): LineBuckets => ({
  ordered,
  delivered,
  allocated,
  sent,
});

function expectConsistent(after: LineBuckets): void {
  expect(after.sent).toBeGreaterThanOrEqual(0);
  expect(after.sent).toBeLessThanOrEqual(after.allocated);
  expect(after.allocated).toBeLessThanOrEqual(Math.max(after.ordered - after.delivered, 0));
}

describe('a delivery split over the order line', () => {
  it.each([
    ['a full shipment of the list', line(10, 0, 10, 10), 10, 10, [10, 0, 0, 0], line(10, 10, 0, 0)],
    [
      'a short pick: the rest back to the back order, still allocated',
      line(10, 0, 10, 10),
      8,
      10,
      [8, 0, 0, 0],
      line(10, 8, 2, 0),
    ],
    ['the second part of a list shipped short', line(10, 8, 2, 0), 2, 0, [0, 2, 0, 0], line(10, 10, 0, 0)],
    ['the second part, the rest sent again on another list', line(10, 8, 2, 2), 2, 0, [0, 0, 2, 0], line(10, 10, 0, 0)],
    ['a cancelled list shipped anyway', line(3, 0, 3, 0), 3, 0, [0, 3, 0, 0], line(3, 3, 0, 0)],
    ['more than ordered', line(10, 0, 10, 10), 12, 10, [10, 0, 0, 2], line(10, 12, 0, 0)],
    ['a back order not allocated', line(10, 8, 0, 0), 2, 0, [0, 0, 0, 2], line(10, 10, 0, 0)],
    ['a list a stock fall partly released', line(10, 0, 6, 6), 6, 10, [6, 0, 0, 0], line(10, 6, 0, 0)],
  ])('%s', (_, before, delivered, ownSent, [fromThisList, fromBackOrder, fromOtherLists, beyond], after) => {
    const split = splitDelivery(before, delivered, ownSent);
    expect([split.fromThisList, split.fromBackOrder, split.fromOtherLists, split.beyond]).toEqual([
      fromThisList,
      fromBackOrder,
      fromOtherLists,
      beyond,
    ]);
    expect(split.after).toEqual(after);
    expectConsistent(split.after);
  });

  it('keeps what another list holds of the line sent', () => {
    // 12 ordered: 8 went out short on one list (6 delivered, 2 back), 4 others on a second list.
    const split = splitDelivery(line(12, 6, 6, 4), 2, 0);
    expect(split).toMatchObject({ fromBackOrder: 2, fromOtherLists: 0, after: line(12, 8, 4, 4) });
    expectConsistent(split.after);
  });
});
