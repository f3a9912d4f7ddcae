/**
 * Configuration from environment variables, declared once beside the component that reads it.
 *
 * A component declares a spec (`{ brokers: setting.list('KAFKA_BROKERS', …) }`), calls
 * `loadConfig(spec)` at start-up and gets typed values back, or one `ConfigError` that names every
 * variable that is missing or malformed and what it expected. Every declared setting is also
 * recorded in `declaredSettings` so the README's configuration table can be printed from code
 * (`npm run ops -- config`) instead of being kept by hand.
 *
 * A setting is required (no default), has a default, or is optional (`setting.optional.string`):
 * an optional one left unset or empty reads as undefined, and its readers say what that means.
 */
import { hasUserinfo, redactUrl } from './redact.js';

export interface Setting<T> {
  readonly name: string;
  readonly description: string;
  readonly expected: string;
  readonly defaultValue: T | undefined;
  /** May be left unset (its value is undefined then); shown as unset in the table. */
  readonly optional: boolean;
  readonly secret: boolean;
  parse(raw: string): T;
  /** The raw value as an error may show it: hidden when secret, a URL without its password. */
  shown(raw: string): string;
  /** True when this value must be kept as a secret: a secret setting, or a URL carrying userinfo. */
  secretValue(raw: string): boolean;
}

interface Options<T> {
  description: string;
  default?: T;
  secret?: boolean;
}

interface Kind {
  expected: string;
  /** URLs: a value with userinfo is secret, and is shown with its password masked. */
  url?: boolean;
}

type OptionalOptions = Omit<Options<never>, 'default'>;

const registry = new Map<string, Setting<unknown>>();

function declare<T>(
  name: string,
  kind: string | Kind,
  opts: Options<T> & { optional?: boolean },
  parse: (raw: string) => T,
): Setting<T> {
  const { expected, url = false } = typeof kind === 'string' ? { expected: kind } : kind;
  const secret = opts.secret ?? false;
  const s: Setting<T> = {
    name,
    description: opts.description,
    expected,
    defaultValue: opts.default,
    optional: opts.optional ?? false,
    secret,
    parse,
    // A URL keeps its host and path (what tells a mistake), and never its password.
    shown: (raw) =>
      url && !(secret && !raw.includes('//'))
        ? JSON.stringify(redactUrl(raw))
        : secret
          ? '<hidden>'
          : JSON.stringify(raw),
    secretValue: (raw) => secret || (url && hasUserinfo(raw)),
  };
  registry.set(name, s as Setting<unknown>);
  return s;
}

class InvalidValue extends Error {}

const nonEmpty = (raw: string): string => {
  if (raw.trim() === '') throw new InvalidValue('is empty');
  return raw;
};

export const setting = {
  string(name: string, opts: Options<string>): Setting<string> {
    return declare(name, 'a non-empty string', opts, nonEmpty);
  },
  int(name: string, opts: Options<number> & { min?: number; max?: number }): Setting<number> {
    const min = opts.min ?? Number.MIN_SAFE_INTEGER;
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    return declare(name, `an integer from ${min} to ${max}`, opts, (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue('is not an integer');
      const n = Number(raw);
      if (n < min || n > max) throw new InvalidValue('is out of range');
      return n;
    });
  },
  bool(name: string, opts: Options<boolean>): Setting<boolean> {
    return declare(name, 'true or false', opts, (raw) => {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      throw new InvalidValue('is not a boolean');
    });
  },
  url(name: string, opts: Options<string>): Setting<string> {
    return declare(name, { expected: 'an absolute http(s) or postgres URL', url: true }, opts, (raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new InvalidValue('is not a URL');
      }
      if (!['http:', 'https:', 'postgres:', 'postgresql:'].includes(u.protocol))
        throw new InvalidValue(`has unsupported scheme ${u.protocol}`);
      return raw.replace(/\/+$/, '');
    });
  },
  hostPorts(name: string, opts: Options<string[]>): Setting<string[]> {
    return declare(name, 'a comma-separated list of host:port', opts, (raw) => {
      const parts = raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      if (parts.length === 0) throw new InvalidValue('is empty');
      for (const p of parts)
        if (!/^[^\s:]+:\d{1,5}$/.test(p)) throw new InvalidValue(`has "${p}", which is not host:port`);
      return parts;
    });
  },
  oneOf<T extends string>(name: string, values: readonly T[], opts: Options<T>): Setting<T> {
    return declare(name, `one of ${values.join(', ')}`, opts, (raw) => {
      if (!values.includes(raw as T)) throw new InvalidValue('is not one of the allowed values');
      return raw as T;
    });
  },
  /** Settings that may be left unset: undefined then. */
  optional: {
    int(name: string, opts: OptionalOptions & { min?: number; max?: number }): Setting<number | undefined> {
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
      return declare<number | undefined>(
        name,
        `an integer from ${min} to ${max}`,
        { ...opts, optional: true },
        (raw) => {
          if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue('is not an integer');
          const n = Number(raw);
          if (n < min || n > max) throw new InvalidValue('is out of range');
          return n;
        },
      );
    },
    string(name: string, opts: OptionalOptions): Setting<string | undefined> {
      return declare<string | undefined>(name, 'a non-empty string', { ...opts, optional: true }, (raw) => {
        // "-" meant "none" before settings could be optional; taken literally it would be, e.g., a topic prefix.
        if (raw.trim() === '-') throw new InvalidValue('is "-", which no longer means unset: leave it unset or empty');
        return nonEmpty(raw);
      });
    },
  },
};

export type ConfigOf<S extends Record<string, Setting<unknown>>> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends Record<string, Setting<unknown>>>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(spec)) {
    const raw = env[s.name];
    if (raw === undefined || raw === '') {
      if (s.defaultValue === undefined && !s.optional)
        problems.push(`${s.name} is required: expected ${s.expected} (${s.description})`);
      else out[key] = s.defaultValue;
      continue;
    }
    try {
      out[key] = s.parse(raw);
    } catch (e) {
      const shown = s.shown(raw);
      const why = e instanceof InvalidValue ? e.message : String(e);
      problems.push(`${s.name}=${shown} ${why}: expected ${s.expected} (${s.description})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Every setting declared so far, for documentation. */
export function declaredSettings(): Setting<unknown>[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}
