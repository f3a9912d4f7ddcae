import { describe, expect, it } from 'vitest';
import { NotYetAvailableError, RejectedError, TransientError } from '../runtime/errors.js';
import { createLogger } from '../runtime/logger.js';
import { health, pausedStages } from '../runtime/metrics.js';
import { Interrupted, withRetry } from '../runtime/retry.js';

const log = createLogger({}, () => {});
const fast = { minDelayMs: 5, maxDelayMs: 20, pauseAfterMs: 60_000 };

describe('retry', () => {
  it('retries transient failures until they pass, honouring Retry-After', async () => {
    let calls = 0;
    const started = Date.now();
    const r = await withRetry(
      't',
      async () => {
        calls++;
        if (calls < 3) throw new TransientError('busy', { retryAfterMs: 100 });
        return 'done';
      },
      { ...fast, maxDelayMs: 1_000 },
      log,
    );
    expect(r).toMatchObject({ value: 'done', attempts: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    await expect(
      withRetry(
        't',
        async () => {
          calls++;
          throw new RejectedError('400 bad', 400);
        },
        fast,
        log,
      ),
    ).rejects.toMatchObject({ name: 'RejectedError', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('never gives up on a fault: reports the stage paused with the reason, and resumes when it passes', async () => {
    let calls = 0;
    const seen: Array<{ paused: boolean; reason: string | undefined }> = [];
    const r = await withRetry(
      'fault-stage',
      async () => {
        calls++;
        const h = await health();
        seen.push({
          paused: pausedStages().some((p) => p.stage === 'fault-stage'),
          reason: h.checks['paused:fault-stage'],
        });
        if (calls < 8) throw new TransientError('Ongoing answered 401: Authorization has been denied');
        return 'through';
      },
      { ...fast, pauseAfterMs: 20 },
      log,
    );
    expect(r.value).toBe('through');
    expect(seen.at(-1)).toMatchObject({
      paused: true,
      reason: expect.stringMatching(/^paused since .*: TransientError: Ongoing answered 401/),
    });
    expect(seen[0]?.paused).toBe(false);
    expect(pausedStages().some((p) => p.stage === 'fault-stage')).toBe(false);
    expect((await health()).checks['paused:fault-stage']).toBeUndefined();
  });

  it('ends a wait without an outcome when the heartbeat finds the partition gone', async () => {
    await expect(
      withRetry(
        't',
        async () => {
          throw new TransientError('down');
        },
        fast,
        log,
        {
          onRetry: async () => {
            throw new Interrupted('partition taken away');
          },
        },
      ),
    ).rejects.toBeInstanceOf(Interrupted);
  });

  it('waits for late data, then calls it unmappable', async () => {
    let calls = 0;
    const late = await withRetry(
      't',
      async () => {
        if (++calls < 3) throw new NotYetAvailableError('mapping missing', 5_000);
        return 'mapped';
      },
      fast,
      log,
    );
    expect(late.value).toBe('mapped');
    await expect(
      withRetry(
        't',
        async () => {
          throw new NotYetAvailableError('mapping missing', 100);
        },
        fast,
        log,
      ),
    ).rejects.toMatchObject({
      name: 'UnmappableError',
      message: expect.stringMatching(/^mapping missing \(still missing after/),
    });
  });

  it('stops at once when shutdown aborts the wait', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    await expect(
      withRetry(
        't',
        async () => {
          throw new TransientError('down');
        },
        { ...fast, minDelayMs: 10_000, maxDelayMs: 10_000 },
        log,
        { signal: abort.signal },
      ),
    ).rejects.toBeInstanceOf(Interrupted);
    expect(abort.signal.aborted).toBe(true);
  });
});
