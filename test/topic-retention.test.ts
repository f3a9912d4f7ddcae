/**
 * Retention per topic kind: what the topology asks for (pure), and that ensureTopics brings an
 * existing topic's retention.ms in line without losing its other settings (against the broker).
 */
import { Kafka, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTopics } from '../schemas/catalog.js';
import { dlqTopicName, retentionMsOf } from '../schemas/topic.js';
import { loadConfig } from '../runtime/config.js';
import { kafkaSettings } from '../runtime/kafka.js';
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
