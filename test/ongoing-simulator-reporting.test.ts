/**
 * The Ongoing WMS simulator's reporting-back flows against the rules of the real REST API
 * (shared/reference/ongoing-wms-api.md): goods receipts, picking and shipping, picking
 * discrepancies, returns, inventory adjustments and stock changes, each found until it is
 * reported. Real PostgreSQL, simulator in-process on a random port, plain fetch so the wire format
 * is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import { UTC, simulatorCalls, simulatorPerFile, type AnyJson } from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_reporting');
const { api, article, order, purchaseOrder, stockOf } = simulatorCalls(() => t.sim.baseUrl);

describe('reporting back', () => {
  it('goods receipts: a partial receipt is found, acknowledged, and the rest is found again', async () => {
    const a1 = await article('A1');
    await article('A2');
    const id = await purchaseOrder('PO-R', [
      ['1', 'A1', 10],
      ['2', 'A2', 5],
    ]);
    const toReport = () =>
      api('GET', '/purchaseOrders?goodsOwnerId=1&onlyPurchaseOrdersWithOrderLinesToReport=true').then((r) =>
        r.body.map((p: AnyJson) => p.purchaseOrderInfo.purchaseOrderId),
      );
    expect(await toReport()).toEqual([]);
    const before = new Date(Date.now() - 1000).toISOString();

    await t.control.receivePurchaseOrder({ purchaseOrderNumber: 'PO-R' }, [
      { rowNumber: '1', numberOfItems: 4, batchNumber: 'B1' },
    ]);
    expect(await toReport()).toEqual([id]);
    const partial = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(partial.purchaseOrderInfo.purchaseOrderStatus).toEqual({ number: 400, text: 'Deflection' });
    expect(partial.purchaseOrderLines[0]).toMatchObject({
      receivedNumberOfItems: 4,
      reportedNumberOfItems: null,
      articleItems: [{ numberOfItems: 4, batchNumber: 'B1' }],
    });
    expect(partial.purchaseOrderLines[0].articleItems[0].inDate).toMatch(UTC);
    expect(
      (await api('GET', `/purchaseOrders?goodsOwnerId=1&lastReceiveTimeFrom=${encodeURIComponent(before)}`)).body,
    ).toHaveLength(1);
    expect(await stockOf(a1)).toBe(4);

    const ack = await api('PATCH', `/purchaseOrders/${id}/setReportedNumberOfItemsToReceivedNumberOfItems`);
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({ purchaseOrderId: id, message: expect.any(String) });
    expect(await toReport()).toEqual([]);

    await t.control.receivePurchaseOrder({ purchaseOrderId: id });
    expect(await toReport()).toEqual([id]);
    const done = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(done.purchaseOrderInfo.purchaseOrderStatus.number).toBe(500);
    expect(done.purchaseOrderLines.map((l: AnyJson) => [l.receivedNumberOfItems, l.reportedNumberOfItems])).toEqual([
      [10, 4],
      [5, 0], // acknowledged while nothing had arrived on it
    ]);
    expect(await stockOf(a1)).toBe(10);
    const lineId = done.purchaseOrderLines[0].id;
    await api('PATCH', `/purchaseOrders/${id}/lines/${lineId}/reportedNumberOfItems`, {
      body: { reportedNumberOfItems: 10 },
    });
    expect(await toReport()).toEqual([id]);
    await api('PATCH', `/purchaseOrders/${id}/setReportedNumberOfItemsToReceivedNumberOfItems`);
    expect(await toReport()).toEqual([]);
  });

  it('picking and shipping: picked lines are found until reported; the shipment carries tracking', async () => {
    const a1 = await article('A1');
    await article('A2');
    await t.control.adjustStock({
      adjustments: [{ articleNumber: 'A1', numberOfItems: 100 }],
      recordAdjustment: false,
    });
    const id = await order(
      'S-1',
      [
        ['1', 'A1', 5],
        ['2', 'A2', 2],
      ],
      { transporter: { transporterCode: 'PLAB', transporterServiceCode: 'P19' } },
    );
    expect((await api('GET', `/articles/${a1}`)).body.inventoryInfo).toMatchObject({
      numberOfItems: 100,
      numberOfBookedItems: 5,
      sellableNumberOfItems: 95,
    });
    const toReport = () =>
      api('GET', '/orders?goodsOwnerId=1&onlyOrdersWithOrderLinesToReport=true').then((r) =>
        r.body.map((o: AnyJson) => o.orderInfo.orderId),
      );
    expect(await toReport()).toEqual([]);

    const picked = await t.control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 3 }]);
    expect(picked.orderInfo.orderStatus.number).toBe(400);
    expect(await toReport()).toEqual([id]);
    const line1 = picked.orderLines[0];
    expect(line1).toMatchObject({
      pickedNumberOfItems: 3,
      pickedArticleItems: [{ numberOfItems: 3, isReturned: false }],
    });
    expect(await stockOf(a1)).toBe(97);
    await api('PATCH', `/orders/${id}/lines/${line1.id}/reportedNumberOfItems`, { body: { reportedNumberOfItems: 3 } });
    expect(await toReport()).toEqual([]);

    const shippedFrom = new Date(Date.now() - 1000).toISOString();
    const shipped = await t.control.fulfilOrder({ orderNumber: 'S-1' }, { parcels: 2 });
    expect(shipped.orderInfo.orderStatus).toEqual({ number: 450, text: 'Sent' });
    expect(shipped.orderInfo.shippedTime).toMatch(UTC);
    expect(shipped.orderInfo.wayBill).toBeTruthy();
    expect(shipped.tracking).toEqual([
      {
        waybill: shipped.orderInfo.wayBill,
        trackingUrl: expect.stringContaining('postnord'),
        created: expect.stringMatching(UTC),
      },
    ]);
    expect(shipped.parcels).toHaveLength(2);
    expect(shipped.parcels[0]).toMatchObject({ isReturnParcel: false, tracking: { trackingUrl: expect.any(String) } });
    expect(shipped.orderLines.map((l: AnyJson) => l.packedNumberOfItems)).toEqual([5, 2]);
    expect(await toReport()).toEqual([id]);
    expect(
      (await api('GET', `/orders?goodsOwnerId=1&shippedTimeFrom=${encodeURIComponent(shippedFrom)}`)).body,
    ).toHaveLength(1);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderStatusFrom=450&orderStatusTo=500')).body).toHaveLength(1);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderStatusFrom=500')).body).toHaveLength(0);

    await api('PATCH', `/orders/${id}/setReportedNumberOfItemsToPickedNumberOfItems`);
    expect(await toReport()).toEqual([]);
    expect((await api('GET', `/articles/${a1}`)).body.inventoryInfo).toMatchObject({
      numberOfItems: 95,
      numberOfBookedItems: 0,
      sellableNumberOfItems: 95,
    });
  });

  it('picking discrepancies become inventory adjustments', async () => {
    const a1 = await article('A1');
    await t.control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 10 }], recordAdjustment: false });
    const id = await order('D-1', [['1', 'A1', 5]]);
    await t.control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 3, missingNumberOfItems: 2 }]);
    const adjustments = (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body;
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0].inventoryAdjustments[0]).toMatchObject({
      numberOfItems: -2,
      inventoryAdjustmentCause: { code: 'PICKDIFF' },
    });
    expect(await stockOf(a1)).toBe(5);
  });

  it('returns: return orders against Ongoing ids, returned quantities on both records, reported-returned filter', async () => {
    const a1 = await article('A1');
    const id = await order('RT-1', [['1', 'A1', 4]]);
    const shipped = await t.control.shipOrder({ orderId: id });
    const orderLineId = shipped.orderLines[0].id;
    const put = {
      goodsOwnerId: 1,
      returnOrderNumber: 'RMA-1',
      customerOrder: { orderId: id },
      returnOrderLines: [
        {
          returnOrderRowNumber: '1',
          customerOrderLine: { orderLineId },
          toBeReturnedNumberOfItems: 3,
          returnCause: { code: 'WRONG', name: 'Wrong size' },
        },
      ],
    };
    const created = await api('PUT', '/returnOrders', { body: put });
    expect(created.status).toBe(200);
    expect((await api('PUT', '/returnOrders', { body: put })).body.returnOrderId).toBe(created.body.returnOrderId);
    const badLine = await api('PUT', '/returnOrders', {
      body: {
        ...put,
        returnOrderNumber: 'RMA-2',
        returnOrderLines: [{ ...put.returnOrderLines[0], customerOrderLine: { orderLineId: 1 } }],
      },
    });
    expect(badLine.status).toBe(400);

    const toReportReturned = () =>
      api('GET', '/orders?goodsOwnerId=1&onlyOrdersWithOrderLinesToReportReturned=true').then((r) =>
        r.body.map((o: AnyJson) => o.orderInfo.orderId),
      );
    expect(await toReportReturned()).toEqual([]);
    const stockBefore = await stockOf(a1);
    const since = new Date(Date.now() - 1000).toISOString();

    const received = await t.control.receiveReturnOrder({ returnOrderNumber: 'RMA-1' }, [
      { returnOrderRowNumber: '1', numberOfItems: 2 },
    ]);
    expect(received.returnOrderInfo.returnOrderStatus).toEqual({ number: 200, text: 'Arrived' });
    expect(received.returnOrderLines[0]).toMatchObject({
      toBeReturnedNumberOfItems: 3,
      returnedNumberOfItems: 2,
      returnedArticleItems: [
        { numberOfItems: 2, returnCause: { code: 'WRONG', name: 'Wrong size' }, isReturnRemovedByInventory: false },
      ],
    });
    const o = (await api('GET', `/orders/${id}`)).body;
    expect(o.orderLines[0]).toMatchObject({ returnedNumberOfItems: 2, reportedReturnedNumberOfItems: null });
    expect(
      o.orderLines[0].pickedArticleItems.filter((i: AnyJson) => i.isReturned).map((i: AnyJson) => i.numberOfItems),
    ).toEqual([2]);
    expect(await stockOf(a1)).toBe(stockBefore + 2);
    expect(await toReportReturned()).toEqual([id]);
    expect(
      (await api('GET', `/orders?goodsOwnerId=1&lastReturnedFrom=${encodeURIComponent(since)}`)).body,
    ).toHaveLength(1);
    const byDate = (await api('GET', `/returnOrders?goodsOwnerId=1&goodsReturnedFromDate=${encodeURIComponent(since)}`))
      .body;
    expect(byDate.map((r: AnyJson) => r.returnOrderInfo.returnOrderNumber)).toEqual(['RMA-1']);
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&customerOrderNumbers=RT-1')).body).toHaveLength(1);
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&returnOrderStatusFrom=300')).body).toHaveLength(0);

    await api('PATCH', `/orders/${id}/setReportedReturnedNumberOfItemsToReturnedNumberOfItems`);
    expect(await toReportReturned()).toEqual([]);
    await t.control.receiveReturnOrder({ returnOrderNumber: 'RMA-1' });
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&returnOrderStatusFrom=300')).body).toHaveLength(1);
    expect(await toReportReturned()).toEqual([id]);
    expect((await api('PUT', '/returnOrders', { body: put })).status).toBe(400);
  });

  it('inventory adjustments: signed, grouped by article, isReported until setReported', async () => {
    const a1 = await article('A1');
    const a2 = await article('A2');
    await t.control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 10 }], recordAdjustment: false });
    const inv = await t.control.adjustStock({
      adjustments: [
        { articleNumber: 'A1', numberOfItems: -2, cause: { code: 'DMG', name: 'Dropped on floor' } },
        { articleNumber: 'A2', numberOfItems: 3, cause: { code: 'CNT', name: 'Counting' } },
      ],
    });
    const unreported = (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body;
    expect(unreported.map((l: AnyJson) => l.article.articleSystemId)).toEqual([a1, a2]);
    expect(unreported[0].inventoryAdjustments).toEqual([
      expect.objectContaining({
        inventoryId: inv.inventoryId,
        numberOfItems: -2,
        inventoryTime: expect.stringMatching(UTC),
        inventoryAdjustmentCause: { code: 'DMG', name: 'Dropped on floor' },
      }),
    ]);
    expect(await stockOf(a1)).toBe(8);

    const set = await api('PATCH', `/inventoryAdjustments/${inv.inventoryId}/articles/${a1}/setReported`);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      message: expect.any(String),
      items: [{ inventoryArticleItemId: inv.inventoryArticleItemIds[0], articleItemId: expect.any(Number) }],
    });
    expect(
      (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body.map(
        (l: AnyJson) => l.article.articleSystemId,
      ),
    ).toEqual([a2]);
    expect(
      (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=true')).body.map(
        (l: AnyJson) => l.article.articleSystemId,
      ),
    ).toEqual([a1]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await api('GET', `/inventoryAdjustments?goodsOwnerId=1&from=${encodeURIComponent(future)}`)).body).toEqual(
      [],
    );
    expect((await api('PATCH', `/inventoryAdjustments/${inv.inventoryId}/articles/999999/setReported`)).status).toBe(
      404,
    );
  });

  it('stock changes: stockInfoChangedFrom within 24 hours finds them, older is refused', async () => {
    const a1 = await article('A1');
    await article('A2');
    const since = new Date(Date.now() - 500).toISOString();
    await new Promise((r) => setTimeout(r, 600));
    const after = new Date().toISOString();
    await t.control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 1 }] });
    expect(
      (await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(after)}`)).body.map(
        (a: AnyJson) => a.articleSystemId,
      ),
    ).toEqual([a1]);
    expect(
      (await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(since)}`)).body,
    ).toHaveLength(2);
    const old = new Date(Date.now() - 25 * 3600 * 1000).toISOString();
    const refused = await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(old)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.Message).toContain('must be within 24 hours');
    expect(
      (await api('GET', '/articles?goodsOwnerId=1&onlyArticlesInStock=true')).body.map(
        (a: AnyJson) => a.articleSystemId,
      ),
    ).toEqual([a1]);
  });
});
