import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import type { ProductChanged } from '../schemas/types.generated.js';
import type { Runtime } from '../runtime/runtime.js';
import { createTopics, privateTopic, readRecords, testRuntime } from './support/kafka.js';

const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

const event: ProductChanged = {
  eventId: 'multicase:product:P-1:42',
  entityKey: 'P-1',
  operation: 'UPDATE',
  source: { system: 'multicase', entity: 'product', position: '42' },
  occurredAt: 1_700_000_000_000,
  capturedAt: 1_700_000_000_500,
  after: {
    productId: 7,
    productNumber: 'P-1',
    description: 'Blue mug',
    description2: null,
    ean: '7310000000017',
    unit: 'pcs',
    weightKg: 0.35,
    lengthCm: 10,
    widthCm: 8,
    heightCm: 12,
    volumeDm3: 0.96,
    isService: false,
    isActive: true,
    isDeleted: false,
    supplierNumber: 'S-1',
    productGroup: 'Kitchen',
    countryOfOrigin: 'CN',
    customsCode: '69120010',
    netWeightKg: 0.3,
    unitsPerPackage: 6,
    costPrice: 21.5,
  },
};

describe('Avro through the broker and the registry', () => {
  let rt: Runtime;
  const topic = privateTopic(topics.productChanged);

  beforeAll(async () => {
    rt = testRuntime('serde-test');
    await createTopics(rt, [topic]);
  });
  afterAll(() => rt.close());

  it('comes back equal, and a plain Confluent-wire-format reader decodes it', async () => {
    const producer = await rt.producer();
    await producer.send([{ topic: topic.name, key: event.entityKey, value: await rt.serde.encode(topic, event) }]);

    const [record] = await readRecords(rt, topic.name, 1);
    expect(record?.key).toBe('P-1');
    expect(await rt.serde.decode(topic, record!.value)).toEqual(event);

    // What an analytics team's tool does: magic byte, schema id, fetch the schema, decode the body.
    const bytes = record!.value!;
    expect(bytes[0]).toBe(0);
    const id = bytes.readUInt32BE(1);
    const res = await fetch(`${REGISTRY}/schemas/ids/${id}`);
    expect(res.status).toBe(200);
    const { schema } = (await res.json()) as { schema: string };
    const type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema, { wrapUnions: 'auto' });
    expect(type.fromBuffer(bytes.subarray(5))).toEqual(event);
  });

  it('registers the value schema under the topic as named on the cluster, namespace included', async () => {
    const versions = (subject: string) =>
      fetch(`${REGISTRY}/subjects/${encodeURIComponent(subject)}/versions`).then((r) => r.status);
    // testRuntime works in namespace "t-unit.": standard tools find the schema of the topic they read.
    expect(await versions(`t-unit.${topic.name}-value`)).toBe(200);
    expect(await versions(`${topic.name}-value`)).toBe(404);
  });

  it('refuses to encode a value that does not match the schema, naming the field', async () => {
    const bad = { ...event, after: { ...event.after!, productNumber: 42 } } as unknown as ProductChanged;
    await expect(rt.serde.encode(topic, bad)).rejects.toThrow(/after.*productNumber|productNumber/);
  });

  it('decoding bytes that are not in the wire format is a permanent SchemaError', async () => {
    await expect(rt.serde.decode(topic, Buffer.from('not avro'))).rejects.toMatchObject({
      name: 'SchemaError',
      retriable: false,
    });
  });
});

describe('schema evolution', () => {
  let rt: Runtime;
  beforeAll(() => {
    rt = testRuntime('evolution-test');
  });
  afterAll(() => rt.close());

  it('accepts a backward-compatible change and refuses an incompatible one', async () => {
    const topic = privateTopic(topics.productChanged);
    await rt.serde.register(topic);
    const schema = topic.schema as { fields: Array<Record<string, unknown>> };
    const compatible = {
      ...topic,
      schema: { ...schema, fields: [...schema.fields, { name: 'note', type: ['null', 'string'], default: null }] },
    };
    await expect(rt.serde.register(compatible)).resolves.toBeGreaterThan(0);
    // A new required field without a default: new readers could not read old records.
    const incompatible = {
      ...topic,
      schema: { ...schema, fields: [...schema.fields, { name: 'mandatory', type: 'string' }] },
    };
    await expect(rt.serde.register(incompatible)).rejects.toThrow(/incompatible|409/i);
  });
});
