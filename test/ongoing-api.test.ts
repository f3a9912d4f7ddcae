/**
 * The Ongoing API client (connectors/ongoing/api/client.ts): typed calls against the simulator, the
 * cursor-paging helpers, repeated-key arrays, and the classification of failures at the edge
 * (RejectedError for a record's 4xx with Ongoing's Message; ConfigurationFault for 401, 403 and a
 * wrong address; TransientError for 5xx, 429, garbled bodies and network errors, with Retry-After honoured). The password never appears in an error.
 */
import { createServer, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OngoingApi, parseRetryAfter } from '../connectors/ongoing/api/client.js';
import {
  SimulatorControl,
  startOngoingSimulator,
  type OngoingSimulator,
} from '../infra/local/ongoing-simulator/index.js';
import { ConfigurationFault, RejectedError, TransientError, isRetriable } from '../runtime/errors.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

const PASSWORD = 'Pa55-w0rd-never-shown';

let db: TempDatabase;
let sim: OngoingSimulator;
let control: SimulatorControl;
let api: OngoingApi;

/** Ongoing's order of that id, read with the id cursor the product pages with. */
const orderById = async (orderId: number) => (await api.getOrders({ orderIdFrom: orderId, maxOrdersToGet: 1 }))[0]!;

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  db = await createTempDatabase('ongoing_api_client');
  sim = await startOngoingSimulator({
    databaseUrl: db.url,
    port: 0,
    users: [{ username: 'integration', password: PASSWORD, goodsOwnerIds: [1] }],
  });
  control = new SimulatorControl(sim.controlUrl);
  api = new OngoingApi({
    baseUrl: `${sim.baseUrl}/`,
    username: 'integration',
    password: PASSWORD,
    goodsOwnerId: 1,
    timeoutMs: 5000,
  });
  for (const n of ['C1', 'C2', 'C3', 'C4', 'C5'])
    await api.upsertArticle({ articleNumber: n, articleName: `Article ${n}`, productCode: `P-${n}` });
});

