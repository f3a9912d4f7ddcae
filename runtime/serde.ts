/**
 * Avro values in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body), with the
 * schemas held by a registry that speaks the Confluent REST API (Apicurio's ccompat API locally).
 * Subjects follow the topic-name strategy: `<topic>-value`.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { valueSubject, type TopicSpec } from '../schemas/topic.js';
import { setting } from './config.js';
import { PermanentError, TransientError } from './errors.js';

export const registrySettings = {
  url: setting.url('SCHEMA_REGISTRY_URL', {
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    description: 'Confluent-compatible schema registry base URL (Apicurio: …/apis/ccompat/v7)',
  }),
  username: setting.string('SCHEMA_REGISTRY_USERNAME', { default: '-', description: 'registry basic-auth user, "-" for none' }),
  password: setting.string('SCHEMA_REGISTRY_PASSWORD', { default: '-', secret: true, description: 'registry basic-auth password' }),
};

/** The bytes are not a value of the schema they claim, or not in the wire format at all. */
export class SchemaError extends PermanentError {}

export interface Serde {
  /** Registers (idempotently) the topic's value schema under BACKWARD compatibility; returns its id. */
  register(topic: TopicSpec<unknown>, subject?: string): Promise<number>;
  encode<V>(topic: TopicSpec<V>, value: V): Promise<Buffer>;
  decode<V>(topic: TopicSpec<V>, bytes: Buffer | null): Promise<V>;
}

const JSON_HEADERS = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };

function isNetworkFailure(err: unknown): boolean {
  const e = err as { status?: number; code?: string; message?: string; name?: string };
  if (typeof e?.status === 'number') return e.status >= 500 || e.status === 429;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'].includes(e?.code ?? '') || /ECONNREFUSED|ECONNRESET|socket hang up|timeout/i.test(e?.message ?? '');
}

export function createSerde(cfg: { url: string; username?: string; password?: string }): Serde {
  const auth = cfg.username && cfg.username !== '-' ? { username: cfg.username, password: cfg.password ?? '' } : undefined;
  const registry = new SchemaRegistry({ host: cfg.url, ...(auth ? { auth } : {}), retry: { retries: 3, initialRetryTimeInSecs: 0.2 } });
  const ids = new Map<string, number>();
  const authHeader: Record<string, string> = auth ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};

  async function registryCall<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isNetworkFailure(err)) throw new TransientError(`schema registry unavailable while ${what}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
  }

  async function compatibilityOf(subject: string): Promise<string | undefined> {
    const res = await fetch(`${cfg.url}/config/${encodeURIComponent(subject)}`, { headers: authHeader });
    if (res.status === 404) return undefined;
    if (!res.ok) throw Object.assign(new Error(`GET /config/${subject} answered ${res.status}`), { status: res.status });
    return ((await res.json()) as { compatibilityLevel?: string }).compatibilityLevel;
  }

  async function idFor(topic: TopicSpec<unknown>): Promise<number> {
    const cached = ids.get(topic.name);
    if (cached !== undefined) return cached;
    const id = await registryCall(`looking up the schema of ${topic.name}`, () =>
      registry.getRegistryIdBySchema(valueSubject(topic.name), { type: SchemaType.AVRO, schema: JSON.stringify(topic.schema) }),
    ).catch((err: unknown) => {
      if (err instanceof TransientError) throw err;
      throw new PermanentError(`the schema of ${topic.name} is not registered under ${valueSubject(topic.name)}; run the setup (npm run ops -- setup): ${(err as Error).message}`);
    });
    ids.set(topic.name, id);
    return id;
  }

  return {
    async register(topic, subject = valueSubject(topic.name)) {
      // Read first: every process runs this at start, and concurrent writes of the same subject
      // config make Apicurio answer 409 ("rule already exists"), so write only what is missing.
      await registryCall(`setting compatibility of ${subject}`, async () => {
        for (let attempt = 1; ; attempt++) {
          if ((await compatibilityOf(subject)) === 'BACKWARD') return;
          const res = await fetch(`${cfg.url}/config/${encodeURIComponent(subject)}`, {
            method: 'PUT',
            headers: { ...JSON_HEADERS, ...authHeader },
            body: JSON.stringify({ compatibility: 'BACKWARD' }),
          });
          if (res.ok) return;
          // Someone else set it meanwhile: read again.
          if (res.status === 409 && attempt < 5) continue;
          throw Object.assign(new Error(`PUT /config/${subject} answered ${res.status}: ${await res.text()}`), { status: res.status });
        }
      });
      const schema = { type: SchemaType.AVRO as const, schema: JSON.stringify(topic.schema) };
      const id = await registry.getRegistryIdBySchema(subject, schema).catch(async () =>
        (await registryCall(`registering ${subject}`, () => registry.register(schema, { subject }))).id,
      );
      if (subject === valueSubject(topic.name)) ids.set(topic.name, id);
      return id;
    },

    async encode(topic, value) {
      const id = await idFor(topic as TopicSpec<unknown>);
      try {
        return await registry.encode(id, value);
      } catch (err) {
        const paths = (err as { paths?: string[][] }).paths;
        const where = paths?.length ? ` at ${paths.map((p) => p.join('.')).join(', ')}` : '';
        throw new SchemaError(`value for ${topic.name} does not match its schema${where}: ${(err as Error).message}`);
      }
    },

    async decode(topic, bytes) {
      if (!bytes || bytes.length < 5 || bytes[0] !== 0) {
        throw new SchemaError(`record on ${topic.name} is not in the Confluent Avro wire format (${bytes ? `${bytes.length} bytes, first byte ${bytes[0]}` : 'null value'})`);
      }
      try {
        return (await registry.decode(bytes)) as never;
      } catch (err) {
        if (isNetworkFailure(err)) throw new TransientError(`schema registry unavailable while decoding ${topic.name}`, { cause: err });
        throw new SchemaError(`record on ${topic.name} cannot be decoded with schema id ${bytes.readUInt32BE(1)}: ${(err as Error).message}`);
      }
    },
  };
}
