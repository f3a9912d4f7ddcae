/**
 * Failures are classified where they happen, kafkajs-style: every error the pipeline acts on says
 * whether a retry can help. Everything downstream (retry, dead-lettering, metrics) decides by the
 * class, never by matching message text.
 */

export abstract class PipelineError extends Error {
  abstract readonly retriable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth retrying: network, timeouts, broker or database unavailable, HTTP 5xx and 429. */
export class TransientError extends PipelineError {
  readonly retriable = true;
  /** Milliseconds the other side asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * A fault of configuration or credentials (refused login, missing permission, a wrong address, a
 * table that is not there): not the record's fault, and no record can pass until an operator
 * fixes it. Retried like any transient failure, so the stage pauses and says why.
 */
export class ConfigurationFault extends TransientError {
  constructor(
    message: string,
    readonly status?: number,
    readonly reason = 'configuration',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Something the record needs is not there yet but may come (an id mapping written by a sink in
 * another process, racing this record). Retried like any transient failure, but only for
 * `giveUpAfterMs` from the first failure; after that the record is dead-lettered as unmappable,
 * unless `afterGrace` says what it yields instead (a stage's outputs: what the record means once
 * the mapping is taken to be missing for good, e.g. a receipt on a purchase order made by hand).
 */
export class NotYetAvailableError extends TransientError {
  constructor(
    message: string,
    readonly giveUpAfterMs: number,
    readonly afterGrace?: () => unknown,
  ) {
    super(message);
  }
}

/** Can never succeed as it is: schema-invalid, failed validation, HTTP 4xx, unmappable. */
export class PermanentError extends PipelineError {
  readonly retriable = false;
}

/** A record that breaks a business rule; names the record and the offending field. */
export class ValidationError extends PermanentError {
  constructor(
    readonly record: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${record}: field ${field} ${problem}`);
  }
}

/** The target refused the write (HTTP 4xx or a business refusal); carries its own message. */
export class RejectedError extends PermanentError {
  constructor(
    message: string,
    readonly status?: number,
    readonly reason = 'rejected',
  ) {
    super(message);
  }
}

/** A lookup (id map, shipping-method map) has no entry for the record. */
export class UnmappableError extends PermanentError {}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The class of an arbitrary thrown value. Errors from libraries that carry their own retriable
 * flag (kafkajs) or a well-known code (Node sockets) are classified by those; a system's own
 * errors are classified at its edge (the Ongoing client, the Multicase database's
 * classifyDatabaseError) before they get here. Anything else (a TypeError from a mapping that met data it cannot handle, a constraint
 * violation) is permanent: retrying would block the partition forever, while the dead-letter
 * topic keeps the record for inspection and replay.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof PipelineError) return err.retriable;
  if (err && typeof err === 'object') {
    const e = err as { retriable?: unknown; code?: unknown; cause?: unknown; name?: unknown };
    if (typeof e.retriable === 'boolean') return e.retriable;
    if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
    if (e.cause) return isRetriable(e.cause);
  }
  return false;
}

export function errorClass(err: unknown): string {
  if (err instanceof Error) return err.name || err.constructor.name;
  return typeof err;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
