/**
 * What the producer, consumer and admin of ../kafka.ts share: the topic and group namespace, the
 * classification of kafkajs errors, header decoding and the bridge from kafkajs' log to ours.
 */
import { logLevel, type IHeaders } from 'kafkajs';
import { TransientError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Headers } from './types.js';

/** Maps topic and group names to the cluster (`out`) and back; `prefix` is "" without a namespace. */
export interface Namespace {
  readonly prefix: string;
  out(name: string): string;
  back(name: string): string;
}

export function namespaceOf(namespace: string | undefined): Namespace {
  const prefix = namespace && namespace !== '-' ? namespace : '';
  return {
    prefix,
    out: (name) => prefix + name,
    back: (name) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name),
  };
}

/** kafkajs advisories that do not apply here: we do not use its transactions (exactly-once comes from idempotent sinks). */
const IGNORED = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

export function toLogCreator(log: Logger) {
  return () => ({ level, log: entry }: { level: number; log: { message: string } & Record<string, unknown> }) => {
    const { message, timestamp: _t, logger: _l, ...rest } = entry;
    if (IGNORED.has(message)) return;
    if (level <= logLevel.ERROR) log.error(`kafka: ${message}`, rest);
    else if (level === logLevel.WARN) log.warn(`kafka: ${message}`, rest);
    else log.debug(`kafka: ${message}`, rest);
  };
}

export function headersOf(h: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/** kafkajs marks its own errors retriable or not; keep that, in our classes, at this edge. */
export function classify(err: unknown, what: string): Error {
  const e = err as { retriable?: boolean; message?: string };
  if (e && e.retriable === true) return new TransientError(`${what}: ${e.message ?? String(err)}`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
