/** Helpers for tests against the real broker and registry started by global-setup. */
import { randomBytes } from 'node:crypto';
import type { TopicSpec } from '../../schemas/topic.js';
import type { ConsumedRecord } from '../../runtime/kafka.js';
import { createLogger } from '../../runtime/logger.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';

export function testRuntime(name: string, env: NodeJS.ProcessEnv = {}): Runtime {
  const lines: string[] = [];
  const log = createLogger({ process: name }, (l) => {
    lines.push(l);
    if (process.env.TEST_LOGS) process.stderr.write(l + '\n');
  });
  // Tests keep to their own namespace, out of sight of a pipeline running on the same cluster.
  return createRuntime(name, {
    env: { RETRY_MIN_DELAY_MS: '50', RETRY_MAX_DELAY_MS: '500', KAFKA_NAMESPACE: 't-unit.', ...process.env, ...env },
    log,
  });
}

export const uniqueName = (prefix: string) => `${prefix}.${randomBytes(4).toString('hex')}`;

/** A copy of a catalog topic under a fresh name, so a test owns its topic. */
export function privateTopic<V>(spec: TopicSpec<V>, prefix = 'test'): TopicSpec<V> {
  return { ...spec, name: uniqueName(`${prefix}.${spec.name}`) };
}

export async function createTopics(rt: Runtime, specs: TopicSpec<unknown>[], withDlq = true): Promise<void> {
  const admin = await rt.kafka.admin();
  try {
    await admin.ensureTopics(
      specs.flatMap((s) => [
        { name: s.name, partitions: s.partitions, compacted: s.compacted },
        ...(withDlq && !s.compacted ? [{ name: `dlq.${s.name}`, partitions: 1, compacted: false }] : []),
      ]),
    );
  } finally {
    await admin.disconnect();
  }
  for (const s of specs) {
    await rt.serde.register(s);
    if (withDlq && !s.compacted) await rt.serde.register(s, `dlq.${s.name}-value`);
  }
}

/** Reads raw records of a topic from the beginning until `count` arrived or the time is up. */
export async function readRecords(
  rt: Runtime,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  const consumer = await rt.kafka.consumer({
    groupId: uniqueName('test-reader'),
    topics: [topic],
    fromBeginning: true,
    autoCommit: false,
  });
  let done!: () => void;
  const enough = new Promise<void>((r) => (done = r));
  void consumer.run(async (batch) => {
    out.push(...batch.records);
    const last = batch.records.at(-1);
    if (last) await batch.commit((BigInt(last.offset) + 1n).toString());
    if (out.length >= count) done();
  });
  const timer = new Promise<void>((r) => setTimeout(r, timeoutMs));
  await Promise.race([enough, timer]);
  await consumer.stop();
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
