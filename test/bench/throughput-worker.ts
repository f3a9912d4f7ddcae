/**
 * One variant of the processor throughput benchmark, in its own process (so no variant warms up
 * or garbage-collects for another). Reads BENCH_INPUT from the earliest offset as group
 * BENCH_GROUP, writes to BENCH_OUTPUT, and prints one JSON line once the group has committed
 * BENCH_COUNT records: seconds from joining the group to that commit, RSS and, for the variant
 * with an id map, its load time.
 *
 *   raw      kafkajs consume → produce of the same bytes, commit after the send
 *   avsc     raw + plain avsc decode and encode
 *   mapped   avsc + productToArticle and the command envelope
 *   stage    the product's processor stage (runtime/stage.ts), as it runs in the pipeline
 *   idmap    the product's processor stage with the id map (state.id-map) loaded first
 */
import { createRequire } from 'node:module';
import avro from 'avsc';
import type { Consumer, Kafka as KafkaClient, Producer } from 'kafkajs';
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { ProductChanged } from '../../schemas/types.generated.js';

// The raw variants use kafkajs as shipped; the product's runtime (imported only by the stage
// variants) replaces one quadratic function of kafkajs (runtime/kafka/linear-grouping.ts).
const require = createRequire(import.meta.url);
const asShipped = () => String(require('kafkajs/src/producer/groupMessagesPerPartition.js')).includes('Object.assign');

const variant = process.argv[2] as 'raw' | 'avsc' | 'mapped' | 'stage' | 'idmap';
const env = process.env;
const ns = env.KAFKA_NAMESPACE ?? '';
const input = env.BENCH_INPUT!;
const output = env.BENCH_OUTPUT!;
const group = env.BENCH_GROUP!;
const count = Number(env.BENCH_COUNT);
const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** Sum of the group's committed offsets on the input topic, polled until it reaches `count`. */
async function untilCommitted(kafka: KafkaClient, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const [offsets] = await admin.fetchOffsets({ groupId: ns + group, topics: [topic] });
      const done = (offsets?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
      if (done >= count) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.disconnect();
  }
}

const joined = (c: Consumer) =>
  new Promise<number>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve(performance.now())));

/** The raw client variants: one consumer, one idempotent producer, commit after each batch's send. */
async function rawVariant(): Promise<{ seconds: number }> {
  const { Kafka, logLevel } = await import('kafkajs');
  if (!asShipped()) throw new Error('the raw variants must run kafkajs as shipped');
  const { productToArticle } = await import('../../processors/product-to-article.js');
  const kafka = new Kafka({ clientId: `bench-${variant}`, brokers, logLevel: logLevel.ERROR });
  const inType = avro.Type.forSchema(topics.productChanged.schema as avro.Schema);
  const outType = avro.Type.forSchema(topics.articleUpsert.schema as avro.Schema);
  const header = (id: number) => {
    const h = Buffer.alloc(5);
    h.writeUInt32BE(id, 1);
    return h;
  };
  const outHeader = header(Number(env.BENCH_OUTPUT_SCHEMA_ID ?? 0));
  const transform = (value: Buffer): Buffer => {
    if (variant === 'raw') return value;
    const event = inType.fromBuffer(value.subarray(5)) as ProductChanged;
    if (variant === 'avsc') return Buffer.concat([value.subarray(0, 5), inType.toBuffer(event)]);
    const payload = productToArticle(event);
    return Buffer.concat([outHeader, outType.toBuffer(commandFrom(event, topics.articleUpsert, payload))]);
  };
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: ns + group, maxWaitTimeInMs: 250 });
  const t0 = joined(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: [ns + input], fromBeginning: true });
  void consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      if (process.env.BENCH_DEBUG) process.stderr.write(`batch ${batch.partition} ${batch.messages.length}\n`);
      const messages = batch.messages.map((m) => ({ key: m.key, value: transform(m.value!) }));
      // A produce request holds one record batch per partition, at most 1 MB by default.
      for (let i = 0; i < messages.length; i += 2_000)
        await producer.send({ topic: ns + output, acks: -1, messages: messages.slice(i, i + 2_000) });
      const last = batch.messages.at(-1);
      if (last)
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
        ]);
    },
  });
  const start = await t0;
  await untilCommitted(kafka, ns + input);
  const seconds = (performance.now() - start) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return { seconds };
}

/** The product's processor stage, with an empty id map or a loaded one. */
async function stageVariant(): Promise<{
  seconds: number;
  idMapLoadSeconds?: number;
  idMapEntries?: number;
  rssBeforeIdMapMb?: number;
  rssAfterIdMapMb?: number;
}> {
  const { createRuntime } = await import('../../runtime/runtime.js');
  const { createLogger } = await import('../../runtime/logger.js');
  const { openTable } = await import('../../runtime/table.js');
  const { runProcessor } = await import('../../processors/processor.js');
  const { productToArticleProcessor } = await import('../../processors/product-to-article.js');
  const { Kafka, logLevel } = await import('kafkajs');
  if (process.env.BENCH_DEBUG) process.stderr.write(`kafkajs as shipped: ${asShipped()}\n`);
  const log = createLogger({ process: `bench-${variant}` }, () => undefined);
  const rt = createRuntime(`bench-${variant}`, { env: { ...env, LOG_LEVEL: 'error' }, log });
  const extra: {
    idMapLoadSeconds?: number;
    idMapEntries?: number;
    rssBeforeIdMapMb?: number;
    rssAfterIdMapMb?: number;
  } = {};
  let idMap: { get(key: string): undefined | never } = { get: () => undefined };
  if (variant === 'idmap') {
    global.gc?.();
    extra.rssBeforeIdMapMb = process.memoryUsage().rss / 2 ** 20;
    const t = performance.now();
    const table = await openTable(rt, topics.idMap, { loadTimeoutMs: 600_000, compact: true });
    extra.idMapLoadSeconds = (performance.now() - t) / 1000;
    extra.idMapEntries = table.size;
    global.gc?.();
    extra.rssAfterIdMapMb = process.memoryUsage().rss / 2 ** 20;
    idMap = table as never;
  }
  const spec = {
    ...productToArticleProcessor,
    name: group,
    input: { ...topics.productChanged, name: input },
    output: { ...topics.articleUpsert, name: output },
  };
  const t0 = performance.now();
  const stage = await runProcessor(rt, spec, {
    idMap,
    shippingMethods: { get: () => undefined, entries: () => new Map().entries() },
    graceMs: 1_000,
    integratedWarehouse: 'MAIN',
    returnNumberPrefix: 'R-',
  });
  await stage.started;
  const start = performance.now();
  const kafka = new Kafka({ clientId: 'bench-watch', brokers, logLevel: logLevel.NOTHING });
  await untilCommitted(kafka, ns + input);
  const seconds = (performance.now() - start) / 1000;
  void t0;
  await rt.close();
  return { seconds, ...extra };
}

const run = variant === 'stage' || variant === 'idmap' ? stageVariant : rawVariant;
run().then(
  (result) => {
    process.stdout.write(
      `${JSON.stringify({ variant, count, ...result, rssMb: process.memoryUsage().rss / 2 ** 20 })}\n`,
    );
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`bench worker ${variant} failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
