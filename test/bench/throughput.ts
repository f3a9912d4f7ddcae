/**
 * Processor throughput against the raw client, each variant in its own process
 * (throughput-worker.ts), on the same pre-filled topic:
 *
 *   BENCH_EVENTS (200000)      ProductChanged events on 3 partitions for the per-variant runs
 *   BENCH_RUNS (3)             runs per variant; the median is reported
 *   BENCH_IDMAP (1000000)      id-map entries loaded by the `idmap` variant
 *   BENCH_REPLAY (1000000)     change events replayed through the processor from `ops replay --to-earliest`
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import avro from 'avsc';
import { topics } from '../../schemas/catalog.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { IdMapping, ProductChanged } from '../../schemas/types.generated.js';
import type { OutgoingMessage } from '../../runtime/kafka.js';
import type { Runtime } from '../../runtime/runtime.js';
import { replay } from '../../pipeline/ops/replay.js';
import { createTopics, uniqueName } from '../support/kafka.js';
import { productChanged } from '../support/fixtures.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./throughput-worker.js', import.meta.url));
const N_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N_IDMAP = Number(process.env.BENCH_IDMAP ?? 1_000_000);
const N_REPLAY = Number(process.env.BENCH_REPLAY ?? 1_000_000);

export interface WorkerResult {
  variant: string;
  count: number;
  seconds: number;
  rssMb: number;
  idMapLoadSeconds?: number;
  idMapEntries?: number;
  rssBeforeIdMapMb?: number;
  rssAfterIdMapMb?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Produces `n` values in the wire format: one registry encode for the header, then plain avsc for the bodies. */
async function fill<V>(
  rt: Runtime,
  topic: TopicSpec<V>,
  n: number,
  make: (i: number) => { key: string; value: V },
): Promise<void> {
  const type = avro.Type.forSchema(topic.schema as avro.Schema);
  const header = (await rt.serde.encode(topic, make(0).value)).subarray(0, 5);
  const producer = await rt.producer();
  const chunk = 3_000;
  for (let i = 0; i < n; i += chunk) {
    const messages: OutgoingMessage[] = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) {
      const { key, value } = make(j);
      messages.push({ topic: topic.name, key, value: Buffer.concat([header, type.toBuffer(value)]) });
    }
    await producer.send(messages);
  }
}

async function runWorker(variant: string, env: NodeJS.ProcessEnv): Promise<WorkerResult> {
  const { stdout } = await run(process.execPath, ['--expose-gc', worker, variant], {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 20,
    timeout: 900_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult;
}

const product = (i: number) => {
  const value: ProductChanged = productChanged(`BENCH-${i}`, `bench product ${i}`);
  value.eventId = `multicase:product:BENCH-${i}:${i}`;
  return { key: value.entityKey, value };
};

/** `n` ProductChanged events on `topic`. */
export const fillProducts = (rt: Runtime, topic: TopicSpec<ProductChanged>, n: number) => fill(rt, topic, n, product);

/** `n` id-map entries, as flow 1 writes them for articles. */
export const fillIdMap = (rt: Runtime, n: number) =>
  fill<IdMapping>(rt, topics.idMap, n, (i) => ({
    key: `ongoing:article:BENCH-${i}`,
    value: {
      system: 'ongoing',
      entityType: 'article',
      businessKey: `BENCH-${i}`,
      externalId: String(100_000 + i),
      updatedAt: Date.now(),
      contentHash: 'AAAAAAAAAAAAAAAAAAAAAA',
    },
  }));

export interface ThroughputFigures {
  rates: Record<'raw' | 'avsc' | 'mapped' | 'stage' | 'idmap', number>;
  idMap: { entries: number; loadSeconds: number; rssAboveEmptyMb: number };
  replay: { rawRate: number; firstRate: number; replayRate: number; events: number };
}

/** The median rate of each variant on one topic, then the id map and the replay. */
export async function throughputFigures(
  rt: Runtime,
  ns: string,
  log: (line: string) => void,
): Promise<ThroughputFigures> {
  const input = { ...topics.productChanged, name: uniqueName('bench.product.changed') };
  const output = { ...topics.articleUpsert, name: uniqueName('bench.article.upsert') };
  await createTopics(rt, [input, output], false);
  await rt.serde.register(input);
  const outputSchemaId = await rt.serde.register(output);
  log(`filling ${N_EVENTS} events…`);
  await fill(rt, input, N_EVENTS, product);
  await createTopics(rt, [topics.idMap], false);
  await rt.serde.register(topics.idMap);
  log(`filling ${N_IDMAP} id-map entries…`);
  await fillIdMap(rt, N_IDMAP);

  const base = {
    KAFKA_NAMESPACE: ns,
    BENCH_INPUT: input.name,
    BENCH_OUTPUT: output.name,
    BENCH_COUNT: String(N_EVENTS),
    BENCH_OUTPUT_SCHEMA_ID: String(outputSchemaId),
  };
  const rates = {} as ThroughputFigures['rates'];
  let idMap: ThroughputFigures['idMap'] = { entries: 0, loadSeconds: 0, rssAboveEmptyMb: 0 };
  const variants = ['raw', 'avsc', 'mapped', 'stage', 'idmap'] as const;
  // One warm-up read of the topic (page cache, broker), then the variants in turn, run after run.
  await runWorker('raw', { ...base, BENCH_GROUP: uniqueName('bench-warmup') });
  const all = new Map<string, WorkerResult[]>(variants.map((v) => [v, []]));
  for (let r = 0; r < RUNS; r++)
    for (const variant of variants)
      all.get(variant)!.push(await runWorker(variant, { ...base, BENCH_GROUP: uniqueName(`bench-${variant}`) }));
  for (const variant of variants) {
    const results = all.get(variant)!;
    rates[variant] = median(results.map((x) => x.count / x.seconds));
    log(`${variant}: ${results.map((x) => (x.count / x.seconds).toFixed(0)).join(', ')} events/s`);
    if (variant === 'idmap') {
      const loads = results.map((x) => x.idMapLoadSeconds ?? 0);
      const rss = results.map((x) => (x.rssAfterIdMapMb ?? 0) - (x.rssBeforeIdMapMb ?? 0));
      idMap = { entries: results[0]!.idMapEntries ?? 0, loadSeconds: median(loads), rssAboveEmptyMb: median(rss) };
    }
  }

  // Replay: the processor's own topic and group, moved back by the operations command.
  const replayInput = topics.productChanged;
  const replayOutput = { ...topics.articleUpsert, name: uniqueName('bench.replay.article.upsert') };
  await createTopics(rt, [replayInput, replayOutput], false);
  await rt.serde.register(replayInput);
  log(`filling ${N_REPLAY} events for the replay…`);
  await fill(rt, replayInput, N_REPLAY, product);
  const replayBase = {
    ...base,
    BENCH_INPUT: replayInput.name,
    BENCH_OUTPUT: replayOutput.name,
    BENCH_COUNT: String(N_REPLAY),
  };
  const raw = await runWorker('raw', { ...replayBase, BENCH_GROUP: uniqueName('bench-replay-raw') });
  const group = 'processor.product-to-article';
  const first = await runWorker('stage', { ...replayBase, BENCH_GROUP: group });
  await replay(rt, { group, topic: replayInput.name, target: { kind: 'earliest' } });
  const again = await runWorker('stage', { ...replayBase, BENCH_GROUP: group });
  return {
    rates,
    idMap,
    replay: {
      rawRate: raw.count / raw.seconds,
      firstRate: first.count / first.seconds,
      replayRate: again.count / again.seconds,
      events: N_REPLAY,
    },
  };
}
