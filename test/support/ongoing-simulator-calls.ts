/**
 * For the Ongoing simulator tests (ongoing-simulator-*.test.ts): a simulator per test file
 * (simulatorPerFile), and calls in plain fetch with the test user's Basic auth, so the wire
 * format is what is asserted, plus the few writes most tests start from.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import {
  SimulatorControl,
  startOngoingSimulator,
  type OngoingSimulator,
  type OngoingSimulatorOptions,
} from '../../infra/local/ongoing-simulator/index.js';
import { createTempDatabase, type TempDatabase } from './databases.js';

export interface SimulatorUnderTest {
  db: TempDatabase;
  sim: OngoingSimulator;
  control: SimulatorControl;
}

/**
 * A simulator of the test file's own, on a database of its own: started before the file's tests,
 * reset before each (before the file's own beforeEach), stopped after. Its parts exist once started.
 */
export function simulatorPerFile(
  name: string,
  options: Omit<OngoingSimulatorOptions, 'databaseUrl' | 'port'> = {},
): SimulatorUnderTest {
  const t = {} as SimulatorUnderTest;
  beforeAll(async () => {
    t.db = await createTempDatabase(name);
    t.sim = await startOngoingSimulator({ ...options, databaseUrl: t.db.url, port: 0 });
    t.control = new SimulatorControl(t.sim.controlUrl);
  });
  afterAll(async () => {
    await t.sim?.close();
    await t.db?.drop();
  });
  beforeEach(async () => {
    await t.control.reset();
  });
  return t;
}

/** Response bodies are asserted field by field; the wire format is what is under test, not a type. */
export type AnyJson = any;

export interface Call {
  status: number;
  body: AnyJson;
  headers: Headers;
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function orderBody(orderNumber: string, lines: [string, string, number][], extra: Record<string, unknown> = {}) {
  return {
    goodsOwnerId: 1,
    orderNumber,
    deliveryDate: '2024-05-01',
    consignee: { name: 'Kund AB', address1: 'Storgatan 1', postCode: '11122', city: 'Stockholm', countryCode: 'SE' },
    orderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({ rowNumber, articleNumber, numberOfItems })),
    ...extra,
  };
}

/** The calls, against the simulator at `baseUrl()` (read on each call: the simulator starts in beforeAll). */
export function simulatorCalls(baseUrl: () => string) {
  async function api(
    method: string,
    path: string,
    options: { body?: unknown; auth?: string | null } = {},
  ): Promise<Call> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? basic('api', 'secret') : options.auth;
    if (auth) headers.authorization = auth;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  async function article(articleNumber: string, extra: Record<string, unknown> = {}): Promise<number> {
    const r = await api('PUT', '/articles', {
      body: { goodsOwnerId: 1, articleNumber, articleName: `Article ${articleNumber}`, ...extra },
    });
    expect(r.status).toBe(200);
    return r.body.articleSystemId;
  }

  async function order(
    orderNumber: string,
    lines: [string, string, number][],
    extra: Record<string, unknown> = {},
  ): Promise<number> {
    const r = await api('PUT', '/orders', { body: orderBody(orderNumber, lines, extra) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.orderId;
  }

  async function purchaseOrder(purchaseOrderNumber: string, lines: [string, string, number][]): Promise<number> {
    const r = await api('PUT', '/purchaseOrders', {
      body: {
        goodsOwnerId: 1,
        purchaseOrderNumber,
        purchaseOrderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({
          rowNumber,
          articleNumber,
          numberOfItems,
        })),
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.purchaseOrderId;
  }

  async function stockOf(articleSystemId: number): Promise<number> {
    return (await api('GET', `/articles/${articleSystemId}`)).body.inventoryInfo.numberOfItems;
  }

  return { api, article, order, purchaseOrder, stockOf };
}
