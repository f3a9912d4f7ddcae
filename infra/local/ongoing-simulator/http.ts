/**
 * The HTTP vocabulary the simulator answers in: ASP.NET Web API style errors (`{"Message": …}`)
 * and the parsing of query strings and JSON bodies, with validation messages that name the field
 * the way Ongoing's model validation does.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { Message: this.message, ...this.extra };
  }
}

/** A request that fails model validation: 400, naming the field (ASP.NET adds ModelState). */
export function invalid(field: string, problem: string): ApiError {
  const message = `The request is invalid. ${field} ${problem}`;
  return new ApiError(400, message, { ModelState: { [field]: [`${field} ${problem}`] } });
}

/** A well-formed request that breaks a business rule (edit after work started, unknown code, …). */
export function refused(message: string): ApiError {
  return new ApiError(400, message);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, message);
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Query string access with repeated keys (`articleNumbers=A&articleNumbers=B`), case-insensitive like ASP.NET. */
export class Query {
  private readonly values = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) {
      const key = k.toLowerCase();
      const list = this.values.get(key) ?? [];
      list.push(v);
      this.values.set(key, list);
    }
  }

  /** The last value given for a key; ASP.NET binds a scalar from one value. Empty counts as absent. */
  get(name: string): string | undefined {
    const list = this.values.get(name.toLowerCase());
    const v = list?.[list.length - 1];
    return v === undefined || v === '' ? undefined : v;
  }

  /** Every value of a repeated key. A comma list stays one value, so `A,B` matches nothing. */
  all(name: string): string[] {
    return (this.values.get(name.toLowerCase()) ?? []).filter((v) => v !== '');
  }

  int(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw.trim())) throw invalid(name, `has the value '${raw}', which is not a valid integer.`);
    return Number(raw);
  }

  requiredInt(name: string): number {
    const v = this.int(name);
    if (v === undefined) throw invalid(name, 'is required.');
    return v;
  }

  bool(name: string): boolean | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    const v = raw.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalid(name, `has the value '${raw}', which is not a valid boolean.`);
  }

  time(name: string): Date | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    return parseTime(raw, name);
  }
}

/**
 * Parses a request time. Ongoing asks for UTC with an explicit offset; a date-only value
 * (`2024-05-01`, as the official examples send for deliveryDate) is taken as UTC midnight, and
 * a local time without offset is read as UTC too (the server's zone is not the client's business).
 */
export function parseTime(raw: string, field: string): Date {
  const s = raw.trim();
  let d: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) d = new Date(`${s}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) d = new Date(`${s}Z`);
  else d = new Date(s);
  if (Number.isNaN(d.getTime())) throw invalid(field, `has the value '${raw}', which is not a valid date and time.`);
  return d;
}

/** UTC ISO 8601 with `Z`, as every Ongoing response carries times. */
export function utc(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field readers for JSON bodies; `path` is the dotted name used in validation messages. */
export const field = {
  object(obj: Json, name: string, path = name): Json | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw invalid(path, 'must be an object.');
    return v;
  },
  requiredObject(obj: Json, name: string, path = name): Json {
    const v = field.object(obj, name, path);
    if (!v) throw invalid(path, 'is required.');
    return v;
  },
  string(obj: Json, name: string, path = name): string | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') throw invalid(path, 'must be a string.');
    return v;
  },
  requiredString(obj: Json, name: string, path = name): string {
    const v = field.string(obj, name, path);
    if (v === undefined || v.trim() === '') throw invalid(path, 'is required.');
    return v;
  },
  number(obj: Json, name: string, path = name): number | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(path, 'must be a number.');
    return n;
  },
  requiredNumber(obj: Json, name: string, path = name): number {
    const v = field.number(obj, name, path);
    if (v === undefined) throw invalid(path, 'is required.');
    return v;
  },
  int(obj: Json, name: string, path = name): number | undefined {
    const v = field.number(obj, name, path);
    if (v !== undefined && !Number.isInteger(v)) throw invalid(path, 'must be an integer.');
    return v;
  },
  requiredInt(obj: Json, name: string, path = name): number {
    const v = field.int(obj, name, path);
    if (v === undefined) throw invalid(path, 'is required.');
    return v;
  },
  bool(obj: Json, name: string, path = name): boolean | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(path, 'must be true or false.');
    return v;
  },
  time(obj: Json, name: string, path = name): Date | undefined {
    const v = obj[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw invalid(path, 'must be a date and time string.');
    return parseTime(v, path);
  },
  array(obj: Json, name: string, path = name): Json[] | undefined {
    const v = obj[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw invalid(path, 'must be an array.');
    return v.map((item, i) => {
      if (!isObject(item)) throw invalid(`${path}[${i}]`, 'must be an object.');
      return item;
    });
  },
};

/** A route id segment (`/orders/{orderId}`); a non-integer is a 400 like ASP.NET's binder gives. */
export function idParam(params: Record<string, string>, name: string): number {
  const raw = params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw invalid(name, `has the value '${raw}', which is not a valid integer.`);
  return Number(raw);
}

/** JSON with object keys sorted, for comparing stored jsonb (which reorders keys) with a new body. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
