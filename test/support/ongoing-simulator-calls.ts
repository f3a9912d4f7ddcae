/**
 * Calls for the Ongoing simulator API tests (ongoing-simulator-rules.test.ts and
 * ongoing-simulator-reporting.test.ts): plain fetch with the test user's Basic auth, so the wire
 * format is what is asserted, plus the few writes most tests start from. Each test file starts its
 * own simulator and hands its address in.
 */
import { expect } from 'vitest';

/** Response bodies are asserted field by field; the wire format is what is under test, not a type. */
export type AnyJson = any;

export interface Call {
  status: number;
  body: AnyJson;
  headers: Headers;
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

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
  async function api(method: string, path: string, options: { body?: unknown; auth?: string | null } = {}): Promise<Call> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? basic('api', 'secret') : options.auth;
    if (auth) headers.authorization = auth;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  async function article(articleNumber: string, extra: Record<string, unknown> = {}): Promise<number> {
    const r = await api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber, articleName: `Article ${articleNumber}`, ...extra } });
    expect(r.status).toBe(200);
    return r.body.articleSystemId;
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

  return { api, article, order, purchaseOrder, stockOf };
}
