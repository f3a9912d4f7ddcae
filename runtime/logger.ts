/**
 * A structured JSON-lines logger. Fields whose name looks like a credential are masked, and so is
 * the password of any URL in the message or a field (found by parsing it: runtime/redact.ts), so a
 * log line never carries a secret whatever a caller passes.
 */

import { setting } from './config.js';
import { redactText } from './redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Declared for validation and documentation; read directly so that logging works before configuration loads. */
export const logSettings = {
  level: setting.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, {
    default: 'info',
    description: 'lowest level written to stderr (JSON lines)',
  }),
};
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|api[-_]?key/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error)
    return {
      name: value.name,
      message: redact(value.message, depth + 1),
      ...(value.cause ? { cause: redact(value.cause, depth + 1) } : {}),
    };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '***' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function envLevel(): Level {
  const v = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return v in order ? (v as Level) : 'info';
}

export function createLogger(
  base: Record<string, unknown> = {},
  sink: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger {
  const min = order[envLevel()];
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    sink(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg: redactText(msg),
        ...(redact({ ...base, ...fields }) as object),
      }),
    );
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (f) => createLogger({ ...base, ...f }, sink),
  };
}

export { redact };
