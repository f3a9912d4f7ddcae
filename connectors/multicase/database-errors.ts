/**
 * Failures of the Multicase database, classified where they happen (its readers and writers call
 * this), by cause: the server's SQLSTATE code, knex's pool timeout by its error class, a lost
 * connection by the mark `connectMulticase` puts on it. Never by message text.
 */
import { ConfigurationFault, isRetriable, PermanentError, TransientError } from '../../runtime/errors.js';
import { isConnectionLost } from './database.js';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * SQLSTATEs a retry can cure: connection exceptions (08), insufficient resources (53), operator
 * intervention such as a shutdown or a cancelled query (57P), serialization failure (40001),
 * deadlock (40P01), lock not available (55P03).
 */
export const isTransientSqlState = (code: string): boolean => /^(08|53|57P|40001|40P01|55P03)/.test(code);

/**
 * SQLSTATEs of a database an operator has to fix, never of the record: refused credentials (28),
 * a missing grant (42501), a read-only server after a failover (25006), a database, schema, table,
 * column or function that is not there (3D000, 3F000, 42P01, 42703, 42883).
 */
export const isConfigurationSqlState = (code: string): boolean =>
  /^(28|42501|25006|3D000|3F000|42P01|42703|42883)/.test(code);

/** Node's codes for a peer certificate that failed verification (OpenSSL's X509_V_ERR_*, and the host name check). */
const TLS_CERTIFICATE_REFUSED =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|UNABLE_TO_(GET_ISSUER_CERT|GET_ISSUER_CERT_LOCALLY|VERIFY_LEAF_SIGNATURE|DECRYPT_CERT_SIGNATURE)|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_[A-Z_]+)$/;

/** A database failure as a TransientError or PermanentError; anything else is returned as it is. */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof PermanentError || err instanceof TransientError) return err;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; constraint?: unknown; detail?: unknown } | null;
  const message = String(e?.message ?? err);
  if (typeof e?.code === 'string' && SQLSTATE.test(e.code)) {
    if (isTransientSqlState(e.code))
      return new TransientError(`database unavailable (${e.code}): ${message}`, { cause: err });
    if (isConfigurationSqlState(e.code))
      return new ConfigurationFault(
        `the Multicase database needs an operator (${e.code}): ${message}`,
        undefined,
        'database',
        { cause: err },
      );
    // The server's `detail` quotes row values ("Key (…)=(…)"); it stays out of logs and dead letters.
    const constraint = typeof e.constraint === 'string' ? `, ${e.constraint}` : '';
    return new PermanentError(`database refused the write (${e.code}${constraint}): ${message}`, { cause: err });
  }
  // The server's TLS certificate refused (no trusted CA signed it, wrong name, expired): only an
  // operator can fix that, so it pauses the stage like a refused password.
  if (typeof e?.code === 'string' && TLS_CERTIFICATE_REFUSED.test(e.code))
    return new ConfigurationFault(
      `the Multicase database's TLS certificate was refused (${e.code}): ${message}; check MULTICASE_DATABASE_SSLMODE and MULTICASE_DATABASE_CA_FILE`,
      undefined,
      'database',
      { cause: err },
    );
  // No SQLSTATE: the pool had no connection to give, the connection was lost, or a socket failed.
  if (e?.name === 'KnexTimeoutError' || isConnectionLost(err) || isRetriable(err)) {
    return new TransientError(`database unavailable: ${message}`, { cause: err });
  }
  return err;
}
