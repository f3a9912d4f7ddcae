/**
 * What the producer, consumer and admin of ../kafka.ts share: the topic and group namespace, the
 * classification of kafkajs errors, header decoding and the bridge from kafkajs' log to ours.
 */
import type { IHeaders } from 'kafkajs';
import { kafkajs } from './kafkajs.js';
import { PermanentError, TransientError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Headers } from './types.js';

const { logLevel } = kafkajs;

/** Maps topic and group names to the cluster (`out`) and back; `prefix` is "" without a namespace. */
export interface Namespace {
  readonly prefix: string;
  out(name: string): string;
  back(name: string): string;
}

export function namespaceOf(namespace: string | undefined): Namespace {
  const prefix = namespace ?? '';
  return {
    prefix,
    out: (name) => prefix + name,
    back: (name) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name),
  };
}

/** kafkajs advisories that do not apply here: we do not use its transactions (exactly-once comes from idempotent sinks). */
const IGNORED = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

export function toLogCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: { level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, timestamp: _t, logger: _l, ...rest } = entry;
      if (IGNORED.has(message)) return;
      if (level <= logLevel.ERROR) log.error(`kafka: ${message}`, rest);
      else if (level === logLevel.WARN) log.warn(`kafka: ${message}`, rest);
      else log.debug(`kafka: ${message}`, rest);
    };
}

const NO_HEADERS: Headers = Object.freeze({}) as Headers;

export function headersOf(h: IHeaders | undefined): Headers {
  // Most records carry none: one shared, frozen empty object instead of one per record.
  if (!h) return NO_HEADERS;
  let out: Headers | undefined;
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) (out ??= {})[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out ?? NO_HEADERS;
}

/**
 * Refusals the brokers give because of the record itself; no retry and no recovery of the cluster
 * can make them pass, so the record may be dead-lettered.
 */
const RECORD_REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TIMESTAMP']);

/** The brokers refused a record for what it is (too large, invalid), not for the state of the cluster. */
export class RecordRefusedError extends PermanentError {}

function refusalOf(err: unknown): string | undefined {
  for (
    let e = err, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError,
      depth++
  ) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && RECORD_REFUSALS.has(type)) return type;
  }
  return undefined;
}

/**
 * Classifies a kafkajs failure by cause. kafkajs' own `retriable` flag says whether *its* retry
 * may help; once its retries are used up it reports `KafkaJSNumberOfRetriesExceeded` with
 * `retriable: false`, and an unreachable, leaderless or unauthorised cluster looks like that
 * after 20 s. So only the refusals of a record itself are permanent here; every other failure
 * is the cluster's state, an outage to wait out, never a reason to dead-letter.
 */
export function classify(err: unknown, what: string): Error {
  const message = (err as { message?: string })?.message ?? String(err);
  const refusal = refusalOf(err);
  if (refusal)
    return new RecordRefusedError(`${what}: the brokers refused the record (${refusal}): ${message}`, { cause: err });
  return new TransientError(`${what}: ${message}`, { cause: err });
}
