/**
 * Development aid for the throughput benchmark: fills topics once in KAFKA_NAMESPACE and prints
 * the worker's environment. `node dist/test/bench/fill-once.js <events> [id-map entries]`.
 */
import { topics } from '../../schemas/catalog.js';
import { testRuntime, createTopics } from '../support/kafka.js';
import { fillIdMap, fillProducts } from './throughput.js';

const n = Number(process.argv[2] ?? 200_000);
const idMapEntries = Number(process.argv[3] ?? 0);
const rt = testRuntime('bench-fill', { LOG_LEVEL: 'error' });
const input = { ...topics.productChanged, name: `bench.product.changed.${n}` };
const output = { ...topics.articleUpsert, name: `bench.article.upsert.${n}` };
await createTopics(rt, [input, output, topics.idMap], false);
await rt.serde.register(input);
await rt.serde.register(topics.idMap);
const id = await rt.serde.register(output);
await fillProducts(rt, input, n);
if (idMapEntries > 0) await fillIdMap(rt, idMapEntries);
process.stdout.write(`BENCH_INPUT=${input.name} BENCH_OUTPUT=${output.name} BENCH_OUTPUT_SCHEMA_ID=${id}\n`);
await rt.close();
