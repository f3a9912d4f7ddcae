/** The arithmetic of `ops reconcile` (pipeline/ops/reconcile-diff.ts), without Kafka, a database or the network. */
import { describe, expect, it } from 'vitest';
import type { OngoingApi, OngoingPurchaseOrder } from '../connectors/ongoing/api/client.js';
import {
  compareStock,
  driftOf,
  formatStockReport,
  inFlightOf,
  sameDrift,
  stockReportJson,
} from '../pipeline/ops/reconcile-diff.js';
import { goodsReceipts, OngoingReads, returns, shipments } from '../pipeline/ops/reconcile-in-flight.js';

const meta = { warehouse: 'MAIN', checkedAt: Date.parse('2026-12-01T12:00:00Z') };

describe('in flight per flow', () => {
  it('is what Ongoing did less what Multicase booked, per document and article', () => {
    const inFlight = inFlightOf(
      'goods receipt (flow 3)',
      [
        { document: 'PO1', article: 'A', quantity: 10 },
        { document: 'PO1', article: 'B', quantity: 4 },
        { document: 'PO1', article: 'A', quantity: 2 }, // a second line of the same article
        { document: 'PO2', article: 'A', quantity: 3 },
      ],
      [
        { document: 'PO1', article: 'A', quantity: 12 },
        { document: 'PO1', article: 'B', quantity: 1 },
      ],
    );
    expect(inFlight).toEqual([
      { flow: 'goods receipt (flow 3)', document: 'PO1', article: 'B', quantity: 3 },
      { flow: 'goods receipt (flow 3)', document: 'PO2', article: 'A', quantity: 3 },
    ]);
  });

  it('keeps signs: a pick not yet booked is negative; float noise is rounded away', () => {
    expect(
      inFlightOf(
        'shipment (flow 6)',
        [{ document: '300001', article: 'A', quantity: -0.3 }],
        [{ document: '300001', article: 'A', quantity: -0.1 }],
      ),
    ).toEqual([{ flow: 'shipment (flow 6)', document: '300001', article: 'A', quantity: -0.2 }]);
    expect(
      inFlightOf(
        'x',
        [{ document: 'D', article: 'A', quantity: 0.1 + 0.2 }],
        [{ document: 'D', article: 'A', quantity: 0.3 }],
      ),
    ).toEqual([]);
  });

  it('counts a single-shot document booked at all as settled: the rest is drift', () => {
    const done = [
      { document: 'inventory 1/article 5', article: 'A', quantity: -8 },
      { document: 'inventory 2/article 5', article: 'A', quantity: -1 },
    ];
    const booked = [{ document: 'inventory 1/article 5', article: 'A', quantity: -5 }];
    expect(inFlightOf('adj', done, booked, { settledOnceBooked: true })).toEqual([
      { flow: 'adj', document: 'inventory 2/article 5', article: 'A', quantity: -1 },
    ]);
    expect(inFlightOf('adj', done, booked).map((f) => f.quantity)).toEqual([-3, -1]);
    // Handled with nothing booked (Multicase stock was already at its floor): settled too.
    expect(
      inFlightOf('adj', done, [...booked, { document: 'inventory 2/article 5', article: 'A', quantity: 0 }], {
        settledOnceBooked: true,
      }),
    ).toEqual([]);
  });
});

