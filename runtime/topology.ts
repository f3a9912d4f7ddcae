/**
 * Creates the given topics (and the dead-letter topic of every change and command topic) with the
 * retention of their kind (schemas/topic.ts), brings the retention of existing ones in line, and
 * registers every value schema with BACKWARD compatibility. Idempotent: safe on every start.
 */
import { dlqTopicName, retentionMsOf, valueSubject, type TopicSpec } from '../schemas/topic.js';
import type { TopicConfigChange, TopicDescription } from './kafka.js';
import { withRetry } from './retry.js';
import type { Runtime } from './runtime.js';

export function topologyTopics(topics: readonly TopicSpec<unknown>[]): TopicDescription[] {
  const out: TopicDescription[] = [];
  for (const t of topics) {
    out.push({ name: t.name, partitions: t.partitions, compacted: t.compacted, retentionMs: retentionMsOf(t.kind) });
    if (t.kind !== 'state')
      out.push({
        name: dlqTopicName(t.name),
        partitions: 1,
        compacted: false,
        retentionMs: retentionMsOf('dead-letter'),
      });
  }
  return out;
}

/**
 * `topics` with their dead-letter topics and schemas, and `others` (topics without a schema, such
 * as the leases') as described.
 */
export async function ensureTopology(
  rt: Runtime,
  topics: readonly TopicSpec<unknown>[],
  others: readonly TopicDescription[] = [],
): Promise<{ createdTopics: string[]; reconfiguredTopics: TopicConfigChange[]; subjects: number }> {
  const admin = await rt.kafka.admin();
  let createdTopics: string[];
  let reconfiguredTopics: TopicConfigChange[];
  try {
    ({ created: createdTopics, reconfigured: reconfiguredTopics } = await admin.ensureTopics([
      ...topologyTopics(topics),
      ...others,
    ]));
  } finally {
    await admin.disconnect();
  }
  for (const r of reconfiguredTopics)
    rt.log.info('topic configuration brought in line', { topic: r.topic, changes: r.changes });
  // A registry that is down, or slow just after it started, is waited out: setup runs at every start.
  const register = (t: TopicSpec<unknown>, subject?: string) =>
    withRetry('setup', () => rt.serde.register(t, subject), rt.retry, rt.log, { signal: rt.signal }).then(
      (r) => r.value,
    );
  let subjects = 0;
  for (const t of topics) {
    await register(t);
    subjects++;
    // Dead letters keep the original bytes, so their subject holds the original schema.
    if (t.kind !== 'state') {
      await register(t, valueSubject(dlqTopicName(t.name)));
      subjects++;
    }
  }
  rt.log.info('topology ready', {
    createdTopics: createdTopics.length,
    reconfiguredTopics: reconfiguredTopics.length,
    subjects,
  });
  return { createdTopics, reconfiguredTopics, subjects };
}