/** PUT /returnOrders straight to the simulator, as the warehouse's own system would register one. */
async function registerReturnOrder(body: object): Promise<{ returnOrderId: number }> {
  const res = await fetch(`${sim.baseUrl}/returnOrders`, {
    method: 'PUT',
    headers: {
      authorization: `Basic ${Buffer.from(`integration:${PASSWORD}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ goodsOwnerId: 1, ...body }),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as { returnOrderId: number };
}

afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

describe('typed calls', () => {
  it('upserts an order (created, then not), reads it back typed, and cancels another', async () => {
    const put = {
      orderNumber: 'CL-1',
      deliveryDate: '2024-07-01',
      consignee: { name: 'Kund AB', address1: 'Gatan 2', postCode: '41101', city: 'Göteborg', countryCode: 'SE' },
      orderLines: [{ rowNumber: '10', articleNumber: 'C1', numberOfItems: 2 }],
      transporter: { transporterCode: 'DHL', transporterServiceCode: 'DHLPARCEL' },
      wayOfDelivery: { code: 'STANDARD', name: 'Standard delivery' },
    };
    const first = await api.upsertOrder(put);
    expect(first.created).toBe(true);
    const second = await api.upsertOrder({ ...put, orderRemark: 'Ring before delivery' });
    expect(second).toEqual({ orderId: first.orderId, created: false, message: expect.any(String) });
    const order = await orderById(first.orderId);
    expect(order.orderInfo.orderRemark).toBe('Ring before delivery');
    expect(order.orderLines[0]!.article.articleNumber).toBe('C1');
    expect(order.transporter).toMatchObject({ code: 'DHL', serviceCode: 'DHLPARCEL' });

    const other = await api.upsertOrder({ ...put, orderNumber: 'CL-2' });
    await api.cancelOrder(other.orderId);
    expect((await orderById(other.orderId)).orderInfo.orderStatus.number).toBe(1000);
  });

  it('walks every page of an id cursor', async () => {
    const pages = [];
    for await (const page of api.articlePages({}, 2)) pages.push(page.map((a) => a.articleNumber));
    expect(pages).toEqual([['C1', 'C2'], ['C3', 'C4'], ['C5']]);
    const all = await api.getAllArticles({}, 2);
    expect(all.map((a) => a.articleNumber)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    const from = await api.getAllArticles({ articleSystemIdFrom: all[3]!.articleSystemId }, 1);
    expect(from.map((a) => a.articleNumber)).toEqual(['C4', 'C5']);

    for (let i = 0; i < 5; i++)
      await api.upsertOrder({
        orderNumber: `PG-${i}`,
        deliveryDate: '2024-07-01',
        consignee: { name: 'X' },
        orderLines: [{ rowNumber: '1', articleNumber: 'C2', numberOfItems: 1 }],
      });
    const orders = await api.getAllOrders({ orderNumbers: ['PG-0', 'PG-1', 'PG-2', 'PG-3', 'PG-4'] }, 2);
    expect(orders.map((o) => o.orderInfo.orderNumber)).toEqual(['PG-0', 'PG-1', 'PG-2', 'PG-3', 'PG-4']);
  });

  it('sends arrays as repeated keys and dates as UTC', async () => {
    expect((await api.getArticles({ articleNumbers: ['C2', 'C5'] })).map((a) => a.articleNumber)).toEqual(['C2', 'C5']);
    expect(await api.getArticles({ stockInfoChangedFrom: new Date(Date.now() + 60_000) })).toEqual([]);
    const err = await caught(api.getArticles({ stockInfoChangedFrom: new Date(Date.now() - 48 * 3600_000) }));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('must be within 24 hours');
  });

  it('reports goods receipts, picks, returns and adjustments back', async () => {
    const { purchaseOrderId } = await api.upsertPurchaseOrder({
      purchaseOrderNumber: 'CPO-1',
      purchaseOrderLines: [{ rowNumber: '1', articleNumber: 'C3', numberOfItems: 6 }],
    });
    await control.receivePurchaseOrder({ purchaseOrderId }, [{ rowNumber: '1', numberOfItems: 2 }]);
    const toReport = await api.getAllPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true });
    expect(toReport.map((p) => p.purchaseOrderInfo.purchaseOrderId)).toEqual([purchaseOrderId]);
    expect(toReport[0]!.purchaseOrderLines![0]!.receivedNumberOfItems).toBe(2);
    await api.setPurchaseOrderLineReported(purchaseOrderId, toReport[0]!.purchaseOrderLines![0]!.id, 2);
    expect(await api.getPurchaseOrders({ onlyPurchaseOrdersWithOrderLinesToReport: true })).toEqual([]);
    const [reported] = await api.getPurchaseOrders({ purchaseOrderNumbers: ['CPO-1'] });
    expect(reported!.purchaseOrderLines![0]!.reportedNumberOfItems).toBe(2);

    const { orderId } = await api.upsertOrder({
      orderNumber: 'CR-1',
      deliveryDate: '2024-07-01',
      consignee: { name: 'X' },
      orderLines: [{ rowNumber: '1', articleNumber: 'C3', numberOfItems: 2 }],
    });
    const shipped = await control.fulfilOrder({ orderId });
    expect((await api.getOrders({ onlyOrdersWithOrderLinesToReport: true })).map((o) => o.orderInfo.orderId)).toEqual([
      orderId,
    ]);
    await api.setOrderLineReported(orderId, shipped.orderLines[0].id, 2);
    expect(await api.getOrders({ onlyOrdersWithOrderLinesToReport: true })).toEqual([]);

    // A return order the warehouse registers (the product only reads them).
    const { returnOrderId } = await registerReturnOrder({
      returnOrderNumber: 'CRMA-1',
      customerOrder: { orderId },
      returnOrderLines: [
        {
          returnOrderRowNumber: '1',
          customerOrderLine: { orderLineId: shipped.orderLines[0].id },
          toBeReturnedNumberOfItems: 1,
          returnCause: { code: 'DEF', name: 'Defective' },
        },
      ],
    });
    await control.receiveReturnOrder({ returnOrderId });
    const returns = await api.getReturnOrders({ returnOrderNumbers: ['CRMA-1'] });
    expect(returns[0]!.returnOrderLines[0]).toMatchObject({ returnedNumberOfItems: 1, returnCause: { code: 'DEF' } });
    expect((await api.getReturnOrder(returnOrderId)).customerOrderInfo).toEqual({ orderId, orderNumber: 'CR-1' });
    expect(
      (await api.getOrders({ onlyOrdersWithOrderLinesToReportReturned: true })).map((o) => o.orderInfo.orderId),
    ).toEqual([orderId]);

    const { inventoryId } = await control.adjustStock({
      adjustments: [{ articleNumber: 'C4', numberOfItems: -1, cause: { code: 'DMG', name: 'Damaged' } }],
    });
    const lines = await api.getInventoryAdjustments({ isReported: false });
    const line = lines.find((l) => l.article.articleNumber === 'C4')!;
    expect(line.inventoryAdjustments[0]).toMatchObject({
      inventoryId,
      numberOfItems: -1,
      inventoryAdjustmentCause: { code: 'DMG' },
    });
    const reply = await api.setInventoryAdjustmentReported(inventoryId, line.article.articleSystemId);
    expect(reply.items).toHaveLength(1);
    expect(
      (await api.getInventoryAdjustments({ isReported: false })).some((l) => l.article.articleNumber === 'C4'),
    ).toBe(false);
  });

  it('reads code lists', async () => {
    expect((await api.getReturnOrderStatuses()).map((s) => s.number)).toEqual([100, 200, 300, 900]);
    expect((await api.getWaysOfDelivery()).map((w) => w.code)).toContain('STANDARD');
    expect((await api.getTransporterContracts()).map((c) => c.transporterCode)).toEqual(
      expect.arrayContaining(['PLAB', 'DHL']),
    );
  });
});

