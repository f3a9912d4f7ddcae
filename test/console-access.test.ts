/**
 * Who may read the console: on loopback anyone on this machine; beyond it (CONSOLE_HOST) every
 * request needs CONSOLE_TOKEN, as a Bearer token or as the Basic password a browser asks for, and
 * the console refuses to listen there without one. Actions take the token only as Bearer. /livez
 * answers the platform's probes without a token. Only static routes are read here, so no Kafka,
 * Ongoing or database is involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OngoingApi } from '../connectors/ongoing/api/client.js';
import { startConsole, type RunningConsole } from '../pipeline/console/server.js';
import { consoleReadToken, consoleSettings, isLoopback } from '../pipeline/console/settings.js';
import { inProcessTelemetry } from '../pipeline/console/telemetry.js';
import { ConfigError, loadConfig } from '../runtime/config.js';
import type { Runtime } from '../runtime/runtime.js';
import { testRuntime } from './support/kafka.js';

const TOKEN = 'console-access-token-0123456789';
let rt: Runtime;
let open: RunningConsole;

const unused = () => {
  throw new Error('not used by the routes this test reads');
};

beforeAll(async () => {
  rt = testRuntime('console-access');
  open = await startConsole({
    rt,
    ongoing: new OngoingApi({ baseUrl: 'http://127.0.0.1:9/x/api/v1', username: 'u', password: 'p', goodsOwnerId: 1 }),
    multicaseDb: unused,
    warehouse: 'MAIN',
    telemetry: inProcessTelemetry,
    env: { CONSOLE_PORT: '0', CONSOLE_HOST: '0.0.0.0', CONSOLE_TOKEN: TOKEN, CONSOLE_WRITE: 'true' },
  });
});
afterAll(async () => {
  await open?.close();
  await rt?.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const request = (path: string, init: RequestInit = {}) => fetch(new URL(path, open.url), init);

describe('the console beyond loopback', () => {
  it('refuses to listen beyond loopback without a token', () => {
    expect(() => consoleReadToken(loadConfig(consoleSettings, { CONSOLE_HOST: '0.0.0.0' }))).toThrow(ConfigError);
    expect(() =>
      consoleReadToken(loadConfig(consoleSettings, { CONSOLE_HOST: '0.0.0.0', CONSOLE_TOKEN: 'short' })),
    ).toThrow(/shorter than 16/);
    expect(consoleReadToken(loadConfig(consoleSettings, { CONSOLE_HOST: '127.0.0.1' }))).toBeUndefined();
    expect(consoleReadToken(loadConfig(consoleSettings, { CONSOLE_HOST: '::1' }))).toBeUndefined();
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('console.example')).toBe(false);
    expect(isLoopback('not a host:x')).toBe(false);
  });

  it('asks for the token on every read, and the browser may give it as the Basic password', async () => {
    const anonymous = await request('/console.css');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(
      (await request('/console.css', { headers: { Authorization: basic('anyone', 'wrong-token-0000000') } })).status,
    ).toBe(401);
    expect((await request('/console.css', { headers: { Authorization: basic('anyone', TOKEN) } })).status).toBe(200);
    expect((await request('/console.css', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await request('/console.js', { headers: { Authorization: basic('', TOKEN) } })).status).toBe(200);
  });

  it('takes an action only with the token as Bearer, never from Basic a browser attaches by itself', async () => {
    const post = (authorization: string) =>
      request('/api/stock-check', {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: '{}',
      });
    expect((await post(basic('anyone', TOKEN))).status).toBe(401);
  });

  it('answers /livez without a token, and with nothing but that it runs', async () => {
    const live = await request('/livez');
    expect(live.status).toBe(200);
    expect(await live.text()).toBe('alive');
  });
});
