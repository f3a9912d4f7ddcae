/**
 * The goods-receipt source reads what the reference allows Ongoing to send, not only what our
 * simulator sends: optional fields and lists may be null or absent. A receipt it cannot read is
 * never acknowledged (no report command), and is dead-lettered once per state read, not at every poll.
 * Ongoing's answer is given here as data: what is under test is the mapping and the bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import type { ReceiptReportCommand } from '../schemas/types.generated.js';
import type { OngoingApi, OngoingPurchaseOrder } from '../connectors/ongoing/api/client.js';
import {
  goodsReceiptSource,
  purchaseOrderToReceiptEvent,
  type ReportingPosition,
} from '../connectors/ongoing/goods-receipts.js';
import { fingerprintOf } from '../connectors/ongoing/reporting-back.js';

/** As Ongoing may send it: no articleItems, reportedNumberOfItems null, no inDate. */
const sparse: OngoingPurchaseOrder = {
  purchaseOrderInfo: {
    purchaseOrderId: 7,
    purchaseOrderNumber: 'PO-7',
    purchaseOrderStatus: { number: 300, text: null },
  },
  purchaseOrderLines: [
    {
      id: 71,
      rowNumber: '1',
      article: { articleSystemId: 1, articleNumber: 'TENT-2P', articleName: null, productCode: null },
      advisedNumberOfItems: 10,
      receivedNumberOfItems: 4,
      reportedNumberOfItems: null,
    },
    {
      id: 72,
      rowNumber: '2',
      article: { articleSystemId: 2, articleNumber: 'MUG', articleName: null, productCode: null },
      advisedNumberOfItems: 5,
      receivedNumberOfItems: 0,
      articleItems: null,
    },
  ],
};

/** A receipt whose line names no article: it cannot become an event. */
const broken: OngoingPurchaseOrder = {
  purchaseOrderInfo: {
    purchaseOrderId: 8,
    purchaseOrderNumber: 'PO-8',
    purchaseOrderStatus: { number: 300, text: null },
  },
  purchaseOrderLines: [{ id: 81, rowNumber: '1', article: null, receivedNumberOfItems: 3 }],
};

const ongoingAnswering = (pos: OngoingPurchaseOrder[]) =>
  ({ getAllPurchaseOrders: async () => pos }) as unknown as OngoingApi;

describe('the goods-receipt source', () => {
  it('reads a receipt whose optional lists and fields are null or absent', () => {
    const { value } = purchaseOrderToReceiptEvent(sparse, 1_000);
    expect(
      value.after!.lines.map((l) => [l.rowNumber, l.articleNumber, l.receivedNumberOfItems, l.reportedNumberOfItems]),
    ).toEqual([
      ['1', 'TENT-2P', 4, 0],
      ['2', 'MUG', 0, 0],
    ]);
    expect(value.after!.lastReceivedAt).toBeNull();
    expect(value.occurredAt).toBe(1_000);
    // Received and reported both name the version: 10 -> 8 -> 10 are three events.
    expect(value.eventId).toBe('ongoing:goods-receipt:7:71=4/0,72=0/0');
  });

  it('acknowledges only what became an event, and dead-letters an unreadable receipt once per state read', async () => {
    const source = goodsReceiptSource(ongoingAnswering([sparse, broken]), {
      goodsReceiptIntervalMs: 1_000,
      pageSize: 100,
    });
    const first = await source.poll({ lastReadAt: null }, new AbortController().signal);
    expect(first.events.map((e) => e.key)).toEqual(['PO-7']);
    expect(first.rejected?.map((r) => [r.key, (r.error as Error).message])).toEqual([
      ['PO-8', 'Ongoing purchase order PO-8: field purchaseOrderLines[0].article.articleNumber is missing'],
    ]);
    // The report command, PO-7's event's own, covers its line with goods only; PO-8 is never reported.
    expect(first.events.map((e) => e.acknowledgement?.topic.name)).toEqual([topics.receiptReport.name]);
    const report = first.events[0]!.acknowledgement!.value as ReceiptReportCommand;
    expect(report.payload).toEqual({
      purchaseOrderNumber: 'PO-7',
      ongoingPurchaseOrderId: 7,
      lines: [{ lineId: 71, reportedNumberOfItems: 4 }],
    });

    // Read again at the next poll (it was not acknowledged), but not dead-lettered again.
    const again = await source.poll(first.next, new AbortController().signal);
    expect(again.rejected).toEqual([]);
    expect((again.next as ReportingPosition).deadLettered).toEqual({ 8: fingerprintOf(broken) });
    // Once it changes in Ongoing, it is tried, and dead-lettered, once more.
    const changed = goodsReceiptSource(
      ongoingAnswering([
        { ...broken, purchaseOrderLines: [{ ...broken.purchaseOrderLines![0]!, receivedNumberOfItems: 5 }] },
      ]),
      { goodsReceiptIntervalMs: 1_000, pageSize: 100 },
    );
    expect((await changed.poll(again.next, new AbortController().signal)).rejected).toHaveLength(1);
  });

  it('remembers an event that never reached Kafka: not read out again while unchanged, tried again once changed', async () => {
    const source = goodsReceiptSource(ongoingAnswering([sparse]), { goodsReceiptIntervalMs: 1_000, pageSize: 100 });
    const first = await source.poll({ lastReadAt: null }, new AbortController().signal);
    // The runtime could not encode it (or the brokers refused it): it tells the source.
    const next = source.undelivered!(first.next, first.events);
    expect(next.deadLettered).toEqual({ 7: fingerprintOf(sparse) });
    const again = await source.poll(next, new AbortController().signal);
    expect([again.events, again.rejected]).toEqual([[], []]);
    expect(again.next.deadLettered).toEqual({ 7: fingerprintOf(sparse) });
    const fixed = { ...sparse, purchaseOrderInfo: { ...sparse.purchaseOrderInfo, purchaseOrderNumber: 'PO-7A' } };
    const changed = goodsReceiptSource(ongoingAnswering([fixed]), { goodsReceiptIntervalMs: 1_000, pageSize: 100 });
    const retried = await changed.poll(again.next, new AbortController().signal);
    expect(retried.events.map((e) => e.key)).toEqual(['PO-7A']);
    expect(retried.next.deadLettered).toBeUndefined();
  });
});
