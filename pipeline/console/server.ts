/**
 * The browser console, served by node:http: `npm run ops -- console` on its own, or a pipeline
 * process when CONSOLE_PORT is set. GETs are read-only; on loopback they need no token, beyond it
 * (CONSOLE_HOST) they need CONSOLE_TOKEN, as a Bearer token or as the password of HTTP Basic, which
 * the browser asks for once. Every POST is an action and needs CONSOLE_TOKEN as
 * `Authorization: Bearer …` (never Basic, which a browser would attach to a forged request by
 * itself), and only a console started with CONSOLE_WRITE=true accepts actions at all. Tokens are
 * compared in constant time. /livez answers without a token (it tells nothing but that the console
 * runs), for the platform's probes. Every response carries a strict Content-Security-Policy (no
 * inline script or style) and `Cache-Control: no-store`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Knex } from 'knex';
import { loadConfig } from '../../runtime/config.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';
import { openExceptions } from '../../connectors/multicase/adapter/exceptions.js';
import { UsageError } from '../ops/errors.js';
import { ActionRefused, consoleActions, type ConsoleActions } from './actions.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { attentionFragment, flowsFragment, page, type PageOptions } from './page.js';
import { consoleReadToken, consoleSettings, consoleToken, isLoopback } from './settings.js';
import { snapshots } from './snapshot.js';
import type { TelemetrySource } from './telemetry.js';

export interface ConsoleOptions {
  readonly rt: Runtime;
  readonly ongoing: OngoingApi;
  multicaseDb(): Knex;
  /** The Multicase warehouse that Ongoing runs (MULTICASE_ONGOING_WAREHOUSE). */
  readonly warehouse: string;
  readonly telemetry: TelemetrySource;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningConsole {
  readonly url: string;
  readonly port: number;
  readonly writable: boolean;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cache-Control': 'no-store',
} as const;

const MAX_BODY = 16 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when the request carries the token; digests of equal length, compared in constant time. */
export function carriesToken(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && m !== null;
}

/** For reads: the token as Bearer, or as the password of Basic (any user name), as a browser sends it. */
export function carriesReadToken(req: IncomingMessage, token: string): boolean {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!basic) return carriesToken(req, token);
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return timingSafeEqual(digest(password), digest(token)) && decoded.includes(':');
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request too large');
    chunks.push(chunk);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body is not a JSON object');
  }
}

const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v === '') throw new ActionRefused(`${what} is missing`);
  return v;
};
const code = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
const sendJson = (res: ServerResponse, status: number, body: object) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

type Get = (url: URL) => Promise<{ type: string; body: string }>;
type Post = (body: Record<string, unknown>) => Promise<{ message: string }>;

function routes(actions: ConsoleActions, snaps: ReturnType<typeof snapshots>, writable: boolean) {
  const options = (): PageOptions => ({ writable, stockCheck: actions.stockCheck });
  const html = (body: string) => ({ type: 'text/html; charset=utf-8', body });
  const get: Record<string, Get> = {
    '/': async () => {
      const [s, d] = await Promise.all([snaps.get(), actions.editorData()]);
      return html(page(s, d, options()));
    },
    '/console.js': async () => ({ type: 'text/javascript; charset=utf-8', body: CONSOLE_JS }),
    '/console.css': async () => ({ type: 'text/css; charset=utf-8', body: CONSOLE_CSS }),
    '/fragments/flows': async () => html(flowsFragment(await snaps.get())),
    '/fragments/attention': async () => html(attentionFragment(await snaps.get(), options())),
    '/api/shipping-map/check': async (url) => {
      const q = (k: string) => code(url.searchParams.get(k));
      const problems = await actions.checkMapping({
        wayOfDeliveryCode: q('wayOfDeliveryCode'),
        transporterCode: q('transporterCode'),
        transporterServiceCode: q('transporterServiceCode'),
      });
      return { type: 'application/json; charset=utf-8', body: JSON.stringify({ problems }) };
    },
  };
  const post: Record<string, Post> = {
    '/api/dlq/retry': async (b) => ({
      message: await actions.retryLetter(
        text(b.topic, 'topic'),
        text(b.offset, 'offset'),
        typeof b.key === 'string' ? b.key : null,
      ),
    }),
    '/api/shipping-map': async (b) => {
      const id = Number(b.id);
      if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647)
        throw new ActionRefused('id must be a Multicase FreightID');
      const saved = await actions.saveMapping({
        id,
        wayOfDeliveryCode: code(b.wayOfDeliveryCode),
        transporterCode: code(b.transporterCode),
        transporterServiceCode: code(b.transporterServiceCode),
      });
      const what = [saved.wayOfDeliveryCode, saved.transporterCode, saved.transporterServiceCode]
        .map((c) => c ?? '-')
        .join(' / ');
      return { message: `Saved freight method ${id} → ${what}. Picking lists held for it go out by themselves.` };
    },
    '/api/stock-check': async () => ({ message: actions.startStockCheck() }),
    '/api/exceptions/resolve': async (b) => {
      const id = Number(b.id);
      if (!Number.isSafeInteger(id) || id < 1) throw new ActionRefused('id must be the number of an exception');
      return { message: await actions.resolveException(id, typeof b.note === 'string' ? b.note : '') };
    },
  };
  return { get, post };
}

