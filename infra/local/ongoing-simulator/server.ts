/**
 * The simulator's HTTP server (node:http). `/{warehouse}/api/v1/...` is the Ongoing Goods Owner
 * REST API: Basic auth, faults, routing, JSON in and out, ASP.NET-style errors.
 * `/{warehouse}/sim/...` is the control path (no auth, no faults). Connections are tracked so the
 * server can refuse them for a while (a fault) and close cleanly even with hanging requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createLogger, type Logger } from '../../../runtime/logger.js';
import { registerArticleRoutes } from './articles.js';
import { ApiRequest, type ApiHandler, type ApiUser } from './context.js';
import { controlBody, controlRouter, type ControlHandler } from './control-routes.js';
import { Faults, unauthorized } from './faults.js';
import { ApiError, Query, type Reply } from './http.js';
import { registerInventoryAdjustmentRoutes } from './inventory-adjustments.js';
import { registerOrderPatchRoutes } from './order-patches.js';
import { registerOrderRoutes } from './orders.js';
import { registerPurchaseOrderRoutes } from './purchase-orders.js';
import { DEFAULT_SEED, registerReferenceDataRoutes, seedReferenceData } from './reference-data.js';
import { registerReturnOrderRoutes } from './return-orders.js';
import { Router } from './router.js';
import { Store, type GoodsOwner } from './store.js';

export interface OngoingSimulatorOptions {
  /** PostgreSQL database holding the simulator's schema (`ongoing_sim`, created if missing). */
  databaseUrl: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The `{warehouse}` path segment; default `demo`. */
  warehouse?: string;
  /** API users; default one user `api` / `secret` allowed goods owner 1. */
  users?: ApiUser[];
  /** Goods owners of the warehouse; default 1 (the integration's) and 2 (someone else's). */
  goodsOwners?: GoodsOwner[];
  /** API writes per second per goods owner before 429 (0 = unlimited, the default). */
  writesPerSecond?: number;
  logger?: Logger;
}

export interface OngoingSimulator {
  /** e.g. http://127.0.0.1:8090/demo/api/v1 */
  readonly baseUrl: string;
  /** e.g. http://127.0.0.1:8090/demo/sim */
  readonly controlUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_USERS: ApiUser[] = [{ username: 'api', password: 'secret', goodsOwnerIds: [1] }];
export const DEFAULT_GOODS_OWNERS: GoodsOwner[] = [
  { id: 1, name: 'Demo Goods Owner AB' },
  { id: 2, name: 'Other Goods Owner AB' },
];

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, e: ApiError): void {
  send(res, e.status, e.body, e.headers);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'The request is invalid. The request body is not valid JSON.');
  }
}

function authenticate(req: IncomingMessage, users: ApiUser[]): ApiUser {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (match) {
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = users.find((u) => u.username === username && u.password === password);
    if (colon > 0 && user) return user;
  }
  throw unauthorized();
}

