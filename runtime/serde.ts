/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body), with the
 * schemas held by a registry that speaks the Confluent REST API (Apicurio's ccompat API locally).
 * Subjects follow the topic-name strategy, `<topic>-value`, with the topic's name on the cluster
 * (KAFKA_NAMESPACE included), so standard tools find the schema of every topic they read.
 *
 * Failures are classified by cause: a value that does not fit its schema, or bytes that are not a
 * value of the schema they name, are the record's (SchemaError, dead-lettered); a registry that
 * cannot be reached, times out, refuses our credentials or lacks our schemas is a fault of
 * infrastructure or configuration (retried; the stage pauses), never a reason to dead-letter.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { valueSubject, type TopicSpec } from '../schemas/topic.js';
import { setting } from './config.js';
import { ConfigurationFault, PermanentError, TransientError } from './errors.js';
import { warnIfPlainHttpToRemoteHost, type WarnLogger } from './http-security.js';

export const registrySettings = {
  url: setting.url('SCHEMA_REGISTRY_URL', {
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    description: 'Confluent-compatible schema registry base URL (Apicurio: …/apis/ccompat/v7)',
  }),
  username: setting.optional.string('SCHEMA_REGISTRY_USERNAME', {
    description: 'registry basic-auth user; unset: no authentication',
  }),
  password: setting.optional.string('SCHEMA_REGISTRY_PASSWORD', {
    secret: true,
    description: 'registry basic-auth password',
  }),
  timeoutMs: setting.int('SCHEMA_REGISTRY_TIMEOUT_MS', {
    default: 10_000,
    min: 100,
    description: 'timeout of one schema registry call in milliseconds',
  }),
};

/** The bytes are not a value of the schema they claim, or not in the wire format at all. */
export class SchemaError extends PermanentError {}

export interface Serde {
  /** Registers (idempotently) the topic's value schema under BACKWARD compatibility; returns its id. `subject` defaults to the topic's. */
  register(topic: TopicSpec<unknown>, subject?: string): Promise<number>;
  encode<V>(topic: TopicSpec<V>, value: V): Promise<Buffer>;
  decode<V>(topic: TopicSpec<V>, bytes: Buffer | null): Promise<V>;
  /**
   * The same, at once, when the schema is already known to this process (after the first record
   * of a topic); undefined when it is not, or when the value fails (the async form then says why
   * in full). What a stage does for nearly every record, without a promise.
   */
  encodeKnown<V>(topic: TopicSpec<V>, value: V): Buffer | undefined;
  /** Whether the schema the bytes name is known to this process (decodeKnown can read them). */
  schemaKnown(bytes: Buffer): boolean;
  /** Looks up the topic's schema ahead of its first record, so that record takes the fast path too. */
  prepare(topic: TopicSpec<unknown>): Promise<void>;
  decodeKnown<V>(topic: TopicSpec<V>, bytes: Buffer | null): V | undefined;
}

/** The part of the registry client's cache read on the fast path. */
interface AvroType {
  encode(v: unknown, buf: Buffer, pos: number): number;
  decode(buf: Buffer, pos: number): { value: unknown; offset: number };
}
interface SchemaCache {
  getSchema(id: number): { type: string; schema: AvroType } | undefined;
}

export interface SerdeOptions {
  url: string;
  username?: string;
  password?: string;
  timeoutMs?: number;
  /** The cluster namespace (KAFKA_NAMESPACE) that prefixes topic names, and so their subjects. */
  namespace?: string;
  log?: WarnLogger;
}

const JSON_HEADERS = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

interface MappersmithResponse {
  status(): number;
  readonly errors?: unknown[];
  enhance(extras: { status?: number }): MappersmithResponse;
}

/**
 * The registry client's transport (mappersmith) reports a request that got no answer at all
 * (connection refused or reset, timed out) as HTTP 400 with the socket error attached. This
 * middleware, innermost, turns those into 503 before the client wraps them, so they classify as
 * what they are; and it puts a timeout on every call.
 */
const transportFaults = (timeoutMs: number) => () => ({
  prepareRequest: (next: () => Promise<{ enhance(extras: { timeout: number }): unknown }>) =>
    next().then((request) => request.enhance({ timeout: timeoutMs })),
  response: (next: () => Promise<unknown>) =>
    next().catch((response: MappersmithResponse) => {
      const noAnswer = typeof response?.status === 'function' && (response.errors?.length ?? 0) > 0;
      throw noAnswer ? response.enhance({ status: 503 }) : response;
    }),
});

/** A failed registry call, by HTTP status (the client puts it on its errors as `status`). */
function registryFault(what: string, err: unknown): Error {
  const status = (err as { status?: unknown })?.status;
  const message = `schema registry ${what}: ${(err as Error)?.message ?? String(err)}`;
  if (typeof status !== 'number' || status >= 500 || status === 429 || status === 408)
    return new TransientError(message, { cause: err });
  return new ConfigurationFault(
    message,
    status,
    status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'registry',
    { cause: err },
  );
}

const isRegistryCallFailure = (err: unknown) =>
  typeof (err as { status?: unknown })?.status === 'number' || (err as { name?: unknown })?.name === 'ResponseError';

export function createSerde(cfg: SerdeOptions): Serde {
  const auth = cfg.username ? { username: cfg.username, password: cfg.password ?? '' } : undefined;
  const timeoutMs = cfg.timeoutMs ?? 10_000;
  const prefix = cfg.namespace ?? '';
  const subjectOf = (topicOrSubject: string) => prefix + topicOrSubject;
  if (auth && cfg.log) warnIfPlainHttpToRemoteHost(cfg.url, 'the schema registry (Basic auth)', cfg.log);
  const registry = new SchemaRegistry({
    host: cfg.url,
    ...(auth ? { auth } : {}),
    // The runtime retries with its own backoff and pause reporting; one quick retry here rides out a blip.
    retry: { retries: 1, initialRetryTimeInSecs: 0.2 },
    middlewares: [transportFaults(timeoutMs) as never],
  });
  const ids = new Map<string, number>();
  const authHeader: Record<string, string> = auth
    ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {};

  async function config(method: 'GET' | 'PUT', subject: string): Promise<{ status: number; text: string }> {
    try {
      const res = await fetch(`${cfg.url}/config/${encodeURIComponent(subject)}`, {
        method,
        headers: { ...(method === 'PUT' ? JSON_HEADERS : {}), ...authHeader },
        ...(method === 'PUT' ? { body: JSON.stringify({ compatibility: 'BACKWARD' }) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      throw new TransientError(`schema registry ${method} /config/${subject}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async function ensureBackward(subject: string): Promise<void> {
    // Read first: every process runs this at start, and concurrent writes of the same subject
    // config make Apicurio answer 409 ("rule already exists"), so write only what is missing.
    for (let attempt = 1; ; attempt++) {
      const current = await config('GET', subject);
      if (
        current.status === 200 &&
        (JSON.parse(current.text) as { compatibilityLevel?: string }).compatibilityLevel === 'BACKWARD'
      )
        return;
      if (current.status !== 200 && current.status !== 404)
        throw registryFault(
          `GET /config/${subject}`,
          Object.assign(new Error(`answered ${current.status}: ${current.text}`), { status: current.status }),
        );
      const put = await config('PUT', subject);
      if (put.status >= 200 && put.status < 300) return;
      // Someone else set it meanwhile: read again.
      if (put.status === 409 && attempt < 5) continue;
      throw registryFault(
        `PUT /config/${subject}`,
        Object.assign(new Error(`answered ${put.status}: ${put.text}`), { status: put.status }),
      );
    }
  }

  async function idFor(topic: TopicSpec<unknown>): Promise<number> {
    const cached = ids.get(topic.name);
    if (cached !== undefined) return cached;
    const subject = subjectOf(valueSubject(topic.name));
    const id = await registry
      .getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(topic.schema) })
      .catch((err: unknown) => {
        // Not registered: the setup has not run for this schema version. No record can pass until it does.
        if (!isRegistryCallFailure(err) && (err as Error)?.name === 'ConfluentSchemaRegistryError') {
          throw new ConfigurationFault(
            `the schema of ${topic.name} is not registered under ${subject}; run the setup (npm run ops -- setup): ${(err as Error).message}`,
          );
        }
        throw registryFault(`looking up the schema of ${topic.name}`, err);
      });
    ids.set(topic.name, id);
    return id;
  }

  const cache = (registry as unknown as { cache: SchemaCache }).cache;
  // Values are written after the 5-byte header into one scratch buffer, grown as needed, and
  // copied out once: one allocation per value (from Node's pool for small ones).
  let scratch = Buffer.alloc(64 * 1024);

  return {
    encodeKnown(topic, value) {
      const id = ids.get(topic.name);
      const known = id === undefined ? undefined : cache.getSchema(id);
      if (known?.type !== SchemaType.AVRO) return undefined;
      try {
        let end = known.schema.encode(value, scratch, 5);
        if (end < 0) {
          scratch = Buffer.alloc(Math.max(scratch.length * 2, 5 - end + scratch.length));
          end = known.schema.encode(value, scratch, 5);
        }
        scratch[0] = 0;
        scratch.writeUInt32BE(id!, 1);
        const out = Buffer.allocUnsafe(end);
        scratch.copy(out, 0, 0, end);
        return out;
      } catch {
        return undefined;
      }
    },

    async prepare(topic) {
      const id = await idFor(topic);
      await registry.getSchema(id);
    },

    schemaKnown(bytes) {
      return bytes.length >= 5 && bytes[0] === 0 && cache.getSchema(bytes.readUInt32BE(1))?.type === SchemaType.AVRO;
    },

    decodeKnown(_topic, bytes) {
      if (!bytes || bytes.length < 5 || bytes[0] !== 0) return undefined;
      const known = cache.getSchema(bytes.readUInt32BE(1));
      if (known?.type !== SchemaType.AVRO) return undefined;
      try {
        const { value, offset } = known.schema.decode(bytes, 5);
        // Bytes left over or missing: not a value of this schema; the full path says so.
        return offset === bytes.length ? (value as never) : undefined;
      } catch {
        return undefined;
      }
    },

    async register(topic, subject = valueSubject(topic.name)) {
      const full = subjectOf(subject);
      await ensureBackward(full);
      const schema = { type: SchemaType.AVRO as const, schema: JSON.stringify(topic.schema) };
      const id = await registry.getRegistryIdBySchema(full, schema).catch(async () => {
        try {
          return (await registry.register(schema, { subject: full })).id;
        } catch (err) {
          // An incompatible schema is refused for good; the rest is the registry's state.
          if (
            (err as { status?: unknown }).status === 409 ||
            (err as Error)?.name === 'ConfluentSchemaRegistryCompatibilityError'
          ) {
            throw new PermanentError(
              `the schema registry refused ${full} as incompatible (BACKWARD): ${(err as Error).message}`,
            );
          }
          throw registryFault(`registering ${full}`, err);
        }
      });
      if (subject === valueSubject(topic.name)) ids.set(topic.name, id);
      return id;
    },

    async encode(topic, value) {
      const id = await idFor(topic as TopicSpec<unknown>);
      try {
        return await registry.encode(id, value);
      } catch (err) {
        if (isRegistryCallFailure(err)) throw registryFault(`fetching schema id ${id} for ${topic.name}`, err);
        const paths = (err as { paths?: string[][] }).paths;
        const where = paths?.length ? ` at ${paths.map((p) => p.join('.')).join(', ')}` : '';
        throw new SchemaError(`value for ${topic.name} does not match its schema${where}: ${(err as Error).message}`);
      }
    },

    async decode(topic, bytes) {
      if (!bytes || bytes.length < 5 || bytes[0] !== 0) {
        throw new SchemaError(
          `record on ${topic.name} is not in the Confluent Avro wire format (${bytes ? `${bytes.length} bytes, first byte ${bytes[0]}` : 'null value'})`,
        );
      }
      try {
        return (await registry.decode(bytes)) as never;
      } catch (err) {
        const status = (err as { status?: unknown }).status;
        // A schema id this registry does not know: the record was written against another registry.
        if (status === 404)
          throw new SchemaError(
            `record on ${topic.name} names schema id ${bytes.readUInt32BE(1)}, which the registry does not know`,
          );
        if (isRegistryCallFailure(err))
          throw registryFault(`fetching schema id ${bytes.readUInt32BE(1)} for ${topic.name}`, err);
        throw new SchemaError(
          `record on ${topic.name} cannot be decoded with schema id ${bytes.readUInt32BE(1)}: ${(err as Error).message}`,
        );
      }
    },
  };
}
