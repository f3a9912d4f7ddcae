/** The admin behind PipelineAdmin: topics, offsets and groups, all within the namespace. */
import type { Admin, ConfigResourceTypes, ConfigSource, IResourceConfig, ITopicConfig, Kafka } from 'kafkajs';
import { ConfigurationFault, TransientError } from '../errors.js';
import type { EnsuredTopics, PipelineAdmin, TopicConfigChange, TopicDescription } from './types.js';
import { classify, type Namespace } from './shared.js';

/** What every topic this admin creates gets; absent: the brokers' defaults. */
export interface TopicDefaults {
  replicationFactor?: number | undefined;
  minInsyncReplicas?: number | undefined;
}

export async function openAdmin(kafka: Kafka, ns: Namespace, defaults: TopicDefaults = {}): Promise<PipelineAdmin> {
  const a: Admin = kafka.admin();
  await a.connect();
  const { out, back } = ns;
  return {
    ensureTopics: (topics, opts) => ensureTopics(a, ns, topics, defaults, opts?.alignExisting ?? true),
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
      return r.groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(ns.prefix))
        .map(back);
    },
    async deleteGroups(groupIds) {
      await a.deleteGroups(groupIds.map(out));
    },
    disconnect: () => a.disconnect(),
  };
}

/**
 * Creates the topics that do not exist yet (with the replicas and min.insync.replicas of
 * `defaults`) and brings the configuration the descriptions pin (retention.ms, cleanup.policy of
 * compacted topics, min.insync.replicas) of the existing ones in line, so that an upgrade that
 * changes a retention applies it to a running cluster. Without `alignExisting` the existing ones
 * are left as they are, which needs no right to describe or alter their configuration.
 */
async function ensureTopics(
  a: Admin,
  ns: Namespace,
  topics: TopicDescription[],
  defaults: TopicDefaults,
  alignExisting: boolean,
): Promise<EnsuredTopics> {
  const existing = new Set(await a.listTopics());
  const missing = topics.filter((t) => !existing.has(ns.out(t.name)));
  if (missing.length > 0) {
    try {
      await a.createTopics({
        // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
        // answers while the new topics' metadata propagates; wait below instead.
        waitForLeaders: false,
        topics: missing.map((t) => topicConfig(ns, t, defaults)),
      });
    } catch (err) {
      throw createError(err, missing, defaults);
    }
  }
  if (missing.length > 0)
    await waitForLeaders(
      a,
      missing.map((t) => ns.out(t.name)),
    );
  const reconfigured = alignExisting
    ? await alignTopicConfigs(
        a,
        ns,
        topics.filter((t) => existing.has(ns.out(t.name))),
        defaults,
      )
    : [];
  return { created: missing.map((t) => t.name), reconfigured };
}

function topicConfig(ns: Namespace, t: TopicDescription, defaults: TopicDefaults): ITopicConfig {
  return {
    topic: ns.out(t.name),
    numPartitions: t.partitions,
    ...(defaults.replicationFactor !== undefined ? { replicationFactor: defaults.replicationFactor } : {}),
    configEntries: [
      ...(defaults.minInsyncReplicas !== undefined
        ? [{ name: 'min.insync.replicas', value: String(defaults.minInsyncReplicas) }]
        : []),
      ...(t.compacted
        ? [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.cleanable.dirty.ratio', value: '0.1' },
            { name: 'segment.ms', value: '600000' },
          ]
        : []),
      ...(t.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(t.retentionMs) }]),
    ],
  };
}

/** The topic settings a description (and the defaults) pin on existing topics; the rest is left as it is. */
function pinnedConfig(t: TopicDescription, defaults: TopicDefaults): Map<string, string> {
  const pinned = new Map<string, string>();
  if (defaults.minInsyncReplicas !== undefined) pinned.set('min.insync.replicas', String(defaults.minInsyncReplicas));
  if (t.retentionMs !== undefined) pinned.set('retention.ms', String(t.retentionMs));
  if (t.compacted) pinned.set('cleanup.policy', 'compact');
  return pinned;
}

// kafkajs' enums exist at run time only on its CommonJS default export; the protocol values are fixed.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
const TOPIC_CONFIG_SOURCE = 1 as ConfigSource;

