/**
 * The simulator's behaviour under load and failure, seen through the API client the pipeline uses:
 * rate limit (429 + Retry-After → TransientError.retryAfterMs), serial writes per goods owner,
 * injected faults (500, hang, 429 burst, refused connections → TransientError), and state that
 * survives a restart of the simulator.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { OngoingApi, type OngoingApiOptions, type OngoingOrderPut } from '../connectors/ongoing/api/client.js';
import { RejectedError, TransientError } from '../runtime/errors.js';
import { SimulatorControl, startOngoingSimulator } from '../infra/local/ongoing-simulator/index.js';
import { simulatorPerFile } from './support/ongoing-simulator-calls.js';

const users = [{ username: 'api', password: 'secret', goodsOwnerIds: [1, 2] }];
const t = simulatorPerFile('ongoing_sim_resilience', { users });

function client(goodsOwnerId = 1, timeoutMs = 5000, options: Pick<OngoingApiOptions, 'serialWrites'> = {}): OngoingApi {
  return new OngoingApi({
    baseUrl: t.sim.baseUrl,
    username: 'api',
    password: 'secret',
    goodsOwnerId,
    timeoutMs,
    ...options,
  });
}

function orderPut(orderNumber: string): OngoingOrderPut {
  return {
    orderNumber,
    deliveryDate: '2024-06-01',
    consignee: { name: 'Kund AB', city: 'Malmö', countryCode: 'SE' },
    orderLines: [{ rowNumber: '1', articleNumber: 'A1', numberOfItems: 1 }],
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  await client(1).upsertArticle({ articleNumber: 'A1', articleName: 'Article one' });
  await client(2).upsertArticle({ articleNumber: 'A1', articleName: 'Someone else’s article one' });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the configured writes per second, and the client makes it a TransientError', async () => {
    await t.control.setRateLimit(3);
    const api = client();
    for (let i = 0; i < 3; i++) await api.upsertArticle({ articleNumber: `RL-${i}` });
    const raw = await fetch(`${t.sim.baseUrl}/articles`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from('api:secret').toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ goodsOwnerId: 1, articleNumber: 'RL-raw' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(((await raw.json()) as { Message: string }).Message).toMatch(/rate limit/i);

    const err = await caught(api.upsertArticle({ articleNumber: 'RL-3' }));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).retryAfterMs).toBe(1000);
    // Reads are not writes: still answered.
    expect((await api.getArticles({ articleNumbers: ['RL-0'] })).length).toBe(1);
    // The limit is per goods owner.
    await client(2).upsertArticle({ articleNumber: 'RL-other' });

    await new Promise((r) => setTimeout(r, 1100));
    await api.upsertArticle({ articleNumber: 'RL-3' });
    expect((await t.control.state()).writeStats.rateLimited).toBe(2);
    await t.control.setRateLimit(0);
  });
});

describe('serial writes', () => {
  it('processes concurrent writes for one goods owner one at a time, and different goods owners side by side', async () => {
    await t.control.setRateLimit(0); // also resets the write statistics
    await t.control.setFaults({ writeLatencyMs: 80 });
    // The client would line these up itself; turned off, so that the simulator's own queue is what is tested.
    const parallel = { serialWrites: false };
    const started = Date.now();
    const results = await Promise.all([
      ...[1, 2, 3, 4].map((i) => client(1, 5000, parallel).upsertOrder(orderPut(`SER-1-${i}`))),
      ...[1, 2, 3, 4].map((i) => client(2, 5000, parallel).upsertOrder(orderPut(`SER-2-${i}`))),
    ]);
    const elapsed = Date.now() - started;
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(results.map((r) => r.orderId)).size).toBe(8);
    const stats = (await t.control.state()).writeStats;
    expect(stats.maxConcurrentWritesPerGoodsOwner).toBe(1);
    expect(stats.maxConcurrentWrites).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(4 * 80);
    await t.control.clearFaults();
  });
});

describe('fault injection', () => {
  it('answers 500 with the ASP.NET body to a share of API requests, never to the control path', async () => {
    await t.control.setFaults({ errorRate: 1 });
    const err = await caught(client().getArticles());
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('500');
    expect((err as Error).message).toContain('An error has occurred.');
    expect((await t.control.health()).ok).toBe(true);
    await t.control.setFaults({ errorRate: 0, errorNext: 1 });
    expect(await caught(client().getWaysOfDelivery())).toBeInstanceOf(TransientError);
    expect((await client().getWaysOfDelivery()).length).toBeGreaterThan(0);
    await t.control.clearFaults();
  });

  it('sends a burst of 429s with the configured Retry-After', async () => {
    await t.control.setFaults({ tooManyRequestsNext: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const err = await caught(client().getArticles());
      expect(err).toBeInstanceOf(TransientError);
      expect((err as TransientError).retryAfterMs).toBe(7000);
    }
    expect((await client().getArticles()).length).toBe(1);
  });

  it('hangs requests until the client times out, then answers again', async () => {
    await t.control.setFaults({ hangNext: 1 });
    const started = Date.now();
    const err = await caught(client(1, 300).getArticles());
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect((await client(1, 2000).getArticles()).length).toBe(1);
  });

  it('adds latency to API requests', async () => {
    await t.control.setFaults({ latencyMs: 400 });
    expect(await caught(client(1, 150).getArticles())).toBeInstanceOf(TransientError);
    await t.control.setFaults({ latencyMs: 0 });
    expect((await client(1, 1000).getArticles()).length).toBe(1);
  });

  it('refuses connections for a while, then accepts them again', async () => {
    await t.control.refuseConnections(700);
    const err = await caught(client().getArticles());
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/ECONNREFUSED|ECONNRESET|socket|closed/i);
    await new Promise((r) => setTimeout(r, 900));
    expect((await client().getArticles()).length).toBe(1);
    expect((await t.control.faults()).refusingConnectionsForMs).toBe(0);
  });

  it('keeps business refusals permanent while faults are off', async () => {
    const err = await caught(
      client().upsertOrder({
        ...orderPut('BAD-1'),
        orderLines: [{ rowNumber: '1', articleNumber: 'NOPE', numberOfItems: 1 }],
      }),
    );
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as RejectedError).status).toBe(400);
  });
});

describe('restart', () => {
  it('keeps articles, orders, ids and seeded code lists across a restart on the same database', async () => {
    const api = client();
    const { orderId } = await api.upsertOrder(orderPut('KEEP-1'));
    await t.control.pickOrder({ orderId }, [{ rowNumber: '1', numberOfItems: 1 }]);
    await t.control.seed({
      orderStatuses: [
        { number: 200, text: 'Öppen' },
        { number: 400, text: 'Plockad' },
      ],
    });
    await t.sim.close();

    t.sim = await startOngoingSimulator({ databaseUrl: t.db.url, port: 0, users });
    t.control = new SimulatorControl(t.sim.controlUrl);
    const again = client();
    const order = (await again.getOrders({ orderIdFrom: orderId, maxOrdersToGet: 1 }))[0]!;
    expect(order.orderInfo.orderNumber).toBe('KEEP-1');
    expect(order.orderInfo.orderStatus).toEqual({ number: 400, text: 'Plockad' });
    expect(order.orderLines[0]!.pickedNumberOfItems).toBe(1);
    expect((await again.getArticles({ articleNumber: 'A1' }))[0]!.inventoryInfo!.numberOfItems).toBe(-1);
    const err = await caught(again.upsertOrder(orderPut('KEEP-1')));
    expect(err).toBeInstanceOf(RejectedError); // still picked, so still refused
    const next = await again.upsertOrder(orderPut('KEEP-2'));
    expect(next.created).toBe(true);
    expect(next.orderId).toBeGreaterThan(orderId);
    await t.control.seed();
  });
});
