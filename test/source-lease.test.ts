/**
 * Source leases in the product: two pipeline processes run the same source role; only one polls
 * each source, the other stands by and takes over when the holder stops (at once) or is killed
 * (SIGKILL: within the session timeout). The takeover times are measured and printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../infra/local/multicase-db/actions.js';
import { flows } from '../pipeline/flows.js';
import { readTopic } from '../pipeline/ops/read-topic.js';
import { topics } from '../schemas/catalog.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';
import { killAfterEach, pipelineProcesses, type PipelineProcess } from './support/pipeline-process.js';

const SESSION_TIMEOUT_MS = 6_000;
let env: TestEnvironment;
const pipelines = pipelineProcesses(() => env.env);
const sourceNames = flows
  .flatMap((f) => f.sources)
  .filter((s) => s.role === 'source-multicase')
  .map((s) => s.name);
const productLease = 'source.multicase.products';

interface LogLine {
  time: string;
  msg: string;
  lease?: string;
}
const logLines = (p: PipelineProcess): LogLine[] =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
/** When the process logged that it acquired the lease (its own clock, the same machine's). */
const acquiredAt = (p: PipelineProcess, lease: string): number | undefined => {
  const line = logLines(p).find((l) => l.msg === 'lease acquired' && l.lease === lease);
  return line ? Date.parse(line.time) : undefined;
};
const holds = (p: PipelineProcess) => (lease: string) => {
  const changes = logLines(p).filter(
    (l) => l.lease === lease && (l.msg === 'lease acquired' || l.msg === 'lease given up'),
  );
  return changes.at(-1)?.msg === 'lease acquired';
};
const start = () => pipelines.start(undefined, { roles: ['source-multicase'], env: { LOG_LEVEL: 'info' } });
const until = (what: string, check: () => boolean, timeoutMs = 30_000) =>
  eventually(
    async () => check(),
    (ok) => ok,
    timeoutMs,
    what,
  );

async function productKeysOnTopic(): Promise<string[]> {
  const read = await readTopic(env.rt, topics.productChanged.name, { timeoutMs: 5_000 });
  return read.records.map((r) => r.key ?? '');
}

beforeAll(async () => {
  env = await startTestEnvironment('lease', {
    KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    MULTICASE_PRODUCT_POLL_MS: '200',
  });
}, 120_000);
killAfterEach(pipelines);
afterAll(async () => {
  await env?.close();
});

describe('source leases', () => {
  it('one of two copies polls each source; a standby takes over when the holder is killed, and at once when it stops', async () => {
    const first = start();
    await until('the first copy to hold every source lease', () =>
      sourceNames.every((n) => holds(first)(`source.${n}`)),
    );
    const second = start();
    await until('the second copy to run', () => logLines(second).some((l) => l.msg === 'pipeline running'));
    // It has joined every lease group and stands by: no lease, no polling.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(sourceNames.filter((n) => holds(second)(`source.${n}`))).toEqual([]);
    expect(second.output()).not.toContain('source starting');
    // And the holder kept its leases while the standby joined (the sticky assignor): no stop, no restart.
    expect(logLines(first).filter((l) => l.msg === 'lease given up')).toEqual([]);

    // kill -9: the group hands the lease on once the session of the dead member times out.
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    await until(
      'the standby to take the product source over',
      () => acquiredAt(second, productLease) !== undefined,
      SESSION_TIMEOUT_MS + 20_000,
    );
    const afterKill = acquiredAt(second, productLease)! - killedAt;
    await until(
      'the standby to hold every source lease',
      () => sourceNames.every((n) => holds(second)(`source.${n}`)),
      20_000,
    );
    const allAfterKill = Math.max(...sourceNames.map((n) => acquiredAt(second, `source.${n}`)!)) - killedAt;
    process.stdout.write(
      `source lease takeover after SIGKILL (KAFKA_SESSION_TIMEOUT_MS=${SESSION_TIMEOUT_MS}): ${afterKill} ms for ${productLease}, ${allAfterKill} ms for all ${sourceNames.length} Multicase sources\n`,
    );
    expect(afterKill).toBeLessThan(SESSION_TIMEOUT_MS + 6_000);

    // The new holder polls: a product created now reaches its change topic.
    await createProduct(env.db, { productNumber: 'LEASE-1', description: 'after the takeover' });
    await eventually(productKeysOnTopic, (keys) => keys.includes('LEASE-1'), 30_000, 'LEASE-1 on the change topic');

    // A clean stop hands the leases on at once (the holder leaves its groups).
    const third = start();
    await until('the third copy to run', () => logLines(third).some((l) => l.msg === 'pipeline running'));
    const stoppedAt = Date.now();
    await pipelines.stop(second);
    await until(
      'the third copy to take the product source over',
      () => acquiredAt(third, productLease) !== undefined,
      20_000,
    );
    const afterStop = acquiredAt(third, productLease)! - stoppedAt;
    process.stdout.write(`source lease takeover after a clean stop (SIGTERM): ${afterStop} ms for ${productLease}\n`);
    expect(afterStop).toBeLessThan(SESSION_TIMEOUT_MS);
    await createProduct(env.db, { productNumber: 'LEASE-2', description: 'after the hand-over' });
    await eventually(productKeysOnTopic, (keys) => keys.includes('LEASE-2'), 30_000, 'LEASE-2 on the change topic');
    await pipelines.stop(third);
  }, 120_000);
});
