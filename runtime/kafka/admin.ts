/** The admin behind PipelineAdmin: topics, offsets and groups, all within the namespace. */
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { TransientError } from '../errors.js';
import type { PipelineAdmin, TopicDescription } from './types.js';
import { classify, type Namespace } from './shared.js';

export async function openAdmin(kafka: Kafka, ns: Namespace): Promise<PipelineAdmin> {
  const a: Admin = kafka.admin();
  await a.connect();
  const { out, back } = ns;
  return {
    ensureTopics: (topics) => ensureTopics(a, ns, topics),
    listTopics: async () => (await a.listTopics()).filter((t) => t.startsWith(ns.prefix)).map(back),
    deleteTopics: (topics) => a.deleteTopics({ topics: topics.map(out) }),
    async endOffsets(topic) {
      const r = await a.fetchTopicOffsets(out(topic));
      return r.map((p) => ({ partition: p.partition, offset: p.high }));
    },
    async offsetsAtTime(topic, ts) {
      const r = await a.fetchTopicOffsetsByTimestamp(out(topic), ts);
      return r.map((p) => ({ partition: p.partition, offset: p.offset }));
    },
    async groupOffsets(groupId, topic) {
      const r = await a.fetchOffsets({ groupId: out(groupId), topics: [out(topic)] });
      return (r[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset }));
    },
    async setGroupOffsets(groupId, topic, offsets) {
      await a.setOffsets({ groupId: out(groupId), topic: out(topic), partitions: offsets });
    },
    async listGroups() {
      const r = await a.listGroups();
      return r.groups.map((g) => g.groupId).filter((g) => g.startsWith(ns.prefix)).map(back);
    },
    disconnect: () => a.disconnect(),
  };
}

/** Creates the topics that do not exist yet and returns their names. */
async function ensureTopics(a: Admin, ns: Namespace, topics: TopicDescription[]): Promise<string[]> {
  const existing = new Set(await a.listTopics());
  const missing = topics.filter((t) => !existing.has(ns.out(t.name)));
  if (missing.length > 0) {
    await a.createTopics({
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
      // answers while the new topics' metadata propagates; wait below instead.
      waitForLeaders: false,
      topics: missing.map((t) => topicConfig(ns, t)),
    });
  }
  if (missing.length > 0) await waitForLeaders(a, missing.map((t) => ns.out(t.name)));
  return missing.map((t) => t.name);
}

function topicConfig(ns: Namespace, t: TopicDescription): ITopicConfig {
  return {
    topic: ns.out(t.name),
    numPartitions: t.partitions,
    configEntries: t.compacted
      ? [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
          { name: 'segment.ms', value: '600000' },
        ]
      : [],
  };
}

async function waitForLeaders(a: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await a.fetchTopicMetadata({ topics: names });
      if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw classify(err, `waiting for the leaders of ${names.length} new topics`);
    }
    if (Date.now() > deadline) throw new TransientError(`new topics have no leaders after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
