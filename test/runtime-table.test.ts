import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import type { IdMapping } from '../schemas/types.generated.js';
import type { Runtime } from '../runtime/runtime.js';
import { openTable } from '../runtime/table.js';
import { createTopics, privateTopic, testRuntime } from './support/kafka.js';

const mapping = (key: string, externalId: string): IdMapping => ({
  system: 'ongoing',
  entityType: 'article',
  businessKey: key,
  externalId,
  updatedAt: Date.now(),
  contentHash: null,
});

describe('a table over a compacted topic', () => {
  let rt: Runtime;
  const topic = privateTopic(topics.idMap);

  beforeAll(async () => {
    rt = testRuntime('table-test');
    await createTopics(rt, [topic]);
  });
  afterAll(() => rt.close());

  it('loads existing state, then follows updates and tombstones', async () => {
    const producer = await rt.producer();
    const put = async (key: string, value: IdMapping | null) =>
      producer.send([{ topic: topic.name, key, value: value === null ? null : await rt.serde.encode(topic, value) }]);
    await put('A', mapping('A', '1'));
    await put('B', mapping('B', '2'));
    await put('A', mapping('A', '11'));

    const table = await openTable(rt, topic);
    expect(table.get('A')?.externalId).toBe('11');
    expect(table.get('B')?.externalId).toBe('2');
    expect(table.size).toBe(2);

    await put('C', mapping('C', '3'));
    await expect(table.waitFor('C', (v) => v?.externalId === '3', 10_000)).resolves.toMatchObject({ businessKey: 'C' });
    await put('B', null);
    await table.waitFor('B', (v) => v === undefined, 10_000);
    expect([...table.entries()].map(([k]) => k).sort()).toEqual(['A', 'C']);
  });

  it('an empty topic loads at once', async () => {
    const empty = privateTopic(topics.shippingMethodMap);
    await createTopics(rt, [empty]);
    const table = await openTable(rt, empty, { loadTimeoutMs: 15_000 });
    expect(table.size).toBe(0);
  });
});
