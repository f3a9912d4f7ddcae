/**
 * Fault injection for `/api/v1` requests, switchable at runtime through the control path (which
 * itself is never faulted): a fraction of requests answered 500 with the ASP.NET body, added
 * latency, a burst of 429s with Retry-After, requests that never answer, a period in which every
 * request is answered 401 (credentials revoked or rotated), and a period in which connections are
 * refused. Deterministic counters (`…Next`) exist beside the random rate so tests can rely on them.
 */
import { ApiError } from './http.js';

export interface FaultSettings {
  /** Fraction (0..1) of API requests answered 500 `{"Message":"An error has occurred."}`. */
  errorRate: number;
  /** The next N API requests are answered 500. */
  errorNext: number;
  /** Milliseconds added before each API request is handled. */
  latencyMs: number;
  /** The next N API requests are answered 429 with `Retry-After`. */
  tooManyRequestsNext: number;
  /** Seconds sent in `Retry-After` with injected 429s. */
  retryAfterSeconds: number;
  /** The next N API requests are never answered (until the client gives up or the simulator stops). */
  hangNext: number;
  /** Milliseconds each write holds its goods owner's turn, which makes the write queue observable. */
  writeLatencyMs: number;
}

export const NO_FAULTS: FaultSettings = {
  errorRate: 0,
  errorNext: 0,
  latencyMs: 0,
  tooManyRequestsNext: 0,
  retryAfterSeconds: 1,
  hangNext: 0,
  writeLatencyMs: 0,
};

export type FaultOutcome = { kind: 'hang' } | { kind: 'error'; error: ApiError } | undefined;

/** What Ongoing (ASP.NET Web API) answers a request whose credentials it does not accept. */
export function unauthorized(): ApiError {
  return new ApiError(
    401,
    'Authorization has been denied for this request.',
    {},
    { 'WWW-Authenticate': 'Basic realm="Ongoing WMS"' },
  );
}

export interface FaultSnapshot extends FaultSettings {
  refusingConnectionsForMs: number;
  unauthorizedForMs: number;
}

export class Faults {
  settings: FaultSettings = { ...NO_FAULTS };
  /** When set, connections are refused until this time (ms since epoch). */
  refusingUntil: number | undefined;
  /** When set, every API request is answered 401 until this time (ms since epoch), whatever its credentials. */
  unauthorizedUntil: number | undefined;

  update(partial: Partial<FaultSettings>): FaultSettings {
    for (const key of Object.keys(NO_FAULTS) as (keyof FaultSettings)[]) {
      const v = partial[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new ApiError(400, `${key} must be a non-negative number.`);
      if (key === 'errorRate' && v > 1) throw new ApiError(400, 'errorRate must be between 0 and 1.');
      this.settings[key] = v;
    }
    return this.snapshot();
  }

  clear(): void {
    this.settings = { ...NO_FAULTS };
    this.refusingUntil = undefined;
    this.unauthorizedUntil = undefined;
  }

  snapshot(): FaultSnapshot {
    const left = (until: number | undefined) => Math.max(0, (until ?? 0) - Date.now());
    return {
      ...this.settings,
      refusingConnectionsForMs: left(this.refusingUntil),
      unauthorizedForMs: left(this.unauthorizedUntil),
    };
  }

  /** Decides the fate of one API request; latency is awaited here. */
  async apply(): Promise<FaultOutcome> {
    const s = this.settings;
    // Authorization is checked before anything else is done with the request.
    if (this.unauthorizedUntil !== undefined) {
      if (this.unauthorizedUntil > Date.now()) return { kind: 'error', error: unauthorized() };
      this.unauthorizedUntil = undefined;
    }
    if (s.hangNext > 0) {
      s.hangNext--;
      return { kind: 'hang' };
    }
    if (s.tooManyRequestsNext > 0) {
      s.tooManyRequestsNext--;
      return {
        kind: 'error',
        error: new ApiError(429, 'Too many requests.', {}, { 'Retry-After': String(s.retryAfterSeconds) }),
      };
    }
    if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs));
    if (s.errorNext > 0) {
      s.errorNext--;
      return { kind: 'error', error: new ApiError(500, 'An error has occurred.') };
    }
    if (s.errorRate > 0 && Math.random() < s.errorRate)
      return { kind: 'error', error: new ApiError(500, 'An error has occurred.') };
    return undefined;
  }
}
