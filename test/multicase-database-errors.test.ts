/** Multicase database failures are classified by cause: SQLSTATE code, error class, connection mark. */
import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { CONNECTION_LOST, connectMulticase } from '../connectors/multicase/database.js';
import { classifyDatabaseError } from '../connectors/multicase/database-errors.js';
import { ConfigurationFault, PermanentError, TransientError, ValidationError } from '../runtime/errors.js';
import { createTempDatabase, PG_ADMIN_URL } from './support/databases.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyDatabaseError', () => {
  it.each(['08006', '57P01', '53300', '40001', '40P01', '55P03'])(
    'retries SQLSTATE %s (outage, contention)',
    (code) => {
      expect(classifyDatabaseError(pgError(code))).toBeInstanceOf(TransientError);
    },
  );

  it.each(['28P01', '42501', '25006', '3D000', '42P01', '42703'])(
    'pauses on SQLSTATE %s: credentials, grants, a read-only failover or a missing table need an operator',
    (code) => {
      const err = classifyDatabaseError(pgError(code));
      expect(err).toBeInstanceOf(ConfigurationFault);
      expect(err).toBeInstanceOf(TransientError);
    },
  );

  it.each(['23505', '23514', '22P02'])(
    'refuses SQLSTATE %s for good, naming the constraint but not the row',
    (code) => {
      const err = classifyDatabaseError(
        Object.assign(pgError(code, 'violates'), {
          constraint: 'stock_not_negative',
          detail: 'Failing row contains (42, secret-value).',
        }),
      );
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toContain(`${code}, stock_not_negative`);
      expect((err as Error).message).not.toContain('secret-value');
    },
  );

  it('retries a pool that had no connection to give (by error class)', () => {
    const timeout = Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' });
    expect(classifyDatabaseError(timeout)).toBeInstanceOf(TransientError);
  });

  it('retries a lost connection by its mark, whatever the text says', () => {
    const lost = new Error('anything at all');
    Object.defineProperty(lost, CONNECTION_LOST, { value: true });
    expect(classifyDatabaseError(lost)).toBeInstanceOf(TransientError);
    // The same text without the mark is not an outage.
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).not.toBeInstanceOf(TransientError);
  });

  it('leaves the pipeline’s own errors and unknown ones as they are', () => {
    const invalid = new ValidationError('receipt booking for purchase order 1', 'lines[0].position', 'is not a line');
    expect(classifyDatabaseError(invalid)).toBe(invalid);
    const bug = new TypeError('x is undefined');
    expect(classifyDatabaseError(bug)).toBe(bug);
  });
});

describe('a Multicase connection lost mid-query (real PostgreSQL)', () => {
  it('is classified as transient: the server ended the backend, the query failed with no SQLSTATE', async () => {
    const temp = await createTempDatabase('mc_conn_lost');
    const db = connectMulticase(temp.url, { poolMax: 1 });
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
    try {
      const pid = Number((await db.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      const query = db.raw('SELECT pg_sleep(10)').then(
        () => undefined,
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 200));
      await admin.raw('SELECT pg_terminate_backend(?)', [pid]);
      // Terminating a backend is what a server restart or failover does to every connection.
      const failures: unknown[] = [await query];
      // The pool may hand out the dead connection once more before it learns it ended; that
      // failure (no SQLSTATE, only pg's "Connection terminated") must be an outage too.
      let answer: number | undefined;
      for (let attempt = 0; attempt < 3 && answer === undefined; attempt++) {
        answer = await db.raw('SELECT 1 AS one').then(
          (r: { rows: Array<{ one: number }> }) => r.rows[0]?.one,
          (err: unknown) => void failures.push(err),
        );
      }
      expect(failures[0]).toBeInstanceOf(Error);
      for (const f of failures) expect(classifyDatabaseError(f), String(f)).toBeInstanceOf(TransientError);
      expect(answer).toBe(1);
    } finally {
      await db.destroy();
      await admin.destroy();
      await temp.drop();
    }
  });
});
