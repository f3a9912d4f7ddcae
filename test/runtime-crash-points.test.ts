/** The crash tests' plan (PIPELINE_CRASH_POINTS) as the runtime reads it. */
import { describe, expect, it } from 'vitest';
import { parseCrashPlan } from '../runtime/crash-points.js';

describe('PIPELINE_CRASH_POINTS', () => {
  it('reads points with a scope, a count, and a record key that may hold colons', () => {
    const plan = parseCrashPlan(
      ' stage.before-commit:3, stage.after-handle@sink.ongoing.article#CR-B1 ,stage.after-handle@sink.ongoing.order#ongoing:order:300001:2,source.before-ack@ongoing.shipments',
    );
    expect([...plan]).toEqual([
      ['stage.before-commit', { left: 3, key: undefined }],
      ['stage.after-handle@sink.ongoing.article', { left: 1, key: 'CR-B1' }],
      ['stage.after-handle@sink.ongoing.order', { left: 2, key: 'ongoing:order:300001' }],
      ['source.before-ack@ongoing.shipments', { left: 1, key: undefined }],
    ]);
  });

  it('is empty when unset, as in production', () => {
    expect(parseCrashPlan('').size).toBe(0);
  });
});
