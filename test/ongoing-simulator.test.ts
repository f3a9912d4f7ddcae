/**
 * The Ongoing WMS simulator against the rules of the real REST API (shared/reference/ongoing-wms-api.md):
 * auth, goods owners, upserts by business key, 201/200, bare arrays and id cursors, repeated-key
 * arrays, UTC times, code lists, refusals once work has started, and the reporting-back flows.
 * Real PostgreSQL, simulator in-process on a random port, plain fetch so the wire format is what
 * is asserted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatorControl, startOngoingSimulator, type OngoingSimulator } from '../infra/local/ongoing-simulator/index.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

let db: TempDatabase;
let sim: OngoingSimulator;
let control: SimulatorControl;

/** Response bodies are asserted field by field; the wire format is what is under test, not a type. */
type AnyJson = any;

interface Call {
  status: number;
  body: AnyJson;
  headers: Headers;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function api(method: string, path: string, options: { body?: unknown; auth?: string | null } = {}): Promise<Call> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? basic('api', 'secret') : options.auth;
  if (auth) headers.authorization = auth;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

async function article(articleNumber: string, extra: Record<string, unknown> = {}): Promise<number> {
  const r = await api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber, articleName: `Article ${articleNumber}`, ...extra } });
  expect(r.status).toBe(200);
  return r.body.articleSystemId;
}

function orderBody(orderNumber: string, lines: [string, string, number][], extra: Record<string, unknown> = {}) {
  return {
    goodsOwnerId: 1,
    orderNumber,
    deliveryDate: '2024-05-01',
    consignee: { name: 'Kund AB', address1: 'Storgatan 1', postCode: '11122', city: 'Stockholm', countryCode: 'SE' },
    orderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({ rowNumber, articleNumber, numberOfItems })),
    ...extra,
  };
}

async function order(orderNumber: string, lines: [string, string, number][], extra: Record<string, unknown> = {}): Promise<number> {
  const r = await api('PUT', '/orders', { body: orderBody(orderNumber, lines, extra) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.orderId;
}

async function purchaseOrder(purchaseOrderNumber: string, lines: [string, string, number][]): Promise<number> {
  const r = await api('PUT', '/purchaseOrders', {
    body: { goodsOwnerId: 1, purchaseOrderNumber, purchaseOrderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({ rowNumber, articleNumber, numberOfItems })) },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.purchaseOrderId;
}

async function stockOf(articleSystemId: number): Promise<number> {
  return (await api('GET', `/articles/${articleSystemId}`)).body.inventoryInfo.numberOfItems;
}

beforeAll(async () => {
  db = await createTempDatabase('ongoing_sim_api');
  sim = await startOngoingSimulator({ databaseUrl: db.url, port: 0 });
  control = new SimulatorControl(sim.controlUrl);
});

afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

beforeEach(async () => {
  await control.reset();
});

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
    for (const path of ['/articles', '/orders', '/purchaseOrders', '/returnOrders', '/inventoryAdjustments', '/transporterContracts']) {
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
    const noDate = await api('PUT', '/orders', { body: { ...orderBody('O-1', [['1', 'A1', 1]]), deliveryDate: undefined } });
    expect(noDate.status).toBe(400);
    expect(noDate.body.Message).toContain('deliveryDate');
    const noArticle = await api('PUT', '/orders', { body: { ...orderBody('O-1', []), orderLines: [{ rowNumber: '1', numberOfItems: 1 }] } });
    expect(noArticle.status).toBe(400);
    expect(noArticle.body.Message).toContain('orderLines[0].articleNumber');
    const dupRow = await api('PUT', '/orders', { body: orderBody('O-1', [['1', 'A1', 1], ['1', 'A1', 2]]) });
    expect(dupRow.status).toBe(400);
    expect(dupRow.body.Message).toContain('rowNumber');
  });
});

