/**
 * The schema registry as the serde (serde.ts) talks to it: the Confluent REST client with a
 * timeout on every call, the compatibility setting of a subject (which that client does not
 * manage), and the classification of a failed call by cause: a registry that cannot be reached,
 * times out or answers 5xx/429 is transient; one that refuses our credentials or lacks what we
 * ask for is a fault of configuration. Neither is ever the record's.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ConfigurationFault, TransientError } from './errors.js';

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

export interface RegistryConnection {
  url: string;
  auth: { username: string; password: string } | undefined;
  timeoutMs: number;
}

export function registryClient(c: RegistryConnection): SchemaRegistry {
  return new SchemaRegistry({
    host: c.url,
    ...(c.auth ? { auth: c.auth } : {}),
    // The runtime retries with its own backoff and pause reporting; one quick retry here rides out a blip.
    retry: { retries: 1, initialRetryTimeInSecs: 0.2 },
    middlewares: [transportFaults(c.timeoutMs) as never],
  });
}

/** A failed registry call, by HTTP status (the client puts it on its errors as `status`). */
export function registryFault(what: string, err: unknown): Error {
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

/** Whether a failure came from a registry call (it carries an HTTP status), not from the value. */
export const isRegistryCallFailure = (err: unknown): boolean =>
  typeof (err as { status?: unknown })?.status === 'number' || (err as { name?: unknown })?.name === 'ResponseError';

/** A subject's compatibility setting (`/config/{subject}`), read and written over plain HTTP. */
export class SubjectCompatibility {
  private readonly authHeader: Record<string, string>;

  constructor(private readonly c: RegistryConnection) {
    this.authHeader = c.auth
      ? { Authorization: `Basic ${Buffer.from(`${c.auth.username}:${c.auth.password}`).toString('base64')}` }
      : {};
  }

  /** The subject checks new schemas for BACKWARD compatibility. */
  async ensureBackward(subject: string): Promise<void> {
    // Read first: every process runs this at start, and concurrent writes of the same subject
    // config make Apicurio answer 409 ("rule already exists"), so write only what is missing.
    for (let attempt = 1; ; attempt++) {
      const current = await this.call('GET', subject);
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
      const put = await this.call('PUT', subject);
      if (put.status >= 200 && put.status < 300) return;
      // Someone else set it meanwhile: read again.
      if (put.status === 409 && attempt < 5) continue;
      throw registryFault(
        `PUT /config/${subject}`,
        Object.assign(new Error(`answered ${put.status}: ${put.text}`), { status: put.status }),
      );
    }
  }

  private async call(method: 'GET' | 'PUT', subject: string): Promise<{ status: number; text: string }> {
    try {
      const res = await fetch(`${this.c.url}/config/${encodeURIComponent(subject)}`, {
        method,
        headers: { ...(method === 'PUT' ? JSON_HEADERS : {}), ...this.authHeader },
        ...(method === 'PUT' ? { body: JSON.stringify({ compatibility: 'BACKWARD' }) } : {}),
        signal: AbortSignal.timeout(this.c.timeoutMs),
      });
      return { status: res.status, text: await res.text() };
    } catch (err) {
      throw new TransientError(`schema registry ${method} /config/${subject}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}
