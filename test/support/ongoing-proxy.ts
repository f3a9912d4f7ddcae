/**
 * Ongoing as the pipeline sees it in a test: the simulator behind a small proxy that may rewrite an
 * answer, the way a real Ongoing might send what the simulator never would.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OngoingProxy {
  /** The base URL to give the pipeline as ONGOING_API_BASE_URL. */
  url: string;
  close(): Promise<void>;
}

/**
 * `rewrite` gets each request (its URL against the simulator) and the simulator's answer, and
 * returns the body to send instead (or the same); `forward(path)` asks the simulator something else
 * with the request's method, headers and body.
 */
export async function startOngoingProxy(
  simulatorBaseUrl: string,
  rewrite: (
    req: IncomingMessage,
    url: URL,
    reply: { status: number; body: Buffer },
    forward: (path: string) => Promise<Response>,
  ) => Promise<Buffer> | Buffer,
): Promise<OngoingProxy> {
  const target = new URL(simulatorBaseUrl);
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>;
      const forward = (path: string) =>
        fetch(`${target.origin}${path}`, {
          method: req.method,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        });
      const reply = await forward(req.url!);
      const body = Buffer.from(await reply.arrayBuffer());
      const out = await rewrite(req, new URL(req.url!, target.origin), { status: reply.status, body }, forward);
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' });
      res.end(out);
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
