/**
 * PostgreSQL behind TLS for tests, without touching the machine's server (which runs without
 * TLS): a proxy that answers PostgreSQL's SSLRequest with 'S', terminates TLS with a certificate
 * of its own test CA (for the name localhost) and passes the plain protocol on to the server.
 * `certificates()` makes that CA and another one nobody signed with, with openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';

export interface TestCertificates {
  dir: string;
  /** The CA that signed the proxy's certificate (PEM file). */
  caFile: string;
  /** A CA that signed nothing here. */
  otherCaFile: string;
  key: Buffer;
  cert: Buffer;
  remove(): void;
}

export function certificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-tls-'));
  const at = (f: string) => path.join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca'])
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
    );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  writeFileSync(at('san.ext'), 'subjectAltName=DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    dir,
    caFile: at('ca.pem'),
    otherCaFile: at('other-ca.pem'),
    key: readFileSync(at('server.key')),
    cert: readFileSync(at('server.pem')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsPostgres {
  readonly port: number;
  /** Connections whose TLS handshake completed. */
  readonly secured: number;
  close(): Promise<void>;
}

const SSL_REQUEST_CODE = 80877103;

export async function startTlsPostgres(
  certs: Pick<TestCertificates, 'key' | 'cert'>,
  target = { host: '127.0.0.1', port: 5432 },
): Promise<TlsPostgres> {
  let secured = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.once('data', (first: Buffer) => {
      if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST_CODE) {
        // A client that does not ask for TLS gets none: this server only speaks TLS.
        client.destroy();
        return;
      }
      client.write('S');
      const tls = new TLSSocket(client, { isServer: true, key: certs.key, cert: certs.cert });
      tls.on('secure', () => {
        secured++;
        const upstream = connect(target.port, target.host);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        tls.pipe(upstream).pipe(tls);
        upstream.on('error', () => tls.destroy());
      });
      tls.on('error', () => client.destroy());
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    get secured() {
      return secured;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
