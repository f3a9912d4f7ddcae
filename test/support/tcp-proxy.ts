/**
 * A TCP proxy in front of a shared service (the schema registry, PostgreSQL), so a test can make
 * that service "go away" for its own pipeline without touching what other test files use.
 *
 *   const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
 *   url.port = String(proxy.port);      // the pipeline connects through the proxy
 *   await proxy.refuse();               // stop listening: new connections get ECONNREFUSED
 *   proxy.dropAll();                    // and the open ones are cut (both sides)
 *   await proxy.accept();               // listen again, on the same port
 *
 * The port is reserved below the ephemeral range (free-ports.ts), so nothing else can take it
 * while the proxy refuses.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { releasePort, reservePorts } from './free-ports.js';

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** True while the proxy listens. */
  readonly accepting: boolean;
  /** Client connections currently open through the proxy. */
  readonly openConnections: number;
  /** Connections accepted since the start. */
  readonly acceptedConnections: number;
  /** Closes the listener; open connections stay unless dropAll() is called too. */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  /** Destroys every open connection, client and target side. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: { host?: string } = {},
): Promise<TcpProxy> {
  const host = options.host ?? '127.0.0.1';
  const [port] = (await reservePorts(1, host)) as [number];
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let accepted = 0;
  let server: Server | undefined;
  let closed = false;

  const onConnection = (client: Socket) => {
    accepted++;
    const upstream = connect({ host: target.host, port: target.port });
    const pair = { client, upstream };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(onConnection);
      s.once('error', reject);
      s.listen({ port, host, exclusive: true }, () => {
        s.off('error', reject);
        server = s;
        resolve();
      });
    });

  /** Closes the listening socket now; the old server object keeps its open connections until dropped. */
  const stopListening = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.close();
    // The listening handle is closed on the next turn of the event loop.
    await new Promise((r) => setImmediate(r));
  };

  const dropAll = () => {
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  await listen();
  return {
    host,
    port,
    get accepting() {
      return server !== undefined;
    },
    get openConnections() {
      return pairs.size;
    },
    get acceptedConnections() {
      return accepted;
    },
    refuse: stopListening,
    async accept() {
      if (closed) throw new Error('the proxy is closed');
      if (!server) await listen();
    },
    dropAll,
    async close() {
      closed = true;
      await stopListening();
      dropAll();
      releasePort(port);
    },
  };
}