export async function startOngoingSimulator(options: OngoingSimulatorOptions): Promise<OngoingSimulator> {
  const warehouse = options.warehouse ?? 'demo';
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? DEFAULT_USERS;
  const goodsOwners = options.goodsOwners ?? DEFAULT_GOODS_OWNERS;
  const log = options.logger ?? createLogger({ component: 'ongoing-simulator' });
  const initialWritesPerSecond = options.writesPerSecond ?? 0;

  const store = await Store.open(options.databaseUrl, goodsOwners, initialWritesPerSecond);
  await seedReferenceData(store.db, goodsOwners, DEFAULT_SEED, 'ifEmpty');
  const faults = new Faults();
  const sim = { store, warehouse };

  const api = new Router<ApiHandler>();
  registerReferenceDataRoutes(api);
  registerArticleRoutes(api);
  registerOrderRoutes(api);
  registerOrderPatchRoutes(api);
  registerPurchaseOrderRoutes(api);
  registerReturnOrderRoutes(api);
  registerInventoryAdjustmentRoutes(api);

  const sockets = new Set<Socket>();
  const server: Server = createServer();
  let port = options.port ?? 0;
  let refuseTimer: NodeJS.Timeout | undefined;
  let closing = false;

  const dropConnections = () => {
    for (const s of sockets) s.destroy();
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  const refuseConnections = (ms: number) => {
    if (refuseTimer) clearTimeout(refuseTimer);
    const closed = stopListening();
    dropConnections();
    log.warn('refusing connections', { ms });
    refuseTimer = setTimeout(() => {
      refuseTimer = undefined;
      faults.refusingUntil = undefined;
      void closed.then(() => {
        if (closing || server.listening) return;
        return listen().then(
          () => log.info('accepting connections again', { port }),
          (e) => log.error('could not listen again after refusing connections', { err: e }),
        );
      });
    }, ms);
  };

  const control = controlRouter({ store, faults, warehouse, initialWritesPerSecond, refuseConnections });

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, query: Query): Promise<void> {
    const match = control.match(req.method ?? 'GET', path);
    if (!match) return send(res, 404, { Message: `No simulator control route ${req.method} ${path}.` });
    if ('methodNotAllowed' in match)
      return send(res, 405, { Message: `The control route ${path} does not support ${req.method}.` });
    const reply = await (match.handler as ControlHandler)({
      params: match.params,
      query,
      body: controlBody(await readBody(req)),
    });
    if (reply.afterResponse) res.once('finish', reply.afterResponse);
    send(res, reply.status ?? 200, reply.body, reply.headers);
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: Query,
    fullPath: string,
  ): Promise<void> {
    const body = await readBody(req);
    const fault = await faults.apply();
    if (fault?.kind === 'hang') return; // never answered; the socket is dropped on close()
    if (fault?.kind === 'error') return sendError(res, fault.error);
    const user = authenticate(req, users);
    const match = api.match(req.method ?? 'GET', path);
    if (!match)
      return send(res, 404, { Message: `No HTTP resource was found that matches the request URI '${fullPath}'.` });
    if ('methodNotAllowed' in match)
      return send(res, 405, { Message: `The requested resource does not support http method '${req.method}'.` });
    const reply: Reply = await match.handler(new ApiRequest(match.params, query, body, user, sim));
    send(res, reply.status ?? 200, reply.body, reply.headers);
  }

  server.on('connection', (socket) => {
    if (faults.refusingUntil && faults.refusingUntil > Date.now()) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const parts = url.pathname.split('/').filter(Boolean);
    const query = new Query(url.searchParams);
    const work = async () => {
      if (parts[0]?.toLowerCase() !== warehouse.toLowerCase())
        return send(res, 404, {
          Message: `No warehouse '${parts[0] ?? ''}' here; this simulator serves '${warehouse}'.`,
        });
      if (parts[1]?.toLowerCase() === 'sim') return handleControl(req, res, '/' + parts.slice(2).join('/'), query);
      if (parts[1]?.toLowerCase() === 'api' && parts[2]?.toLowerCase() === 'v1')
        return handleApi(req, res, '/' + parts.slice(3).join('/'), query, url.pathname);
      return send(res, 404, { Message: `No HTTP resource was found that matches the request URI '${url.pathname}'.` });
    };
    work().catch((e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (e instanceof ApiError) return sendError(res, e);
      log.error('unhandled error in simulator request', { method: req.method, path: url.pathname, err: e });
      send(res, 500, { Message: 'An error has occurred.' });
    });
  });

  try {
    await listen();
  } catch (e) {
    await store.close();
    throw e;
  }
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: `${origin}/${warehouse}/api/v1`,
    controlUrl: `${origin}/${warehouse}/sim`,
    port,
    async close() {
      closing = true;
      if (refuseTimer) clearTimeout(refuseTimer);
      const closed = stopListening();
      dropConnections();
      await closed;
      await store.close();
    },
  };
}
