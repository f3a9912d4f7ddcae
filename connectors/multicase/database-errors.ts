/**
 * Failures of the Multicase database, classified where they happen (its readers and writers call
 * this), by cause: the server's SQLSTATE code, knex's pool timeout by its error class, a lost
 * connection by the mark `connectMulticase` puts on it. Never by message text.
 */
import { isRetriable, PermanentError, TransientError } from '../../runtime/errors.js';
import { isConnectionLost } from './database.js';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * SQLSTATEs a retry can cure: connection exceptions (08), insufficient resources (53), operator
 * intervention such as a shutdown or a cancelled query (57P), serialization failure (40001),
 * deadlock (40P01), lock not available (55P03), and credentials or grants an operator has to fix
 * (28: invalid authorization, 42501: insufficient privilege), never a property of the record.
 */
export const isTransientSqlState = (code: string): boolean => /^(08|28|53|57P|40001|40P01|55P03|42501)/.test(code);

/** A database failure as a TransientError or PermanentError; anything else is returned as it is. */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof PermanentError || err instanceof TransientError) return err;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; constraint?: unknown; detail?: unknown } | null;
  const message = String(e?.message ?? err);
  if (typeof e?.code === 'string' && SQLSTATE.test(e.code)) {
    if (isTransientSqlState(e.code)) return new TransientError(`database unavailable (${e.code}): ${message}`, { cause: err });
    const constraint = typeof e.constraint === 'string' ? `, ${e.constraint}` : '';
    const detail = typeof e.detail === 'string' ? ` (${e.detail})` : '';
    return new PermanentError(`database refused the write (${e.code}${constraint}): ${message}${detail}`, { cause: err });
  }
  // No SQLSTATE: the pool had no connection to give, the connection was lost, or a socket failed.
  if (e?.name === 'KnexTimeoutError' || isConnectionLost(err) || isRetriable(err)) {
    return new TransientError(`database unavailable: ${message}`, { cause: err });
  }
  return err;
}
