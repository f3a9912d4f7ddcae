/**
 * Retention per topic kind: what the topology asks for (pure), and that ensureTopics brings an
 * existing topic's retention.ms in line without losing its other settings (against the broker).
 * Replication: topics are created with KAFKA_TOPIC_REPLICATION_FACTOR and
 * KAFKA_TOPIC_MIN_INSYNC_REPLICAS, and setup brings min.insync.replicas of existing ones in line.
 */
import { Kafka, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTopics } from '../schemas/catalog.js';
import { dlqTopicName, retentionMsOf } from '../schemas/topic.js';
import { loadConfig } from '../runtime/config.js';
import { kafkaSecurity, kafkaSettings } from '../runtime/kafka.js';
import { ConfigError } from '../runtime/config.js';
import { ConfigurationFault } from '../runtime/errors.js';
import { namespaceOf } from '../runtime/kafka/shared.js';
import type { Runtime } from '../runtime/runtime.js';
import { topologyTopics } from '../runtime/topology.js';
import { testRuntime, uniqueName } from './support/kafka.js';

const DAY_MS = 86_400_000;

describe('retention per topic kind', () => {
  it('change and command topics keep 30 days, dead letters 90 days, state topics are compacted without time limit', () => {
    const described = new Map(topologyTopics(allTopics).map((t) => [t.name, t]));
    for (const spec of allTopics) {
      const t = described.get(spec.name);
      if (spec.kind === 'state') {
        expect(t, spec.name).toMatchObject({ compacted: true, retentionMs: -1 });
        expect(described.has(dlqTopicName(spec.name)), `${spec.name} has no dead letters`).toBe(false);
      } else {
        expect(t, spec.name).toMatchObject({ compacted: false, retentionMs: 30 * DAY_MS });
        expect(described.get(dlqTopicName(spec.name)), dlqTopicName(spec.name)).toMatchObject({
          compacted: false,
          retentionMs: 90 * DAY_MS,
        });
      }
    }
    expect(described.size).toBe(allTopics.length + allTopics.filter((t) => t.kind !== 'state').length);
    expect(allTopics.filter((t) => t.kind === 'state').length).toBeGreaterThan(0);
    // Longer than the broker's 7-day default, so that replaying to resync after an outage keeps working.
    expect(retentionMsOf('change')).toBeGreaterThan(7 * DAY_MS);
  });
});

