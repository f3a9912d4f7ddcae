import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import type { ArticleUpsertCommand, ProductChanged } from '../schemas/types.generated.js';
import { DLQ_HEADERS } from '../runtime/dead-letter.js';
import { NotYetAvailableError, TransientError, ValidationError } from '../runtime/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { commandFrom } from '../schemas/envelopes.js';
import { runStage } from '../runtime/stage.js';
import { articleUpsert, productChanged } from './support/fixtures.js';
import { createTopics, privateTopic, readRecords, testRuntime, uniqueName } from './support/kafka.js';

const product = productChanged;

describe('the consumer loop', () => {
  let rt: Runtime;
  const input = { ...privateTopic(topics.productChanged), partitions: 1 };
  const output = { ...privateTopic(topics.articleUpsert), partitions: 1 };
  const group = uniqueName('stage-test');
  let failOnce = true;

  beforeAll(async () => {
    rt = testRuntime('stage-test');
    await createTopics(rt, [input, output]);
    const producer = await rt.producer();
    await producer.send([
      { topic: input.name, key: 'A', value: await rt.serde.encode(input, product('A', 'first')) },
      { topic: input.name, key: 'POISON', value: Buffer.from('{"not":"avro"}'), headers: { origin: 'test' } },
      { topic: input.name, key: 'BAD', value: await rt.serde.encode(input, product('BAD', '')) },
      { topic: input.name, key: 'FLAKY', value: await rt.serde.encode(input, product('FLAKY', 'retried')) },
      { topic: input.name, key: 'B', value: await rt.serde.encode(input, product('B', 'after the poison')) },
    ]);
    await runStage<ProductChanged>(rt, {
      name: group,
      input,
      handle(event) {
        if (event.after!.description === '')
          throw new ValidationError(`product ${event.entityKey}`, 'description', 'is empty');
        if (event.entityKey === 'FLAKY' && failOnce) {
          failOnce = false;
          throw new TransientError('warehouse busy', { retryAfterMs: 100 });
        }
        return [
          {
            topic: output,
            key: event.entityKey,
            value: commandFrom(event, output, articleUpsert(event.entityKey, event.after!.description)),
          },
        ];
      },
    });
  });
  afterAll(() => rt.close());

  it('dead-letters the poison and the invalid record with their reasons while the rest flows, in order', async () => {
    const out = await readRecords(rt, output.name, 3);
    const values = await Promise.all(out.map((r) => rt.serde.decode<ArticleUpsertCommand>(output, r.value)));
    expect(values.map((v) => v.entityKey)).toEqual(['A', 'FLAKY', 'B']);
    expect(values[0]!.commandId).toBe(`multicase:product:A:1>${output.name}`);

    const dead = await readRecords(rt, `dlq.${input.name}`, 2);
    expect(dead.map((d) => d.key)).toEqual(['POISON', 'BAD']);
    const [poison, bad] = dead;
    expect(poison!.value!.toString()).toBe('{"not":"avro"}');
    expect(poison!.headers).toMatchObject({
      origin: 'test',
      [DLQ_HEADERS.stage]: group,
      [DLQ_HEADERS.errorClass]: 'SchemaError',
      [DLQ_HEADERS.topic]: input.name,
      [DLQ_HEADERS.offset]: '1',
      [DLQ_HEADERS.attempts]: '1',
    });
    expect(poison!.headers[DLQ_HEADERS.message]).toMatch(/not in the Confluent Avro wire format/);
    expect(Date.parse(poison!.headers[DLQ_HEADERS.firstFailure]!)).toBeGreaterThan(Date.now() - 120_000);
    expect(bad!.headers[DLQ_HEADERS.errorClass]).toBe('ValidationError');
    expect(bad!.headers[DLQ_HEADERS.message]).toBe('product BAD: field description is empty');
    // The dead letter keeps the original bytes: still decodable as the original event.
    expect((await rt.serde.decode<ProductChanged>(input, bad!.value)).entityKey).toBe('BAD');
  });

  it('commits only what it handled: the group ends at the end of the input', async () => {
    const admin = await rt.kafka.admin();
    try {
      const deadline = Date.now() + 15_000;
      let committed: string | undefined;
      while (Date.now() < deadline) {
        committed = (await admin.groupOffsets(group, input.name))[0]?.offset;
        if (committed === '5') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(committed).toBe('5');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('a consumer whose session expired', () => {
  let rt: Runtime;
  const input = { ...privateTopic(topics.productChanged), partitions: 1 };
  const output = { ...privateTopic(topics.articleUpsert), partitions: 1 };

  beforeAll(async () => {
    rt = testRuntime('stage-expiry-test', { KAFKA_SESSION_TIMEOUT_MS: '6000' });
    await createTopics(rt, [input, output]);
  });
  afterAll(() => rt.close());

  it('gets the record it had not committed again, and the flow goes on', async () => {
    const producer = await rt.producer();
    await producer.send([
      { topic: input.name, key: 'SLOW', value: await rt.serde.encode(input, product('SLOW', 'takes too long once')) },
    ]);
    let calls = 0;
    await runStage<ProductChanged>(rt, {
      name: uniqueName('stage-expiry'),
      input,
      async handle(event) {
        // The first attempt outlives the session: the group drops this member, the commit fails.
        if (++calls === 1) await new Promise((r) => setTimeout(r, 9_000));
        return [
          {
            topic: output,
            key: event.entityKey,
            value: commandFrom(event, output, articleUpsert(event.entityKey, event.after!.description)),
          },
        ];
      },
    });
    const deadline = Date.now() + 45_000;
    while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(calls).toBeGreaterThanOrEqual(2);
    const out = await readRecords(rt, output.name, 2, 10_000);
    expect(out.map((r) => r.key)).toContain('SLOW');
  }, 60_000);
});

describe('an output the brokers can never accept', () => {
  let rt: Runtime;
  const input = { ...privateTopic(topics.productChanged), partitions: 1 };
  const output = { ...privateTopic(topics.articleUpsert), partitions: 1 };

  beforeAll(async () => {
    rt = testRuntime('stage-too-large-test');
    await createTopics(rt, [input, output]);
  });
  afterAll(() => rt.close());

  it('dead-letters the record that yielded it, and the records around it flow', async () => {
    const producer = await rt.producer();
    await producer.send([
      { topic: input.name, key: 'BEFORE', value: await rt.serde.encode(input, product('BEFORE', 'small')) },
      {
        topic: input.name,
        key: 'HUGE',
        value: await rt.serde.encode(input, product('HUGE', 'becomes a 2 MB article name')),
      },
      { topic: input.name, key: 'AFTER', value: await rt.serde.encode(input, product('AFTER', 'small')) },
    ]);
    await runStage<ProductChanged>(rt, {
      name: uniqueName('stage-too-large'),
      input,
      handle: (event) => [
        {
          topic: output,
          key: event.entityKey,
          value: commandFrom(
            event,
            output,
            articleUpsert(
              event.entityKey,
              event.entityKey === 'HUGE' ? 'x'.repeat(2_000_000) : event.after!.description,
            ),
          ),
        },
      ],
    });
    const out = await readRecords(rt, output.name, 2, 20_000);
    expect(out.map((r) => r.key)).toEqual(['BEFORE', 'AFTER']);
    const dead = await readRecords(rt, `dlq.${input.name}`, 1, 10_000);
    expect(dead.map((r) => r.key)).toEqual(['HUGE']);
    expect(dead[0]!.headers[DLQ_HEADERS.message]).toMatch(/too large|larger than/i);
  }, 60_000);
});

describe('a record waiting for data that is not there yet', () => {
  let rt: Runtime;
  const input = { ...privateTopic(topics.productChanged), partitions: 1 };
  const output = { ...privateTopic(topics.articleUpsert), partitions: 1 };
  const group = uniqueName('stage-parking');
  const arrived = new Set<string>();

  beforeAll(async () => {
    rt = testRuntime('stage-parking-test');
    await createTopics(rt, [input, output]);
  });
  afterAll(() => rt.close());

  it('waits by itself: other keys go on, its own key keeps its order behind it, and it is dead-lettered when its grace runs out', async () => {
    const producer = await rt.producer();
    const send = async (key: string, text: string) =>
      producer.send([{ topic: input.name, key, value: await rt.serde.encode(input, product(key, text)) }]);
    await send('LATE', 'late 1');
    await send('B', 'b 1');
    await send('LATE', 'late 2');
    await send('NEVER', 'never');
    await send('B', 'b 2');
    await runStage<ProductChanged>(rt, {
      name: group,
      input,
      handle(event) {
        if (event.entityKey === 'LATE' && !arrived.has('LATE'))
          throw new NotYetAvailableError('product LATE: its mapping is not there yet', 60_000);
        if (event.entityKey === 'NEVER')
          throw new NotYetAvailableError('product NEVER: its mapping is not there yet', 1_500);
        return [
          {
            topic: output,
            key: event.entityKey,
            value: commandFrom(event, output, articleUpsert(event.entityKey, event.after!.description)),
          },
        ];
      },
    });
    // The other key flows while LATE waits.
    const first = await readRecords(rt, output.name, 2, 15_000);
    expect(first.map((r) => r.key)).toEqual(['B', 'B']);
    // NEVER runs out of grace: dead-lettered as unmappable, without holding up anyone.
    const dead = await readRecords(rt, `dlq.${input.name}`, 1, 15_000);
    expect(dead.map((r) => r.key)).toEqual(['NEVER']);
    expect(dead[0]!.headers[DLQ_HEADERS.errorClass]).toBe('UnmappableError');
    expect(dead[0]!.headers[DLQ_HEADERS.message]).toMatch(/still missing after/);
    // Nothing is committed past the waiting record.
    const admin = await rt.kafka.admin();
    try {
      expect((await admin.groupOffsets(group, input.name))[0]?.offset).toBe('0');
      // What it waited for arrives: both LATE records follow, in order, and the group reaches the end.
      arrived.add('LATE');
      const all = await readRecords(rt, output.name, 4, 15_000);
      const values = await Promise.all(all.map((r) => rt.serde.decode<ArticleUpsertCommand>(output, r.value)));
      expect(values.map((v) => `${v.entityKey}:${v.payload.articleName}`)).toEqual([
        'B:b 1',
        'B:b 2',
        'LATE:late 1',
        'LATE:late 2',
      ]);
      const deadline = Date.now() + 15_000;
      let committed: string | undefined;
      while (Date.now() < deadline && committed !== '5') {
        committed = (await admin.groupOffsets(group, input.name))[0]?.offset;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(committed).toBe('5');
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});

describe('a record whose grace for late data ends', () => {
  let rt: Runtime;
  const input = { ...privateTopic(topics.productChanged), partitions: 1 };
  const output = { ...privateTopic(topics.articleUpsert), partitions: 1 };

  beforeAll(async () => {
    rt = testRuntime('stage-grace-test');
    await createTopics(rt, [input, output]);
  });
  afterAll(() => rt.close());

  it('yields what it means without the data, when it says so, instead of a dead letter', async () => {
    const producer = await rt.producer();
    await producer.send([
      { topic: input.name, key: 'UNKNOWN', value: await rt.serde.encode(input, product('UNKNOWN', 'as planned')) },
    ]);
    const articleFor = (event: ProductChanged, name: string) => [
      { topic: output, key: event.entityKey, value: commandFrom(event, output, articleUpsert(event.entityKey, name)) },
    ];
    await runStage<ProductChanged>(rt, {
      name: uniqueName('stage-grace-test'),
      input,
      handle(event) {
        throw new NotYetAvailableError('product UNKNOWN: its mapping is not there yet', 1_000, () =>
          articleFor(event, 'without its mapping'),
        );
      },
    });
    const out = await readRecords(rt, output.name, 1, 15_000);
    expect((await rt.serde.decode<ArticleUpsertCommand>(output, out[0]!.value)).payload.articleName).toBe(
      'without its mapping',
    );
    expect(await readRecords(rt, `dlq.${input.name}`, 0, 2_000)).toEqual([]);
  }, 30_000);
});