describe('upserts by business key', () => {
  it('PUT /articles returns the same articleSystemId for the same articleNumber and applies the update', async () => {
    const first = await api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'Old name', weight: 1.5 } });
    const firstRead = (await api('GET', `/articles/${first.body.articleSystemId}`)).body;
    await new Promise((r) => setTimeout(r, 20));
    const same = await api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'Old name', weight: 1.5 } });
    expect(same.body.articleSystemId).toBe(first.body.articleSystemId);
    expect((await api('GET', `/articles/${first.body.articleSystemId}`)).body.articleDataLastUpdated).toBe(firstRead.articleDataLastUpdated);
    const second = await api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber: 'SKU-1', articleName: 'New name' } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ articleSystemId: first.body.articleSystemId, message: expect.any(String) });
    const read = (await api('GET', `/articles/${first.body.articleSystemId}`)).body;
    expect(read).toMatchObject({ articleSystemId: first.body.articleSystemId, articleNumber: 'SKU-1', articleName: 'New name', weight: 1.5 });
    expect(read.articleDataLastUpdated > firstRead.articleDataLastUpdated).toBe(true);
    const list = (await api('GET', '/articles?goodsOwnerId=1')).body;
    expect(list).toHaveLength(1);
  });

  it('PUT /orders answers 201 on create and 200 on update, with the same orderId', async () => {
    await article('A1');
    await article('A2');
    const created = await api('PUT', '/orders', { body: orderBody('SO-100', [['1', 'A1', 2], ['2', 'A2', 1]]) });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ orderId: expect.any(Number), message: expect.any(String) });
    const updated = await api('PUT', '/orders', { body: orderBody('SO-100', [['1', 'A1', 5]]) });
    expect(updated.status).toBe(200);
    expect(updated.body.orderId).toBe(created.body.orderId);
    const read = (await api('GET', `/orders/${created.body.orderId}`)).body;
    expect(read.orderInfo).toMatchObject({ orderId: created.body.orderId, orderNumber: 'SO-100', orderStatus: { number: 200, text: 'Open' } });
    expect(read.orderLines).toHaveLength(1);
    expect(read.orderLines[0]).toMatchObject({ rowNumber: '1', orderedNumberOfItems: 5, article: { articleNumber: 'A1' }, reportedNumberOfItems: null });
  });

  it('PUT /purchaseOrders upserts by purchaseOrderNumber and refuses unknown articles', async () => {
    await article('A1');
    const id = await purchaseOrder('PO-1', [['1', 'A1', 10]]);
    expect(await purchaseOrder('PO-1', [['1', 'A1', 12]])).toBe(id);
    const read = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(read.purchaseOrderInfo).toMatchObject({ purchaseOrderId: id, purchaseOrderNumber: 'PO-1', purchaseOrderStatus: { number: 100, text: 'Notified' } });
    expect(read.purchaseOrderLines[0]).toMatchObject({ rowNumber: '1', advisedNumberOfItems: 12, receivedNumberOfItems: 0 });
    const unknown = await api('PUT', '/purchaseOrders', { body: { goodsOwnerId: 1, purchaseOrderNumber: 'PO-2', purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'NOPE', numberOfItems: 1 }] } });
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
      const page = (await api('GET', `/articles?goodsOwnerId=1&articleSystemIdFrom=${cursor}&maxArticlesToGet=2`)).body as AnyJson[];
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
    const ids = [await order('L-1', [['1', 'A1', 1]]), await order('L-2', [['1', 'A1', 1]]), await order('L-3', [['1', 'A1', 1]])];
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
    expect((await api('GET', '/purchaseOrders/statuses')).body.orderStatuses).toContainEqual({ number: 400, text: 'Deflection' });
    expect((await api('GET', '/returnOrders/statuses')).body.returnOrderStatuses).toContainEqual({ number: 300, text: 'Received' });

    await control.seed({ orderStatuses: [{ number: 200, text: 'Öppen' }, { number: 450, text: 'Skickad' }, { number: 451, text: 'Redo för upphämtning' }] });
    expect((await api('GET', '/orders/statuses')).body.orderStatuses).toEqual([
      { number: 200, text: 'Öppen' },
      { number: 450, text: 'Skickad' },
      { number: 451, text: 'Redo för upphämtning' },
    ]);
    // Other lists keep their values when only one is seeded.
    expect((await api('GET', '/purchaseOrders/statuses')).body.orderStatuses).toHaveLength(6);
    await control.seed();
    expect((await api('GET', '/orders/statuses')).body.orderStatuses).toContainEqual({ number: 450, text: 'Sent' });
  });

  it('lists transporter contracts and ways of delivery, and refuses unknown transporter codes', async () => {
    const contracts = (await api('GET', '/transporterContracts?goodsOwnerId=1')).body;
    const plab = contracts.find((c: AnyJson) => c.transporterCode === 'PLAB');
    expect(plab.transporterServices.map((s: AnyJson) => s.transporterServiceCode)).toEqual(expect.arrayContaining(['P18', 'P19']));
    expect((await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes.map((w: AnyJson) => w.code)).toContain('STANDARD');
    expect((await api('GET', '/warehouses')).body).toEqual([{ id: 1, code: 'MAIN', name: 'Main warehouse' }]);
    const wod = await api('PUT', '/orders/wayOfDeliveryTypes', { body: { goodsOwnerId: 1, code: 'NIGHT', name: 'Night delivery' } });
    expect(wod.body).toEqual({ wayOfDeliveryTypeId: expect.any(Number), success: true, message: expect.any(String) });
    expect((await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes).toContainEqual({ id: wod.body.wayOfDeliveryTypeId, code: 'NIGHT', name: 'Night delivery' });
    expect((await api('DELETE', `/orders/wayOfDeliveryTypes/${wod.body.wayOfDeliveryTypeId}`)).status).toBe(200);
    expect((await api('GET', '/orders/wayOfDeliveryTypes?goodsOwnerId=1')).body.wayOfDeliveryTypes.map((w: AnyJson) => w.code)).not.toContain('NIGHT');

    await article('A1');
    const unknown = await api('PUT', '/orders', { body: orderBody('TR-1', [['1', 'A1', 1]], { transporter: { transporterCode: 'NOSUCH' } }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toContain("'NOSUCH'");
    const badService = await api('PUT', '/orders', { body: orderBody('TR-1', [['1', 'A1', 1]], { transporter: { transporterCode: 'PLAB', transporterServiceCode: 'X99' } }) });
    expect(badService.status).toBe(400);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderNumber=TR-1')).body).toEqual([]);

    const id = await order('TR-1', [['1', 'A1', 1]], { transporter: { transporterCode: 'PLAB', transporterServiceCode: 'P19' }, wayOfDelivery: { code: 'EXPRESS', name: 'Express' } });
    const o = (await api('GET', `/orders/${id}`)).body;
    expect(o.transporter).toEqual({ transporterName: 'PostNord Logistics AB', name: 'PostNord MyPack Collect', code: 'PLAB', serviceCode: 'P19' });
    expect(o.orderInfo.wayOfDelivery).toEqual({ code: 'EXPRESS', name: 'Express' });
    expect((await api('PATCH', `/orders/${id}/transporter`, { body: { transporterCode: 'NOSUCH' } })).status).toBe(400);
  });
});

describe('refusals once the warehouse has started', () => {
  it('refuses to update or cancel a picked order, with a Message body', async () => {
    await article('A1');
    const id = await order('W-1', [['1', 'A1', 3]]);
    await control.pickOrder({ orderId: id });
    const update = await api('PUT', '/orders', { body: orderBody('W-1', [['1', 'A1', 4]]) });
    expect(update.status).toBe(400);
    expect(update.body.Message).toMatch(/started/);
    const cancel = await api('DELETE', `/orders/${id}`);
    expect(cancel.status).toBe(400);
    expect(cancel.body.Message).toMatch(/started/);
    expect((await api('PATCH', `/orders/${id}/orderStatus`, { body: { orderStatusNumber: 300 } })).status).toBe(400);
    expect((await api('GET', `/orders/${id}`)).body.orderLines[0].orderedNumberOfItems).toBe(3);
  });

  it('refuses an allocated order too, but cancels an untouched one (idempotently, by id or number)', async () => {
    await article('A1');
    const allocated = await order('W-2', [['1', 'A1', 1]]);
    await control.allocateOrder({ orderId: allocated });
    expect((await api('PUT', '/orders', { body: orderBody('W-2', [['1', 'A1', 2]]) })).status).toBe(400);
    const open = await order('W-3', [['1', 'A1', 1]]);
    const released = await api('PATCH', `/orders/${open}/orderStatus`, { body: { orderStatusNumber: 300 } });
    expect(released.body).toEqual({ orderId: open, message: expect.any(String) });
    expect((await api('PUT', '/orders', { body: orderBody('W-3', [['1', 'A1', 2]]) })).status).toBe(200);
    expect((await api('DELETE', '/orders?goodsOwnerId=1&orderNumber=W-3')).status).toBe(200);
    expect((await api('DELETE', `/orders/${open}`)).status).toBe(200);
    expect((await api('GET', `/orders/${open}`)).body.orderInfo.orderStatus).toEqual({ number: 1000, text: 'Cancelled' });
  });

  it('refuses to update or cancel a purchase order once anything is received', async () => {
    await article('A1');
    const id = await purchaseOrder('PO-W', [['1', 'A1', 10]]);
    await control.receivePurchaseOrder({ purchaseOrderId: id }, [{ rowNumber: '1', numberOfItems: 1 }]);
    const update = await api('PUT', '/purchaseOrders', { body: { goodsOwnerId: 1, purchaseOrderNumber: 'PO-W', purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'A1', numberOfItems: 20 }] } });
    expect(update.status).toBe(400);
    expect(update.body.Message).toMatch(/received/);
    const cancel = await api('DELETE', '/purchaseOrders?goodsOwnerId=1&purchaseOrderNumber=PO-W');
    expect(cancel.status).toBe(400);
    expect(cancel.body.Message).toMatch(/received/);

    const untouched = await purchaseOrder('PO-C', [['1', 'A1', 1]]);
    expect((await api('DELETE', `/purchaseOrders/${untouched}`)).status).toBe(200);
    expect((await api('GET', `/purchaseOrders/${untouched}`)).body.purchaseOrderInfo.purchaseOrderStatus).toEqual({ number: 900, text: 'Cancelled' });
  });
});

describe('reporting back', () => {
  it('goods receipts: a partial receipt is found, acknowledged, and the rest is found again', async () => {
    const a1 = await article('A1');
    await article('A2');
    const id = await purchaseOrder('PO-R', [['1', 'A1', 10], ['2', 'A2', 5]]);
    const toReport = () => api('GET', '/purchaseOrders?goodsOwnerId=1&onlyPurchaseOrdersWithOrderLinesToReport=true').then((r) => r.body.map((p: AnyJson) => p.purchaseOrderInfo.purchaseOrderId));
    expect(await toReport()).toEqual([]);
    const before = new Date(Date.now() - 1000).toISOString();

    await control.receivePurchaseOrder({ purchaseOrderNumber: 'PO-R' }, [{ rowNumber: '1', numberOfItems: 4, batchNumber: 'B1' }]);
    expect(await toReport()).toEqual([id]);
    const partial = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(partial.purchaseOrderInfo.purchaseOrderStatus).toEqual({ number: 400, text: 'Deflection' });
    expect(partial.purchaseOrderLines[0]).toMatchObject({ receivedNumberOfItems: 4, reportedNumberOfItems: null, articleItems: [{ numberOfItems: 4, batchNumber: 'B1' }] });
    expect(partial.purchaseOrderLines[0].articleItems[0].inDate).toMatch(UTC);
    expect((await api('GET', `/purchaseOrders?goodsOwnerId=1&lastReceiveTimeFrom=${encodeURIComponent(before)}`)).body).toHaveLength(1);
    expect(await stockOf(a1)).toBe(4);

    const ack = await api('PATCH', `/purchaseOrders/${id}/setReportedNumberOfItemsToReceivedNumberOfItems`);
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({ purchaseOrderId: id, message: expect.any(String) });
    expect(await toReport()).toEqual([]);

    await control.receivePurchaseOrder({ purchaseOrderId: id });
    expect(await toReport()).toEqual([id]);
    const done = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(done.purchaseOrderInfo.purchaseOrderStatus.number).toBe(500);
    expect(done.purchaseOrderLines.map((l: AnyJson) => [l.receivedNumberOfItems, l.reportedNumberOfItems])).toEqual([
      [10, 4],
      [5, 0], // acknowledged while nothing had arrived on it
    ]);
    expect(await stockOf(a1)).toBe(10);
    const lineId = done.purchaseOrderLines[0].id;
    await api('PATCH', `/purchaseOrders/${id}/lines/${lineId}/reportedNumberOfItems`, { body: { reportedNumberOfItems: 10 } });
    expect(await toReport()).toEqual([id]);
    await api('PATCH', `/purchaseOrders/${id}/setReportedNumberOfItemsToReceivedNumberOfItems`);
    expect(await toReport()).toEqual([]);
  });

  it('picking and shipping: picked lines are found until reported; the shipment carries tracking', async () => {
    const a1 = await article('A1');
    await article('A2');
    await control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 100 }], recordAdjustment: false });
    const id = await order('S-1', [['1', 'A1', 5], ['2', 'A2', 2]], { transporter: { transporterCode: 'PLAB', transporterServiceCode: 'P19' } });
    expect((await api('GET', `/articles/${a1}`)).body.inventoryInfo).toMatchObject({ numberOfItems: 100, numberOfBookedItems: 5, sellableNumberOfItems: 95 });
    const toReport = () => api('GET', '/orders?goodsOwnerId=1&onlyOrdersWithOrderLinesToReport=true').then((r) => r.body.map((o: AnyJson) => o.orderInfo.orderId));
    expect(await toReport()).toEqual([]);

    const picked = await control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 3 }]);
    expect(picked.orderInfo.orderStatus.number).toBe(400);
    expect(await toReport()).toEqual([id]);
    const line1 = picked.orderLines[0];
    expect(line1).toMatchObject({ pickedNumberOfItems: 3, pickedArticleItems: [{ numberOfItems: 3, isReturned: false }] });
    expect(await stockOf(a1)).toBe(97);
    await api('PATCH', `/orders/${id}/lines/${line1.id}/reportedNumberOfItems`, { body: { reportedNumberOfItems: 3 } });
    expect(await toReport()).toEqual([]);

    const shippedFrom = new Date(Date.now() - 1000).toISOString();
    const shipped = await control.fulfilOrder({ orderNumber: 'S-1' }, { parcels: 2 });
    expect(shipped.orderInfo.orderStatus).toEqual({ number: 450, text: 'Sent' });
    expect(shipped.orderInfo.shippedTime).toMatch(UTC);
    expect(shipped.orderInfo.wayBill).toBeTruthy();
    expect(shipped.tracking).toEqual([{ waybill: shipped.orderInfo.wayBill, trackingUrl: expect.stringContaining('postnord'), created: expect.stringMatching(UTC) }]);
    expect(shipped.parcels).toHaveLength(2);
    expect(shipped.parcels[0]).toMatchObject({ isReturnParcel: false, tracking: { trackingUrl: expect.any(String) } });
    expect(shipped.orderLines.map((l: AnyJson) => l.packedNumberOfItems)).toEqual([5, 2]);
    expect(await toReport()).toEqual([id]);
    expect((await api('GET', `/orders?goodsOwnerId=1&shippedTimeFrom=${encodeURIComponent(shippedFrom)}`)).body).toHaveLength(1);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderStatusFrom=450&orderStatusTo=500')).body).toHaveLength(1);
    expect((await api('GET', '/orders?goodsOwnerId=1&orderStatusFrom=500')).body).toHaveLength(0);

    await api('PATCH', `/orders/${id}/setReportedNumberOfItemsToPickedNumberOfItems`);
    expect(await toReport()).toEqual([]);
    expect((await api('GET', `/articles/${a1}`)).body.inventoryInfo).toMatchObject({ numberOfItems: 95, numberOfBookedItems: 0, sellableNumberOfItems: 95 });
  });

  it('picking discrepancies become inventory adjustments', async () => {
    const a1 = await article('A1');
    await control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 10 }], recordAdjustment: false });
    const id = await order('D-1', [['1', 'A1', 5]]);
    await control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 3, missingNumberOfItems: 2 }]);
    const adjustments = (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body;
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0].inventoryAdjustments[0]).toMatchObject({ numberOfItems: -2, inventoryAdjustmentCause: { code: 'PICKDIFF' } });
    expect(await stockOf(a1)).toBe(5);
  });

  it('returns: return orders against Ongoing ids, returned quantities on both records, reported-returned filter', async () => {
    const a1 = await article('A1');
    const id = await order('RT-1', [['1', 'A1', 4]]);
    const shipped = await control.shipOrder({ orderId: id });
    const orderLineId = shipped.orderLines[0].id;
    const put = {
      goodsOwnerId: 1,
      returnOrderNumber: 'RMA-1',
      customerOrder: { orderId: id },
      returnOrderLines: [{ returnOrderRowNumber: '1', customerOrderLine: { orderLineId }, toBeReturnedNumberOfItems: 3, returnCause: { code: 'WRONG', name: 'Wrong size' } }],
    };
    const created = await api('PUT', '/returnOrders', { body: put });
    expect(created.status).toBe(200);
    expect((await api('PUT', '/returnOrders', { body: put })).body.returnOrderId).toBe(created.body.returnOrderId);
    const badLine = await api('PUT', '/returnOrders', { body: { ...put, returnOrderNumber: 'RMA-2', returnOrderLines: [{ ...put.returnOrderLines[0], customerOrderLine: { orderLineId: 1 } }] } });
    expect(badLine.status).toBe(400);

    const toReportReturned = () => api('GET', '/orders?goodsOwnerId=1&onlyOrdersWithOrderLinesToReportReturned=true').then((r) => r.body.map((o: AnyJson) => o.orderInfo.orderId));
    expect(await toReportReturned()).toEqual([]);
    const stockBefore = await stockOf(a1);
    const since = new Date(Date.now() - 1000).toISOString();

    const received = await control.receiveReturnOrder({ returnOrderNumber: 'RMA-1' }, [{ returnOrderRowNumber: '1', numberOfItems: 2 }]);
    expect(received.returnOrderInfo.returnOrderStatus).toEqual({ number: 200, text: 'Arrived' });
    expect(received.returnOrderLines[0]).toMatchObject({
      toBeReturnedNumberOfItems: 3,
      returnedNumberOfItems: 2,
      returnedArticleItems: [{ numberOfItems: 2, returnCause: { code: 'WRONG', name: 'Wrong size' }, isReturnRemovedByInventory: false }],
    });
    const o = (await api('GET', `/orders/${id}`)).body;
    expect(o.orderLines[0]).toMatchObject({ returnedNumberOfItems: 2, reportedReturnedNumberOfItems: null });
    expect(o.orderLines[0].pickedArticleItems.filter((i: AnyJson) => i.isReturned).map((i: AnyJson) => i.numberOfItems)).toEqual([2]);
    expect(await stockOf(a1)).toBe(stockBefore + 2);
    expect(await toReportReturned()).toEqual([id]);
    expect((await api('GET', `/orders?goodsOwnerId=1&lastReturnedFrom=${encodeURIComponent(since)}`)).body).toHaveLength(1);
    const byDate = (await api('GET', `/returnOrders?goodsOwnerId=1&goodsReturnedFromDate=${encodeURIComponent(since)}`)).body;
    expect(byDate.map((r: AnyJson) => r.returnOrderInfo.returnOrderNumber)).toEqual(['RMA-1']);
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&customerOrderNumbers=RT-1')).body).toHaveLength(1);
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&returnOrderStatusFrom=300')).body).toHaveLength(0);

    await api('PATCH', `/orders/${id}/setReportedReturnedNumberOfItemsToReturnedNumberOfItems`);
    expect(await toReportReturned()).toEqual([]);
    await control.receiveReturnOrder({ returnOrderNumber: 'RMA-1' });
    expect((await api('GET', '/returnOrders?goodsOwnerId=1&returnOrderStatusFrom=300')).body).toHaveLength(1);
    expect(await toReportReturned()).toEqual([id]);
    expect((await api('PUT', '/returnOrders', { body: put })).status).toBe(400);
  });

  it('inventory adjustments: signed, grouped by article, isReported until setReported', async () => {
    const a1 = await article('A1');
    const a2 = await article('A2');
    await control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 10 }], recordAdjustment: false });
    const inv = await control.adjustStock({
      adjustments: [
        { articleNumber: 'A1', numberOfItems: -2, cause: { code: 'DMG', name: 'Dropped on floor' } },
        { articleNumber: 'A2', numberOfItems: 3, cause: { code: 'CNT', name: 'Counting' } },
      ],
    });
    const unreported = (await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body;
    expect(unreported.map((l: AnyJson) => l.article.articleSystemId)).toEqual([a1, a2]);
    expect(unreported[0].inventoryAdjustments).toEqual([
      expect.objectContaining({ inventoryId: inv.inventoryId, numberOfItems: -2, inventoryTime: expect.stringMatching(UTC), inventoryAdjustmentCause: { code: 'DMG', name: 'Dropped on floor' } }),
    ]);
    expect(await stockOf(a1)).toBe(8);

    const set = await api('PATCH', `/inventoryAdjustments/${inv.inventoryId}/articles/${a1}/setReported`);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ message: expect.any(String), items: [{ inventoryArticleItemId: inv.inventoryArticleItemIds[0], articleItemId: expect.any(Number) }] });
    expect((await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=false')).body.map((l: AnyJson) => l.article.articleSystemId)).toEqual([a2]);
    expect((await api('GET', '/inventoryAdjustments?goodsOwnerId=1&isReported=true')).body.map((l: AnyJson) => l.article.articleSystemId)).toEqual([a1]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await api('GET', `/inventoryAdjustments?goodsOwnerId=1&from=${encodeURIComponent(future)}`)).body).toEqual([]);
    expect((await api('PATCH', `/inventoryAdjustments/${inv.inventoryId}/articles/999999/setReported`)).status).toBe(404);
  });

  it('stock changes: stockInfoChangedFrom within 24 hours finds them, older is refused', async () => {
    const a1 = await article('A1');
    await article('A2');
    const since = new Date(Date.now() - 500).toISOString();
    await new Promise((r) => setTimeout(r, 600));
    const after = new Date().toISOString();
    await control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 1 }] });
    expect((await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(after)}`)).body.map((a: AnyJson) => a.articleSystemId)).toEqual([a1]);
    expect((await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(since)}`)).body).toHaveLength(2);
    const old = new Date(Date.now() - 25 * 3600 * 1000).toISOString();
    const refused = await api('GET', `/articles?goodsOwnerId=1&stockInfoChangedFrom=${encodeURIComponent(old)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.Message).toContain('must be within 24 hours');
    expect((await api('GET', '/articles?goodsOwnerId=1&onlyArticlesInStock=true')).body.map((a: AnyJson) => a.articleSystemId)).toEqual([a1]);
  });
});
