/**
 * TLS to the Multicase database (MULTICASE_DATABASE_SSLMODE, MULTICASE_DATABASE_CA_FILE): the
 * settings become pg's TLS options, a bad combination stops the process with the variable named,
 * and against a server that speaks TLS (a proxy in front of the machine's PostgreSQL with a
 * certificate of a test CA) verify-full connects with the right CA, and a certificate no trusted
 * CA signed is a configuration fault (the stage pauses), never a bad record. The LISTEN
 * connection gets the same TLS.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMulticase,
  listenClient,
  multicaseConnection,
  multicaseDbSettings,
} from '../connectors/multicase/database.js';
import { classifyDatabaseError } from '../connectors/multicase/database-errors.js';
import { ConfigError, loadConfig } from '../runtime/config.js';
import { ConfigurationFault } from '../runtime/errors.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';
import { certificates, startTlsPostgres, type TestCertificates, type TlsPostgres } from './support/postgres-tls.js';

let certs: TestCertificates;
let server: TlsPostgres;
let db: TempDatabase;
const pools: Knex[] = [];

beforeAll(async () => {
  certs = certificates();
  server = await startTlsPostgres(certs);
  db = await createTempDatabase('mc_tls');
});
afterAll(async () => {
  for (const p of pools) await p.destroy().catch(() => undefined);
  await server?.close();
  await db?.drop();
  certs?.remove();
});

/** The temp database, reached through the TLS proxy by the name its certificate carries. */
const throughTls = () => {
  const url = new URL(db.url);
  url.hostname = 'localhost';
  url.port = String(server.port);
  return url.toString();
};

const connection = (env: NodeJS.ProcessEnv) => multicaseConnection(loadConfig(multicaseDbSettings, env));

describe('TLS to the Multicase database', () => {
  it('turns the sslmode into TLS options, and refuses what cannot work, naming the variable', () => {
    expect(connection({}).ssl).toBe(false);
    expect(connection({ MULTICASE_DATABASE_SSLMODE: 'require' }).ssl).toEqual({ rejectUnauthorized: false });
    const full = connection({ MULTICASE_DATABASE_SSLMODE: 'verify-full', MULTICASE_DATABASE_CA_FILE: certs.caFile });
    expect(full.ssl).toMatchObject({ rejectUnauthorized: true, ca: [expect.any(Buffer)] });
    expect(full.ssl && 'checkServerIdentity' in full.ssl).toBe(false);
    const ca = connection({ MULTICASE_DATABASE_SSLMODE: 'verify-ca' });
    expect(ca.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(ca.ssl && typeof ca.ssl.checkServerIdentity).toBe('function');

    const refused = (env: NodeJS.ProcessEnv) => {
      try {
        connection(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    expect(refused({ MULTICASE_DATABASE_CA_FILE: certs.caFile })).toContain(
      'MULTICASE_DATABASE_CA_FILE is set but MULTICASE_DATABASE_SSLMODE=disable',
    );
    expect(
      refused({ MULTICASE_DATABASE_SSLMODE: 'verify-full', MULTICASE_DATABASE_CA_FILE: '/nonexistent/ca.pem' }),
    ).toContain('MULTICASE_DATABASE_CA_FILE="/nonexistent/ca.pem" cannot be read');
    expect(refused({ MULTICASE_DATABASE_URL: 'postgres://pipeline:pw@db/multicase?sslmode=require' })).toContain(
      'MULTICASE_DATABASE_URL carries sslmode',
    );
  });

  it('verify-full with the CA that signed the server: connects over TLS, the pool and the LISTEN connection', async () => {
    const before = server.secured;
    const pool = connectMulticase(
      connection({
        MULTICASE_DATABASE_URL: throughTls(),
        MULTICASE_DATABASE_SSLMODE: 'verify-full',
        MULTICASE_DATABASE_CA_FILE: certs.caFile,
      }),
      { poolMax: 1 },
    );
    pools.push(pool);
    expect((await pool.raw('SELECT current_database() AS name')).rows[0].name).toBe(db.name);
    const listen = listenClient(pool, 'tls-test-listen');
    await listen.connect();
    try {
      await listen.query('LISTEN tls_test');
    } finally {
      await listen.end();
    }
    expect(server.secured - before).toBe(2);
  });

  it('a certificate no trusted CA signed: a configuration fault naming the settings, not a bad record', async () => {
    const pool = connectMulticase(
      connection({
        MULTICASE_DATABASE_URL: throughTls(),
        MULTICASE_DATABASE_SSLMODE: 'verify-full',
        MULTICASE_DATABASE_CA_FILE: certs.otherCaFile,
      }),
      { poolMax: 1, quick: true },
    );
    pools.push(pool);
    const failure = await pool.raw('SELECT 1').then(
      () => undefined,
      (err: unknown) => classifyDatabaseError(err),
    );
    expect(failure).toBeInstanceOf(ConfigurationFault);
    expect((failure as Error).message).toContain('MULTICASE_DATABASE_CA_FILE');
  });

  it('without TLS, the plain server is reached as before', async () => {
    const pool = connectMulticase(connection({ MULTICASE_DATABASE_URL: db.url }), { poolMax: 1 });
    pools.push(pool);
    expect((await pool.raw('SELECT 1 AS one')).rows[0].one).toBe(1);
  });
});
