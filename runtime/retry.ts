/**
 * Retry with exponential backoff (p-retry) for transient failures only, honouring a Retry-After
 * the other side sent. Permanent failures are thrown at once for the caller to dead-letter.
 */
import pRetry, { AbortError } from 'p-retry';
import { setting } from './config.js';
import { errorClass, errorMessage, isRetriable, NotYetAvailableError, TransientError, UnmappableError } from './errors.js';
import type { Logger } from './logger.js';
import { metrics } from './metrics.js';

export const retrySettings = {
  maxAttempts: setting.int('RETRY_MAX_ATTEMPTS', {
    default: 0,
    min: 0,
    description: 'attempts for a transiently failing record before it is dead-lettered; 0 = retry until it succeeds (keeps order, blocks the partition)',
  }),
  minDelayMs: setting.int('RETRY_MIN_DELAY_MS', { default: 200, min: 1, description: 'first backoff delay' }),
  maxDelayMs: setting.int('RETRY_MAX_DELAY_MS', { default: 30_000, min: 1, description: 'longest backoff delay' }),
};

export interface RetryPolicy {
  maxAttempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface RetryOutcome {
  attempts: number;
  firstFailureAt: number | undefined;
}

export class RetriesExhausted extends Error {
  constructor(readonly last: unknown, readonly attempts: number, readonly firstFailureAt: number) {
    super(`gave up after ${attempts} attempts: ${errorMessage(last)}`);
    this.name = 'RetriesExhausted';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/**
 * Runs `work` until it succeeds, fails permanently (rethrown as is, with the attempt count on
 * `attempts`), or the signal aborts. `onRetry` runs between attempts (e.g. a consumer heartbeat).
 */
export async function withRetry<T>(
  stage: string,
  work: () => Promise<T>,
  policy: RetryPolicy,
  log: Logger,
  opts: { signal?: AbortSignal; onRetry?: () => Promise<void> } = {},
): Promise<{ value: T } & RetryOutcome> {
  let attempts = 0;
  let firstFailureAt: number | undefined;
  try {
    const value = await pRetry(
      async () => {
        attempts++;
        try {
          return await work();
        } catch (err) {
          firstFailureAt ??= Date.now();
          if (err instanceof NotYetAvailableError && Date.now() - firstFailureAt >= err.giveUpAfterMs) {
            throw new AbortError(new UnmappableError(`${err.message} (still missing after ${Math.round((Date.now() - firstFailureAt) / 1000)} s)`));
          }
          if (!isRetriable(err)) throw new AbortError(err instanceof Error ? err : new Error(String(err)));
          throw err instanceof Error ? err : new Error(String(err));
        }
      },
      {
        retries: policy.maxAttempts > 0 ? policy.maxAttempts - 1 : Number.POSITIVE_INFINITY,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        factor: 2,
        randomize: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onFailedAttempt: async ({ error, attemptNumber }) => {
          metrics.retries.inc({ stage, error_class: errorClass(error) });
          // Waiting for late data is expected (a mapping racing its record); a real failure is a warning.
          const level = error instanceof NotYetAvailableError ? 'info' : 'warn';
          log[level]('transient failure, will retry', { stage, attempt: attemptNumber, error: errorMessage(error), errorClass: errorClass(error) });
          const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined;
          if (retryAfter && retryAfter > 0) await sleep(Math.min(retryAfter, policy.maxDelayMs), opts.signal);
          await opts.onRetry?.();
        },
      },
    );
    return { value, attempts, firstFailureAt };
  } catch (err) {
    // p-retry unwraps AbortError and rethrows the original permanent error.
    if (isRetriable(err) && !opts.signal?.aborted) throw new RetriesExhausted(err, attempts, firstFailureAt ?? Date.now());
    Object.assign(err as object, { attempts, firstFailureAt });
    throw err;
  }
}