describe('classification at the edge', () => {
  it('makes 4xx a RejectedError with Ongoing’s message, status and reason', async () => {
    const unknownArticle = await caught(
      api.upsertOrder({
        orderNumber: 'REJ-1',
        deliveryDate: '2024-07-01',
        consignee: { name: 'X' },
        orderLines: [{ rowNumber: '1', articleNumber: 'NOT-THERE', numberOfItems: 1 }],
      }),
    );
    expect(unknownArticle).toBeInstanceOf(RejectedError);
    expect(isRetriable(unknownArticle)).toBe(false);
    expect((unknownArticle as RejectedError).status).toBe(400);
    expect(unknownArticle.message).toMatch(/^Ongoing PUT \/orders answered 400: .*'NOT-THERE'/);
    const missing = (await caught(api.cancelOrder(999_999))) as RejectedError;
    expect([missing.status, missing.reason]).toEqual([404, 'not-found']);
    const invalid = (await caught(
      api.upsertOrder({ orderNumber: 'REJ-2', consignee: { name: 'X' }, orderLines: [] } as never),
    )) as RejectedError;
    expect(invalid.message).toContain('deliveryDate');
  });

  it('makes refused credentials or rights and a wrong address a ConfigurationFault: the stage pauses, nothing is dead-lettered', async () => {
    const otherOwner = new OngoingApi({
      baseUrl: sim.baseUrl,
      username: 'integration',
      password: PASSWORD,
      goodsOwnerId: 2,
    });
    const forbidden = (await caught(otherOwner.getArticles())) as ConfigurationFault;
    expect(forbidden).toBeInstanceOf(ConfigurationFault);
    expect(isRetriable(forbidden)).toBe(true);
    expect([forbidden.status, forbidden.reason]).toEqual([403, 'forbidden']);
    const wrongPath = new OngoingApi({
      baseUrl: `${sim.baseUrl}/nowhere`,
      username: 'integration',
      password: PASSWORD,
      goodsOwnerId: 1,
    });
    const notThere = (await caught(wrongPath.getArticles())) as ConfigurationFault;
    expect(notThere).toBeInstanceOf(ConfigurationFault);
    expect(notThere.message).toContain('check ONGOING_API_BASE_URL');
  });

  it('never shows the password: not in errors, not when the client is inspected', async () => {
    const wrong = new OngoingApi({
      baseUrl: sim.baseUrl,
      username: 'integration',
      password: 'Wr0ng-Pa55-never-shown',
      goodsOwnerId: 1,
    });
    const err = (await caught(wrong.getArticles())) as ConfigurationFault;
    expect(err).toBeInstanceOf(ConfigurationFault);
    expect([err.status, err.reason]).toEqual([401, 'unauthorized']);
    const down = new OngoingApi({
      baseUrl: 'http://127.0.0.1:9/demo/api/v1',
      username: 'integration',
      password: PASSWORD,
      goodsOwnerId: 1,
      timeoutMs: 1000,
    });
    const network = await caught(down.getArticles());
    expect(network).toBeInstanceOf(TransientError);
    for (const text of [
      err.message,
      err.stack ?? '',
      inspect(err, { depth: 5 }),
      network.message,
      inspect(network, { depth: 5 }),
      inspect(api, { depth: 5 }),
      JSON.stringify(api),
    ]) {
      expect(text).not.toContain('Wr0ng-Pa55');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(Buffer.from(`integration:${PASSWORD}`).toString('base64'));
    }
  });

  describe('against a misbehaving server', () => {
    let server: Server;
    let baseUrl: string;
    let next: { status: number; body: string; headers?: Record<string, string> };

    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(next.status, next.headers ?? {});
        res.end(next.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address() as { port: number };
      baseUrl = `http://127.0.0.1:${address.port}/demo/api/v1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const client = () => new OngoingApi({ baseUrl, username: 'u', password: 'p', goodsOwnerId: 1, timeoutMs: 2000 });

    it('makes 503 with an HTTP-date Retry-After a TransientError with retryAfterMs', async () => {
      next = {
        status: 503,
        body: '<html>Service Unavailable</html>',
        headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
      };
      const err = (await caught(client().getArticles())) as TransientError;
      expect(err).toBeInstanceOf(TransientError);
      expect(err.retryAfterMs).toBeGreaterThan(25_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(30_000);
      expect(err.message).toContain('Service Unavailable');
    });

    it('makes a 200 with a body that is not JSON transient, and a plain-text 400 rejected', async () => {
      next = { status: 200, body: '{"truncated": ' };
      expect(await caught(client().getArticles())).toBeInstanceOf(TransientError);
      next = { status: 400, body: 'Bad things' };
      const err = await caught(client().getArticles());
      expect(err).toBeInstanceOf(RejectedError);
      expect(err.message).toContain('Bad things');
    });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
