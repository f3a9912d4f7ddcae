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
import { SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { valueSubject, type TopicSpec } from '../schemas/topic.js';
import { setting } from './config.js';
import { ConfigurationFault, PermanentError } from './errors.js';
import { warnIfPlainHttpToRemoteHost, type WarnLogger } from './http-security.js';
import { isRegistryCallFailure, registryClient, registryFault, SubjectCompatibility } from './registry.js';

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

/** Avro values against a registry; the schema ids of this process's topics are remembered once looked up. */
class RegistrySerde implements Serde {
  private readonly registry: SchemaRegistry;
  private readonly compatibility: SubjectCompatibility;
  private readonly prefix: string;
  /** Schema id per topic name, once looked up or registered. */
  private readonly ids = new Map<string, number>();
  /** The registry client's own cache of schemas by id, read on the fast path. */
  private readonly cache: SchemaCache;
  // Values are written after the 5-byte header into one scratch buffer, grown as needed, and
  // copied out once: one allocation per value (from Node's pool for small ones).
  private scratch = Buffer.alloc(64 * 1024);

  constructor(cfg: SerdeOptions) {
    const auth = cfg.username ? { username: cfg.username, password: cfg.password ?? '' } : undefined;
    const connection = { url: cfg.url, auth, timeoutMs: cfg.timeoutMs ?? 10_000 };
    if (auth && cfg.log) warnIfPlainHttpToRemoteHost(cfg.url, 'the schema registry (Basic auth)', cfg.log);
    this.registry = registryClient(connection);
    this.compatibility = new SubjectCompatibility(connection);
    this.prefix = cfg.namespace ?? '';
    this.cache = (this.registry as unknown as { cache: SchemaCache }).cache;
  }

  /** The subject's name on the registry: with the cluster namespace, like the topic's. */
  private subjectOf(topicOrSubject: string): string {
    return this.prefix + topicOrSubject;
  }

  private async idFor(topic: TopicSpec<unknown>): Promise<number> {
    const cached = this.ids.get(topic.name);
    if (cached !== undefined) return cached;
    const subject = this.subjectOf(valueSubject(topic.name));
    const id = await this.registry
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
    this.ids.set(topic.name, id);
    return id;
  }

  encodeKnown<V>(topic: TopicSpec<V>, value: V): Buffer | undefined {
    const id = this.ids.get(topic.name);
    const known = id === undefined ? undefined : this.cache.getSchema(id);
    if (known?.type !== SchemaType.AVRO) return undefined;
    try {
      let end = known.schema.encode(value, this.scratch, 5);
      if (end < 0) {
        this.scratch = Buffer.alloc(Math.max(this.scratch.length * 2, 5 - end + this.scratch.length));
        end = known.schema.encode(value, this.scratch, 5);
      }
      this.scratch[0] = 0;
      this.scratch.writeUInt32BE(id!, 1);
      const out = Buffer.allocUnsafe(end);
      this.scratch.copy(out, 0, 0, end);
      return out;
    } catch {
      return undefined;
    }
  }

  async prepare(topic: TopicSpec<unknown>): Promise<void> {
    const id = await this.idFor(topic);
    await this.registry.getSchema(id);
  }

  schemaKnown(bytes: Buffer): boolean {
    return bytes.length >= 5 && bytes[0] === 0 && this.cache.getSchema(bytes.readUInt32BE(1))?.type === SchemaType.AVRO;
  }

  decodeKnown<V>(_topic: TopicSpec<V>, bytes: Buffer | null): V | undefined {
    if (!bytes || bytes.length < 5 || bytes[0] !== 0) return undefined;
    const known = this.cache.getSchema(bytes.readUInt32BE(1));
    if (known?.type !== SchemaType.AVRO) return undefined;
    try {
      const { value, offset } = known.schema.decode(bytes, 5);
      // Bytes left over or missing: not a value of this schema; the full path says so.
      return offset === bytes.length ? (value as V) : undefined;
    } catch {
      return undefined;
    }
  }

  async register(topic: TopicSpec<unknown>, subject = valueSubject(topic.name)): Promise<number> {
    const full = this.subjectOf(subject);
    await this.compatibility.ensureBackward(full);
    const schema = { type: SchemaType.AVRO as const, schema: JSON.stringify(topic.schema) };
    const id = await this.registry.getRegistryIdBySchema(full, schema).catch(async () => {
      try {
        return (await this.registry.register(schema, { subject: full })).id;
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
    if (subject === valueSubject(topic.name)) this.ids.set(topic.name, id);
    return id;
  }

  async encode<V>(topic: TopicSpec<V>, value: V): Promise<Buffer> {
    const id = await this.idFor(topic as TopicSpec<unknown>);
    try {
      return await this.registry.encode(id, value);
    } catch (err) {
      if (isRegistryCallFailure(err)) throw registryFault(`fetching schema id ${id} for ${topic.name}`, err);
      const paths = (err as { paths?: string[][] }).paths;
      const where = paths?.length ? ` at ${paths.map((p) => p.join('.')).join(', ')}` : '';
      throw new SchemaError(`value for ${topic.name} does not match its schema${where}: ${(err as Error).message}`);
    }
  }

  async decode<V>(topic: TopicSpec<V>, bytes: Buffer | null): Promise<V> {
    if (!bytes || bytes.length < 5 || bytes[0] !== 0) {
      throw new SchemaError(
        `record on ${topic.name} is not in the Confluent Avro wire format (${bytes ? `${bytes.length} bytes, first byte ${bytes[0]}` : 'null value'})`,
      );
    }
    try {
      return (await this.registry.decode(bytes)) as V;
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
  }
}

export function createSerde(cfg: SerdeOptions): Serde {
  return new RegistrySerde(cfg);
}