/** Changes the pinned settings of existing topics where they differ; returns what it changed. */
async function alignTopicConfigs(
  a: Admin,
  ns: Namespace,
  topics: TopicDescription[],
  defaults: TopicDefaults,
): Promise<TopicConfigChange[]> {
  const wanted = topics
    .map((t) => ({ t, name: ns.out(t.name), pinned: pinnedConfig(t, defaults) }))
    .filter((w) => w.pinned.size > 0);
  if (wanted.length === 0) return [];
  let described;
  try {
    described = await a.describeConfigs({
      includeSynonyms: false,
      resources: wanted.map((w) => ({ type: TOPIC_RESOURCE, name: w.name })),
    });
  } catch (err) {
    throw configError(err, `describing the configuration of ${wanted.length} topics`);
  }
  const byName = new Map(described.resources.map((r) => [r.resourceName, r]));
  const alters: IResourceConfig[] = [];
  const changes: TopicConfigChange[] = [];
  for (const w of wanted) {
    const entries = byName.get(w.name)?.configEntries;
    if (!entries) throw new Error(`the broker did not describe the configuration of topic ${w.name}`);
    const current = new Map(entries.map((e) => [e.configName, e.configValue as string | null]));
    const differing = [...w.pinned].filter(([name, value]) => current.get(name) !== value);
    if (differing.length === 0) continue;
    // AlterConfigs, the only alter kafkajs speaks, replaces a topic's whole set of overrides (the
    // rest go back to the broker defaults): send the overrides the topic has, with ours on top.
    const overrides = new Map<string, string>();
    for (const e of entries) {
      if (e.configSource !== TOPIC_CONFIG_SOURCE || e.readOnly) continue;
      if (typeof e.configValue !== 'string')
        throw new Error(
          `topic ${w.name} has a setting ${e.configName} whose value the broker does not show; change its retention by hand`,
        );
      overrides.set(e.configName, e.configValue);
    }
    for (const [name, value] of w.pinned) overrides.set(name, value);
    alters.push({
      type: TOPIC_RESOURCE,
      name: w.name,
      configEntries: [...overrides].map(([name, value]) => ({ name, value })),
    });
    changes.push({
      topic: w.t.name,
      changes: Object.fromEntries(differing.map(([name, to]) => [name, { from: current.get(name) ?? null, to }])),
    });
  }
  if (alters.length > 0) {
    try {
      await a.alterConfigs({ validateOnly: false, resources: alters });
    } catch (err) {
      throw configError(err, `changing the configuration of topics ${changes.map((c) => c.topic).join(', ')}`);
    }
  }
  return changes;
}

/** More replicas than brokers, or a principal without the right to create topics: a configuration fault. */
function createError(err: unknown, missing: TopicDescription[], defaults: TopicDefaults): Error {
  // kafkajs reports per-topic refusals in an aggregate: the types of all of them count.
  const e = err as { type?: unknown; errors?: Array<{ type?: unknown }> };
  const type = [e.type, ...(e.errors ?? []).map((x) => x.type)].map((t) => String(t ?? '')).join(' ');
  const what = `creating ${missing.length} topics (${missing
    .slice(0, 3)
    .map((t) => t.name)
    .join(', ')}${missing.length > 3 ? ', …' : ''})`;
  if (/INVALID_REPLICATION_FACTOR/.test(type))
    return new ConfigurationFault(
      `${what}: the brokers refused replication factor ${defaults.replicationFactor ?? '(their default)'} (${(err as Error).message}); set KAFKA_TOPIC_REPLICATION_FACTOR to at most the number of brokers`,
      undefined,
      'configuration',
      { cause: err },
    );
  if (/AUTHORIZATION_FAILED/.test(type))
    return new ConfigurationFault(
      `${what}: not authorized (${(err as Error).message}). Run \`ops setup\` (the setup Job) as a user that may create topics, and start the processes with PIPELINE_SETUP=false`,
      undefined,
      'configuration',
      { cause: err },
    );
  return classify(err, what);
}

/** A user without DescribeConfigs/AlterConfigs rights gets told how to set up instead. */
function configError(err: unknown, what: string): Error {
  if (/AUTHORIZATION_FAILED/.test(String((err as { type?: unknown }).type ?? ''))) {
    return new Error(
      `${what}: not authorized (${(err as Error).message}). Run \`ops setup\` as a user with DescribeConfigs and AlterConfigs on the topics, and start the processes with PIPELINE_SETUP=false`,
      { cause: err },
    );
  }
  return classify(err, what);
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
