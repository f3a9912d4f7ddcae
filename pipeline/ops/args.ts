/** Option parsing for the ops commands: node's parseArgs, with errors that name the option. */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type Spec = Record<string, 'string' | 'boolean'>;
export type Options<S extends Spec> = { [K in keyof S]?: S[K] extends 'string' ? string : boolean };

export function parseOptions<S extends Spec>(command: string, args: string[], spec: S): Options<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, { type }]));
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return values as Options<S>;
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message}`);
  }
}

export function required(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

/** A whole number >= min, as given on the command line. */
export function integerOption(command: string, name: string, raw: string, min = 0): bigint {
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${command}: --${name} must be a whole number, got "${raw}"`);
  const n = BigInt(raw.trim());
  if (n < BigInt(min)) throw new UsageError(`${command}: --${name} must be at least ${min}, got ${raw}`);
  return n;
}

/** A point in time; ISO 8601 with a date at least ("2025-03-01", "2025-03-01T06:00:00Z"). */
export function timeOption(command: string, name: string, raw: string): number {
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || !Number.isFinite(ms)) {
    throw new UsageError(`${command}: --${name} must be an ISO 8601 time such as 2025-03-01T06:00:00Z, got "${raw}"`);
  }
  return ms;
}