describe('drift', () => {
  const inFlight = [
    { flow: 'goods receipt (flow 3)', document: 'PO1', article: 'A', quantity: 5 },
    { flow: 'shipment (flow 6)', document: '300001', article: 'A', quantity: -2 },
  ];

  it('is Ongoing − Multicase − in flight, per article of either system', () => {
    const report = compareStock(
      new Map([
        ['A', 13],
        ['B', 7],
        ['C', 0],
        ['ONLY-ONGOING', 1],
      ]),
      new Map([
        ['A', 10],
        ['B', 9],
        ['C', 0],
        ['ONLY-MULTICASE', 4],
      ]),
      inFlight,
      meta,
    );
    expect(report.articles.map((a) => [a.article, a.ongoing, a.multicase, a.inFlight, a.drift])).toEqual([
      ['A', 13, 10, 3, 0],
      ['B', 7, 9, 0, -2],
      ['ONLY-MULTICASE', 0, 4, 0, -4],
      ['ONLY-ONGOING', 1, 0, 0, 1],
    ]);
    expect(report.drifted).toBe(3);
    expect(report.withInFlight).toBe(1);
    expect(report.articles[0]!.inFlightDocuments).toEqual([
      { flow: 'goods receipt (flow 3)', document: 'PO1', quantity: 5 },
      { flow: 'shipment (flow 6)', document: '300001', quantity: -2 },
    ]);
    expect(driftOf(report)).toEqual(
      new Map([
        ['B', -2],
        ['ONLY-MULTICASE', -4],
        ['ONLY-ONGOING', 1],
      ]),
    );
  });

  it('is not what open exceptions explain: that has a column of its own', () => {
    const report = compareStock(
      new Map([
        ['A', 2],
        ['B', 5],
      ]),
      new Map([
        ['A', 4],
        ['B', 8],
      ]),
      [],
      meta,
      [
        { article: 'A', quantity: -2, exceptions: [7] },
        { article: 'B', quantity: -1, exceptions: [8, 9] },
      ],
    );
    expect(report.articles.map((a) => [a.article, a.explained, a.exceptions, a.drift])).toEqual([
      ['A', -2, [7], 0],
      ['B', -1, [8, 9], -2],
    ]);
    expect([report.drifted, report.explainedByExceptions]).toEqual([1, 2]);
    const text = formatStockReport(report);
    expect(text).toContain(
      '2 articles compared, 1 with drift, 0 with events in flight, 2 with a difference open exceptions explain.',
    );
    expect(text).toMatch(/^A\s+2\s+4\s+0\s+-2 \(#7\)\s+0$/m);
    expect(text).toMatch(/^B\s+5\s+8\s+0\s+-1 \(#8, #9\)\s+-2$/m);
    expect(JSON.parse(stockReportJson(report)).explainedByExceptions).toBe(2);
  });

  it('two passes agree only on the same drift of the same articles', () => {
    const a = compareStock(new Map([['A', 5]]), new Map([['A', 3]]), [], meta);
    const same = compareStock(new Map([['A', 6]]), new Map([['A', 4]]), [], meta);
    const other = compareStock(new Map([['A', 5]]), new Map([['A', 4]]), [], meta);
    const none = compareStock(new Map([['A', 5]]), new Map([['A', 5]]), [], meta);
    expect(sameDrift(a, same)).toBe(true);
    expect(sameDrift(a, other)).toBe(false);
    expect(sameDrift(a, none)).toBe(false);
    expect(sameDrift(none, none)).toBe(true);
  });

  it('prints the articles that differ with what is in flight; --json parses and carries the same numbers', () => {
    const report = compareStock(
      new Map([
        ['A', 13],
        ['B', 7],
        ['SAME', 4],
      ]),
      new Map([
        ['A', 10],
        ['B', 9],
        ['SAME', 4],
      ]),
      inFlight,
      meta,
    );
    const text = formatStockReport(report);
    expect(text).toContain('3 articles compared, 1 with drift, 1 with events in flight');
    expect(text).toMatch(/^A\s+13\s+10\s+\+3\s+0\s+0$/m);
    expect(text).toMatch(/^B\s+7\s+9\s+0\s+0\s+-2$/m);
    expect(text).not.toMatch(/^SAME/m);
    expect(text).toMatch(/goods receipt \(flow 3\)\s+PO1\s+A\s+\+5/);
    expect(formatStockReport(report, { all: true })).toMatch(/^SAME\s+4\s+4\s+0\s+0\s+0$/m);
    const json = JSON.parse(stockReportJson(report));
    expect(json).toMatchObject({
      warehouse: 'MAIN',
      checkedAt: '2026-12-01T12:00:00.000Z',
      compared: 3,
      drifted: 1,
      withInFlight: 1,
    });
    expect(json.articles.map((a: { article: string; drift: number }) => [a.article, a.drift])).toEqual([
      ['A', 0],
      ['B', -2],
    ]);
  });
});

describe('what each flow reads from Ongoing', () => {
  const po = (number: string, isReturn: boolean, received: number): OngoingPurchaseOrder => ({
    purchaseOrderInfo: {
      purchaseOrderId: Number(number),
      purchaseOrderNumber: number,
      advanced: isReturn ? { purchaseOrderIsReturnType: true } : null,
    },
    purchaseOrderLines: [
      {
        id: 1,
        rowNumber: '1',
        article: { articleSystemId: 1, articleNumber: 'A', articleName: null, productCode: null },
        receivedNumberOfItems: received,
      },
      {
        id: 2,
        rowNumber: '2',
        article: { articleSystemId: 2, articleNumber: 'B', articleName: null, productCode: null },
        receivedNumberOfItems: 0,
      },
    ],
  });
  const api = {
    getAllPurchaseOrders: async () => [po('200001', false, 5), po('400001', true, 2)],
    getAllOrders: async () => [
      {
        orderInfo: { orderNumber: '300001' },
        orderLines: [
          { article: { articleNumber: 'A' }, pickedNumberOfItems: 3 },
          { article: { articleNumber: 'B' }, pickedNumberOfItems: 0 },
        ],
      },
    ],
  } as unknown as OngoingApi;

  it('tells goods receipts from return receipts by the return marker; picks lower stock', async () => {
    const reads = new OngoingReads(api, Date.now());
    expect(await goodsReceipts.ongoing(reads)).toEqual([{ document: '200001', article: 'A', quantity: 5 }]);
    expect(await returns.ongoing(reads)).toEqual([{ document: '400001', article: 'A', quantity: 2 }]);
    expect(await shipments.ongoing(reads)).toEqual([{ document: '300001', article: 'A', quantity: -3 }]);
  });
});