/** Starts the console; refuses (ConfigError) to start with actions but without a token. */
export async function startConsole(opts: ConsoleOptions): Promise<RunningConsole> {
  const env = opts.env ?? process.env;
  const cfg = loadConfig(consoleSettings, env);
  const token = consoleToken(cfg);
  const readToken = consoleReadToken(cfg);
  const writable = token !== undefined;
  const log = opts.rt.log.child({ component: 'console' });
  const actions = consoleActions({
    rt: opts.rt,
    ongoing: opts.ongoing,
    multicaseDb: opts.multicaseDb,
    warehouse: opts.warehouse,
  });
  const snaps = snapshots({
    rt: opts.rt,
    telemetry: opts.telemetry,
    lastReconcile: () => actions.stockCheck.report,
    retried: actions.retried,
    openExceptions: () => openExceptions(opts.multicaseDb(), { limit: 50 }),
  });
  const { get, post } = routes(actions, snaps, writable);
  // Bound to loopback, only loopback names are answered: a web page cannot reach the console by rebinding its own name to 127.0.0.1.
  const loopbackOnly = readToken === undefined;
  const hostOf = (header: string) => header.replace(/:\d+$/, '');

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://console.invalid');
      const path = url.pathname;
      if (loopbackOnly && !isLoopback(hostOf(req.headers.host ?? '')))
        return send(res, 421, 'text/plain; charset=utf-8', 'this console answers only to a loopback host name');
      if (path === '/livez' && (req.method === 'GET' || req.method === 'HEAD'))
        return send(res, 200, 'text/plain; charset=utf-8', 'alive');
      if (readToken !== undefined && !carriesReadToken(req, readToken)) {
        res.setHeader('WWW-Authenticate', 'Basic realm="Multicase-Ongoing console", charset="UTF-8"');
        return send(res, 401, 'text/plain; charset=utf-8', 'this console needs its token (any user name)');
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const handler = Object.hasOwn(get, path) ? get[path] : undefined;
        if (!handler) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
        const r = await handler(url);
        return send(res, 200, r.type, r.body);
      }
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
      const action = Object.hasOwn(post, path) ? post[path] : undefined;
      if (!action) return sendJson(res, 404, { message: 'no such action' });
      if (!token)
        return sendJson(res, 403, { message: 'this console is read-only (started without CONSOLE_WRITE=true)' });
      if (!carriesToken(req, token)) return sendJson(res, 401, { message: 'a valid console token is required' });
      const body = await jsonBody(req);
      const r = await action(body);
      snaps.invalidate();
      log.info('console action', { action: path, result: r.message });
      return sendJson(res, 200, r);
    })().catch((err: unknown) => {
      const status =
        err instanceof HttpError ? err.status : err instanceof ActionRefused || err instanceof UsageError ? 400 : 500;
      if (status === 500) log.error('console request failed', { path: req.url, error: err });
      if (res.headersSent) return void res.end();
      if (req.method === 'POST') sendJson(res, status, { message: errorMessage(err) });
      else
        send(
          res,
          status,
          'text/plain; charset=utf-8',
          status === 500 ? `could not build the page: ${errorMessage(err)}` : errorMessage(err),
        );
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.consolePort, cfg.consoleHost, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : cfg.consolePort);
    });
  });
  const host = cfg.consoleHost.includes(':')
    ? `[${cfg.consoleHost}]`
    : cfg.consoleHost === '0.0.0.0'
      ? '127.0.0.1'
      : cfg.consoleHost;
  const url = `http://${host}:${port}/`;
  log.info('console up', { url, writable });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await snaps.close();
      await actions.close();
    })());
  opts.rt.onClose(close);
  return { url, port, writable, close };
}
