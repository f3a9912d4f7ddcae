/**
 * The Ongoing WMS simulator against the rules of the real REST API (shared/reference/ongoing-wms-api.md):
 * auth, goods owners, upserts by business key, 201/200, bare arrays and id cursors, repeated-key
 * arrays, UTC times and code lists (refusals once work has started are in
 * ongoing-simulator-refusals.test.ts, the reporting-back flows in ongoing-simulator-reporting.test.ts).
 * Real PostgreSQL, simulator in-process on a random port, plain fetch so the wire format is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import {
  UTC,
  basic,
  orderBody,
  simulatorCalls,
  simulatorPerFile,
  type AnyJson,
} from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_rules');
const { api, article, order, purchaseOrder } = simulatorCalls(() => t.sim.baseUrl);

describe('authentication and goods owners', () => {
  it('answers 401 with an ASP.NET body to a wrong password or no credentials', async () => {
    const wrong = await api('GET', '/articles?goodsOwnerId=1', { auth: basic('api', 'not-the-password') });
    expect(wrong.status).toBe(401);
    expect(wrong.body.Message).toMatch(/Authorization has been denied/);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await api('GET', '/articles?goodsOwnerId=1', { auth: null })).status).toBe(401);
  });

  it('refuses a goods owner the API user is not allowed, in queries and in PUT bodies', async () => {
    const other = await api('GET', '/articles?goodsOwnerId=2');
    expect(other.status).toBe(403);
    expect(other.body.Message).toContain('goods owner 2');
    expect((await api('GET', '/orders?goodsOwnerId=99')).status).toBe(403);
    expect((await api('PUT', '/articles', { body: { goodsOwnerId: 2, articleNumber: 'X' } })).status).toBe(403);
  });

  it('requires goodsOwnerId on list GETs and PUT bodies, naming the field', async () => {
    for (const path of [
      '/articles',
      '/orders',
      '/purchaseOrders',
      '/returnOrders',
      '/inventoryAdjustments',
      '/transporterContracts',
    ]) {
      const r = await api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.Message, path).toContain('goodsOwnerId');
    }
    const put = await api('PUT', '/articles', { body: { articleNumber: 'A1' } });
    expect(put.status).toBe(400);
    expect(put.body.Message).toContain('goodsOwnerId');
  });

  it('names the offending field in validation errors', async () => {
    await article('A1');
    const noDate = await api('PUT', '/orders', {
      body: { ...orderBody('O-1', [['1', 'A1', 1]]), deliveryDate: undefined },
    });
    expect(noDate.status).toBe(400);
    expect(noDate.body.Message).toContain('deliveryDate');
    const noArticle = await api('PUT', '/orders', {
      body: { ...orderBody('O-1', []), orderLines: [{ rowNumber: '1', numberOfItems: 1 }] },
    });
    expect(noArticle.status).toBe(400);
    expect(noArticle.body.Message).toContain('orderLines[0].articleNumber');
    const dupRow = await api('PUT', '/orders', {
      body: orderBody('O-1', [
        ['1', 'A1', 1],
        ['1', 'A1', 2],
      ]),
    });
    expect(dupRow.status).toBe(400);
    expect(dupRow.body.Message).toContain('rowNumber');
  });
});

describe('upserts by business key', () => {
  it('PUT /articles returns the same articleSystemId for the same articleNumber and applies the update', async () => {
    const first = await api('PUT', '/articles', {
      body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'Old name', weight: 1.5 },
    });
    const firstRead = (await api('GET', `/articles/${first.body.articleSystemId}`)).body;
    await new Promise((r) => setTimeout(r, 20));
    const same = await api('PUT', '/articles', {
      body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'Old name', weight: 1.5 },
    });
    expect(same.body.articleSystemId).toBe(first.body.articleSystemId);
    expect((await api('GET', `/articles/${first.body.articleSystemId}`)).body.articleDataLastUpdated).toBe(
      firstRead.articleDataLastUpdated,
    );
    const second = await api('PUT', '/articles', {
      body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'New name' },
    });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ articleSystemId: first.body.articleSystemId, message: expect.any(String) });
    const read = (await api('GET', `/articles/${first.body.articleSystemId}`)).body;
    expect(read).toMatchObject({
      articleSystemId: first.body.articleSystemId,
      articleNumber: 'SKU-1',
      articleName: 'New name',
      weight: 1.5,
    });
    expect(read.articleDataLastUpdated > firstRead.articleDataLastUpdated).toBe(true);
    const list = (await api('GET', '/articles?goodsOwnerId=1')).body;
    expect(list).toHaveLength(1);
  });

  it('PUT /orders answers 201 on create and 200 on update, with the same orderId', async () => {
    await article('A1');
    await article('A2');
    const created = await api('PUT', '/orders', {
      body: orderBody('SO-100', [
        ['1', 'A1', 2],
        ['2', 'A2', 1],
      ]),
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ orderId: expect.any(Number), message: expect.any(String) });
    const updated = await api('PUT', '/orders', { body: orderBody('SO-100', [['1', 'A1', 5]]) });
    expect(updated.status).toBe(200);
    expect(updated.body.orderId).toBe(created.body.orderId);
    const read = (await api('GET', `/orders/${created.body.orderId}`)).body;
    expect(read.orderInfo).toMatchObject({
      orderId: created.body.orderId,
      orderNumber: 'SO-100',
      orderStatus: { number: 200, text: 'Open' },
    });
    expect(read.orderLines).toHaveLength(1);
    expect(read.orderLines[0]).toMatchObject({
      rowNumber: '1',
      orderedNumberOfItems: 5,
      article: { articleNumber: 'A1' },
      reportedNumberOfItems: null,
    });
  });

  it('PUT /purchaseOrders upserts by purchaseOrderNumber and refuses unknown articles', async () => {
    await article('A1');
    const id = await purchaseOrder('PO-1', [['1', 'A1', 10]]);
    expect(await purchaseOrder('PO-1', [['1', 'A1', 12]])).toBe(id);
    const read = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(read.purchaseOrderInfo).toMatchObject({
      purchaseOrderId: id,
      purchaseOrderNumber: 'PO-1',
      purchaseOrderStatus: { number: 100, text: 'Notified' },
    });
    expect(read.purchaseOrderLines[0]).toMatchObject({
      rowNumber: '1',
      advisedNumberOfItems: 12,
      receivedNumberOfItems: 0,
    });
    const unknown = await api('PUT', '/purchaseOrders', {
      body: {
        goodsOwnerId: 1,
        purchaseOrderNumber: 'PO-2',
        purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'NOPE', numberOfItems: 1 }],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toContain("'NOPE'");
  });

  it('refuses an order line for an unknown article with a 4xx', async () => {
    const r = await api('PUT', '/orders', { body: orderBody('SO-X', [['1', 'MISSING', 1]]) });
    expect(r.status).toBe(400);
    expect(r.body.Message).toContain("'MISSING'");
  });
});

describe('lists: bare arrays, id cursors, repeated keys, UTC times', () => {
  it('pages articles by articleSystemIdFrom (inclusive, ascending) and maxArticlesToGet', async () => {
    const ids: number[] = [];
    for (const n of ['P1', 'P2', 'P3', 'P4', 'P5']) ids.push(await article(n));
    const first = await api('GET', '/articles?goodsOwnerId=1&maxArticlesToGet=2');
    expect(Array.isArray(first.body)).toBe(true);
    expect(first.body.map((a: AnyJson) => a.articleSystemId)).toEqual(ids.slice(0, 2));
    const from = await api('GET', `/articles?goodsOwnerId=1&articleSystemIdFrom=${ids[2]}&maxArticlesToGet=2`);
    expect(from.body.map((a: AnyJson) => a.articleNumber)).toEqual(['P3', 'P4']);
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = (await api('GET', `/articles?goodsOwnerId=1&articleSystemIdFrom=${cursor}&maxArticlesToGet=2`))
        .body as AnyJson[];
      seen.push(...page.map((a) => a.articleSystemId));
      if (page.length < 2) break;
      cursor = page[page.length - 1].articleSystemId + 1;
    }
    expect(seen).toEqual(ids);
  });

  it('takes arrays as repeated keys; a comma list matches nothing', async () => {
    await article('R1');
    await article('R2');
    await article('R3');
    const repeated = await api('GET', '/articles?goodsOwnerId=1&articleNumbers=R1&articleNumbers=R3');
    expect(repeated.body.map((a: AnyJson) => a.articleNumber)).toEqual(['R1', 'R3']);
    const comma = await api('GET', '/articles?goodsOwnerId=1&articleNumbers=R1,R3');
    expect(comma.status).toBe(200);
    expect(comma.body).toEqual([]);
  });

  it('pages orders by orderIdFrom/maxOrdersToGet and filters orderNumbers[]', async () => {
    await article('A1');
    const ids = [
      await order('L-1', [['1', 'A1', 1]]),
      await order('L-2', [['1', 'A1', 1]]),
      await order('L-3', [['1', 'A1', 1]]),
    ];
    const page = (await api('GET', `/orders?goodsOwnerId=1&orderIdFrom=${ids[1]}&maxOrdersToGet=1`)).body;
    expect(page.map((o: AnyJson) => o.orderInfo.orderId)).toEqual([ids[1]]);
    const byNumbers = (await api('GET', '/orders?goodsOwnerId=1&orderNumbers=L-1&orderNumbers=L-3')).body;
    expect(byNumbers.map((o: AnyJson) => o.orderInfo.orderNumber)).toEqual(['L-1', 'L-3']);
  });

  it('answers times in UTC with Z and reads request offsets', async () => {
    await article('A1');
    const id = await order('T-1', [['1', 'A1', 1]], { deliveryDate: '2024-05-01T10:00:00+02:00' });
    const o = (await api('GET', `/orders/${id}`)).body;
    expect(o.orderInfo.deliveryDate).toBe('2024-05-01T08:00:00.000Z');
    expect(o.orderInfo.createdDate).toMatch(UTC);
    const a = (await api('GET', '/articles?goodsOwnerId=1')).body[0];
    expect(a.articleDataLastUpdated).toMatch(UTC);
  });
});

describe('code lists', () => {
  it('serves the default statuses and serves what is seeded instead', async () => {
    const orders = (await api('GET', '/orders/statuses')).body;
    expect(orders.orderStatuses).toContainEqual({ number: 450, text: 'Sent' });
    expect(orders.orderStatuses.map((s: AnyJson) => s.number)).toEqual([150, 200, 300, 320, 400, 450, 500, 800, 1000]);
    expect((await api('GET', '/purchaseOrders/statuses')).body.orderStatuses).toContainEqual({
      number: 400,
      text: 'Deflection',
    });
    expect((await api('GET', '/returnOrders/statuses')).body.returnOrderStatuses).toContainEqual({
      number: 300,
      text: 'Received',
    });

    await t.control.seed({
      orderStatuses: [
        { number: 200, text: 'Öppen' },
        { number: 450, text: 'Skickad' },
        { number: 451, text: 'Redo för upphämtning' },
      ],
    });
    expect((await api('GET', '/orders/statuses')).body.orderStatuses).toEqual([
      { number: 200, text: 'Öppen' },
      { number: 450, text: 'Skickad' },
      { number: 451, text: 'Redo för upphämtning' },
    ]);
    // Other lists keep their values when only one is seeded.
    expect((await api('GET', '/purchaseOrders/statuses')).body.orderStatuses).toHaveLength(6);
    await t.control.seed();
    expect((await api('GET', '/orders/statuses')).body.orderStatuses).toContainEqual({ number: 450, text: 'Sent' });
  });

  it('lists transporter contracts and ways of delivery, and refuses unknown transporter codes', async () => {
    const contracts = (await api('GET', '/transporterContracts?goodsOwnerId=1')).body;
    const plab = contracts.find((c: AnyJson) => c.transporterCode === 'PLAB');
    expect(plab.transporterServices.map((s: AnyJson) => s.transporterServiceCode)).toEqual(
      expect.arrayContaining(['P18', 'P19']),
    );
    expect(
      (await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes.map(
        (w: AnyJson) => w.code,
      ),
    ).toContain('STANDARD');
    expect((await api('GET', '/warehouses')).body).toEqual([{ id: 1, code: 'MAIN', name: 'Main warehouse' }]);
    const wod = await api('PUT', '/orders/wayOfDeliveryTypes', {
      body: { goodsOwnerId: 1, code: 'NIGHT', name: 'Night delivery' },
    });
    expect(wod.body).toEqual({ wayOfDeliveryTypeId: expect.any(Number), success: true, message: expect.any(String) });
    expect((await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes).toContainEqual({
      id: wod.body.wayOfDeliveryTypeId,
      code: 'NIGHT',
      name: 'Night delivery',
    });
    expect((await api('DELETE', `/orders/wayOfDeliveryTypes/${wod.body.wayOfDeliveryTypeId}`)).status).toBe(200);
    expect(
      (await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes.map(
        (w: AnyJson) => w.code,
      ),
    ).not.toContain('NIGHT');

    await article('A1');
    const unknown = await api('PUT', '/orders', {
      body: orderBody('TR-1', [['1', 'A1', 1]], { transporter: { transporterCode: 'NOSUCH' } }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toContain("'NOSUCH'");
    const badService = await api('PUT', '/orders', {
      body: orderBody('TR-1', [['1', 'A1', 1]], {
        transporter: { transporterCode: 'PLAB', transporterServiceCode: 'X99' },
      }),
    });
    expect(badService.status).toBe(400);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderNumber=TR-1')).body).toEqual([]);

    const id = await order('TR-1', [['1', 'A1', 1]], {
      transporter: { transporterCode: 'PLAB', transporterServiceCode: 'P19' },
      wayOfDelivery: { code: 'EXPRESS', name: 'Express' },
    });
    const o = (await api('GET', `/orders/${id}`)).body;
    expect(o.transporter).toEqual({
      transporterName: 'PostNord Logistics AB',
      name: 'PostNord MyPack Collect',
      code: 'PLAB',
      serviceCode: 'P19',
    });
    expect(o.orderInfo.wayOfDelivery).toEqual({ code: 'EXPRESS', name: 'Express' });
    expect((await api('PATCH', `/orders/${id}/transporter`, { body: { transporterCode: 'NOSUCH' } })).status).toBe(400);
  });
});