describe('ensureTopics on existing topics', () => {
  let rt: Runtime;
  let raw: Admin;
  const ns = namespaceOf(loadConfig(kafkaSettings, { KAFKA_NAMESPACE: 't-unit.', ...process.env }).namespace);
  const plain = uniqueName('test.retention.change');
  const compacted = uniqueName('test.retention.state');

  beforeAll(async () => {
    rt = testRuntime('topic-retention');
    const cfg = loadConfig(kafkaSettings, process.env);
    raw = new Kafka({ clientId: 'topic-retention-test', brokers: cfg.brokers }).admin();
    await raw.connect();
  });
  afterAll(async () => {
    const admin = await rt.kafka.admin();
    try {
      await admin.deleteTopics([plain, compacted]);
    } finally {
      await admin.disconnect();
    }
    await raw.disconnect();
    await rt.close();
  });

  const configOf = async (topic: string): Promise<Record<string, string>> => {
    const r = await raw.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: ns.out(topic) }] });
    return Object.fromEntries((r.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
  };

  it('alters retention.ms of topics created with the broker default, keeps their other settings, and then leaves them alone', async () => {
    const admin = await rt.kafka.admin();
    try {
      // As an older version created them: no retention.ms of their own.
      const first = await admin.ensureTopics([
        { name: plain, partitions: 1, compacted: false },
        { name: compacted, partitions: 1, compacted: true },
      ]);
      expect(first).toEqual({ created: [plain, compacted], reconfigured: [] });
      const before = await configOf(plain);
      expect(before['retention.ms']).not.toBe(String(30 * DAY_MS));

      const second = await admin.ensureTopics([
        { name: plain, partitions: 1, compacted: false, retentionMs: 30 * DAY_MS },
        { name: compacted, partitions: 1, compacted: true, retentionMs: -1 },
      ]);
      expect(second.created).toEqual([]);
      expect(second.reconfigured).toEqual([
        { topic: plain, changes: { 'retention.ms': { from: before['retention.ms'], to: String(30 * DAY_MS) } } },
        { topic: compacted, changes: { 'retention.ms': { from: expect.any(String), to: '-1' } } },
      ]);

      expect(await configOf(plain)).toMatchObject({ 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' });
      // AlterConfigs replaces all of a topic's overrides: the compaction settings must have been carried along.
      expect(await configOf(compacted)).toMatchObject({
        'retention.ms': '-1',
        'cleanup.policy': 'compact',
        'min.cleanable.dirty.ratio': '0.1',
        'segment.ms': '600000',
      });

      const third = await admin.ensureTopics([
        { name: plain, partitions: 1, compacted: false, retentionMs: 30 * DAY_MS },
        { name: compacted, partitions: 1, compacted: true, retentionMs: -1 },
      ]);
      expect(third).toEqual({ created: [], reconfigured: [] });
    } finally {
      await admin.disconnect();
    }
  });
});

describe('replication of the topics the pipeline creates', () => {
  const ns = namespaceOf(loadConfig(kafkaSettings, { KAFKA_NAMESPACE: 't-unit.', ...process.env }).namespace);
  const replicated = uniqueName('test.replication');
  const tooMany = uniqueName('test.replication.too-many');
  let raw: Admin;
  const runtimes: Runtime[] = [];
  const runtime = (env: NodeJS.ProcessEnv) => {
    const rt = testRuntime('topic-replication', env);
    runtimes.push(rt);
    return rt;
  };

  beforeAll(async () => {
    raw = new Kafka({
      clientId: 'topic-replication-test',
      brokers: loadConfig(kafkaSettings, process.env).brokers,
    }).admin();
    await raw.connect();
  });
  afterAll(async () => {
    await raw.deleteTopics({ topics: [ns.out(replicated)] }).catch(() => undefined);
    await raw.disconnect();
    for (const rt of runtimes) await rt.close();
  });

  it('creates topics with the replicas and min.insync.replicas of the settings, and aligns min.insync.replicas after', async () => {
    const one = await runtime({
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1',
    }).kafka.admin();
    try {
      expect((await one.ensureTopics([{ name: replicated, partitions: 2, compacted: false }])).created).toEqual([
        replicated,
      ]);
    } finally {
      await one.disconnect();
    }
    const { topics: described } = await raw.fetchTopicMetadata({ topics: [ns.out(replicated)] });
    expect(described[0]!.partitions.map((p) => p.replicas.length)).toEqual([1, 1]);
    const config = await raw.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: ns.out(replicated) }],
    });
    const minIsr = config.resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas');
    // Set on the topic itself (source 1: a topic override), not the broker's default.
    expect(minIsr).toMatchObject({ configValue: '1', configSource: 1 });

    const two = await runtime({ KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2' }).kafka.admin();
    try {
      const aligned = await two.ensureTopics([{ name: replicated, partitions: 2, compacted: false }]);
      expect(aligned.reconfigured).toEqual([
        { topic: replicated, changes: { 'min.insync.replicas': { from: '1', to: '2' } } },
      ]);
      // A lease opens its topic without aligning anything: a role need not describe configurations.
      expect(
        await two.ensureTopics([{ name: replicated, partitions: 2, compacted: false }], { alignExisting: false }),
      ).toEqual({ created: [], reconfigured: [] });
    } finally {
      await two.disconnect();
    }
  });

  it('more replicas than brokers: a configuration fault naming the setting', async () => {
    const admin = await runtime({ KAFKA_TOPIC_REPLICATION_FACTOR: '3' }).kafka.admin();
    try {
      const err = await admin.ensureTopics([{ name: tooMany, partitions: 1, compacted: false }]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigurationFault);
      expect((err as Error).message).toContain('set KAFKA_TOPIC_REPLICATION_FACTOR to at most the number of brokers');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses min.insync.replicas above the replicas at start', () => {
    expect(() =>
      kafkaSecurity(
        loadConfig(kafkaSettings, { KAFKA_TOPIC_REPLICATION_FACTOR: '2', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3' }),
      ),
    ).toThrow(ConfigError);
  });
});
