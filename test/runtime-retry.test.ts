import { describe, expect, it } from 'vitest';
import { NotYetAvailableError, RejectedError, TransientError } from '../runtime/errors.js';
import { createLogger } from '../runtime/logger.js';
import { RetriesExhausted, withRetry } from '../runtime/retry.js';

const log = createLogger({}, () => {});
const fast = { maxAttempts: 0, minDelayMs: 5, maxDelayMs: 20 };

describe('retry', () => {
  it('retries transient failures until they pass, honouring Retry-After', async () => {
    let calls = 0;
    const started = Date.now();
    const r = await withRetry('t', async () => {
      calls++;
      if (calls < 3) throw new TransientError('busy', { retryAfterMs: 100 });
      return 'done';
    }, { ...fast, maxDelayMs: 1_000 }, log);
    expect(r).toMatchObject({ value: 'done', attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    await expect(withRetry('t', async () => {
      calls++;
      throw new RejectedError('400 bad', 400);
    }, fast, log)).rejects.toMatchObject({ name: 'RejectedError', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('gives up after the configured attempts', async () => {
    await expect(withRetry('t', async () => {
      throw new TransientError('down');
    }, { ...fast, maxAttempts: 3 }, log)).rejects.toBeInstanceOf(RetriesExhausted);
  });

  it('waits for late data, then calls it unmappable', async () => {
    let calls = 0;
    const late = await withRetry('t', async () => {
      if (++calls < 3) throw new NotYetAvailableError('mapping missing', 5_000);
      return 'mapped';
    }, fast, log);
    expect(late.value).toBe('mapped');
    await expect(withRetry('t', async () => {
      throw new NotYetAvailableError('mapping missing', 100);
    }, fast, log)).rejects.toMatchObject({ name: 'UnmappableError', message: expect.stringMatching(/^mapping missing \(still missing after/) });
  });

  it('stops at once when shutdown aborts the wait', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await expect(withRetry('t', async () => {
      throw new TransientError('down');
    }, { ...fast, minDelayMs: 10_000, maxDelayMs: 10_000 }, log, { signal: abort.signal })).rejects.toBeDefined();
    expect(abort.signal.aborted).toBe(true);
  });
});
