/**
 * Retry with exponential backoff (p-retry) for transient failures, honouring a Retry-After the
 * other side sent. A fault of infrastructure or configuration is waited out without end: the
 * record keeps its place (order per key holds) and, once the fault has lasted RETRY_PAUSE_AFTER_MS,
 * the stage reports itself paused with the reason (/readyz 503, `pipeline_stage_paused`) until
 * the work passes. Only a failure of the record itself is thrown for the caller to dead-letter.
 */
import pRetry, { AbortError } from 'p-retry';
import { setting } from './config.js';
import {
  errorClass,
  errorMessage,
  isRetriable,
  NotYetAvailableError,
  TransientError,
  UnmappableError,
} from './errors.js';
import type { Logger } from './logger.js';
import { clearPaused, markPaused, metrics } from './metrics.js';

export const retrySettings = {
  minDelayMs: setting.int('RETRY_MIN_DELAY_MS', { default: 200, min: 1, description: 'first backoff delay' }),
  maxDelayMs: setting.int('RETRY_MAX_DELAY_MS', { default: 30_000, min: 1, description: 'longest backoff delay' }),
  pauseAfterMs: setting.int('RETRY_PAUSE_AFTER_MS', {
    default: 5_000,
    min: 0,
    description:
      'how long a fault of infrastructure or configuration may last before the stage or source reports itself paused (/readyz 503 with the reason, pipeline_stage_paused); it keeps retrying either way',
  }),
};

export interface RetryPolicy {
  minDelayMs: number;
  maxDelayMs: number;
  pauseAfterMs: number;
}

export interface RetryOutcome {
  attempts: number;
  firstFailureAt: number | undefined;
}

/**
 * Work abandoned without an outcome: the process is stopping, or the partition went to another
 * member. Neither retried nor dead-lettered; the record is read again by whoever owns it next.
 */
export class Interrupted extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'Interrupted';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Runs `work` until it succeeds or fails permanently (rethrown as is, with `attempts` and
 * `firstFailureAt` on it). Throws Interrupted when `signal` aborts or `onRetry` (e.g. a consumer
 * heartbeat that finds the partition gone) throws it. The first attempt runs without p-retry:
 * most records succeed at once and should not pay for the retry machinery.
 */
export async function withRetry<T>(
  stage: string,
  work: () => Promise<T>,
  policy: RetryPolicy,
  log: Logger,
  opts: {
    signal?: AbortSignal;
    onRetry?: () => Promise<void>;
    /** Throw NotYetAvailableError at once instead of waiting here: the caller parks the record and goes on with other keys. */
    parkLateData?: boolean;
  } = {},
): Promise<{ value: T } & RetryOutcome> {
  let firstError: unknown;
  try {
    return { value: await work(), attempts: 1, firstFailureAt: undefined };
  } catch (err) {
    if (opts.signal?.aborted) throw new Interrupted('stopping', { cause: err });
    if (opts.parkLateData && err instanceof NotYetAvailableError) throw err;
    if (!isRetriable(err)) throw Object.assign(err as object, { attempts: 1, firstFailureAt: Date.now() });
    firstError = err;
  }

  let attempts = 1;
  const firstFailureAt = Date.now();
  let paused = false;
  const failed = async (error: unknown) => {
    metrics.retries.inc({ stage, error_class: errorClass(error) });
    const waitingForData = error instanceof NotYetAvailableError;
    // Waiting for late data is expected (a mapping racing its record); a fault is a warning.
    log[waitingForData ? 'info' : 'warn']('transient failure, will retry', {
      stage,
      attempt: attempts,
      error: errorMessage(error),
      errorClass: errorClass(error),
    });
    if (!waitingForData && Date.now() - firstFailureAt >= policy.pauseAfterMs) {
      if (!paused)
        log.error('paused: waiting for a fault to be fixed', {
          stage,
          errorClass: errorClass(error),
          error: errorMessage(error),
        });
      paused = true;
      markPaused(stage, errorClass(error), `${errorClass(error)}: ${errorMessage(error)}`);
    }
    const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined;
    if (retryAfter && retryAfter > 0) await sleep(Math.min(retryAfter, policy.maxDelayMs), opts.signal);
    await opts.onRetry?.();
  };
  const giveUpOnLateData = (err: unknown) => {
    if (err instanceof NotYetAvailableError && Date.now() - firstFailureAt >= err.giveUpAfterMs) {
      return new UnmappableError(
        `${err.message} (still missing after ${Math.round((Date.now() - firstFailureAt) / 1000)} s)`,
      );
    }
    return undefined;
  };

  try {
    const unmappable = giveUpOnLateData(firstError);
    if (unmappable) throw unmappable;
    await failed(firstError);
    // p-retry's own first attempt runs at once; this one already failed, so back off first.
    await sleep(policy.minDelayMs, opts.signal);
    const value = await pRetry(
      async () => {
        attempts++;
        try {
          return await work();
        } catch (err) {
          if (opts.parkLateData && err instanceof NotYetAvailableError) throw new AbortError(err);
          const late = giveUpOnLateData(err);
          if (late) throw new AbortError(late);
          if (!isRetriable(err) || opts.signal?.aborted)
            throw new AbortError(err instanceof Error ? err : new Error(String(err)));
          throw err instanceof Error ? err : new Error(String(err));
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        factor: 2,
        randomize: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onFailedAttempt: ({ error }) => failed(error),
      },
    );
    if (paused) log.info('resumed: the fault is gone', { stage, pausedForMs: Date.now() - firstFailureAt, attempts });
    return { value, attempts, firstFailureAt };
  } catch (err) {
    if (err instanceof Interrupted) throw err;
    if (opts.signal?.aborted) throw new Interrupted('stopping', { cause: err });
    // p-retry unwraps AbortError and rethrows the permanent error it carried.
    throw Object.assign(err as object, { attempts, firstFailureAt });
  } finally {
    if (paused) clearPaused(stage);
  }
}
