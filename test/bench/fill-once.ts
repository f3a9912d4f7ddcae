/** Development aid: fills a bench topic once (namespace from KAFKA_NAMESPACE) and prints its name; `node dist/test/bench/fill-once.js <count>`. */
import { topics } from '../../schemas/catalog.js';
import { testRuntime, createTopics } from '../support/kafka.js';
import { fillProducts } from './throughput.js';

const n = Number(process.argv[2] ?? 200_000);
const rt = testRuntime('bench-fill', { LOG_LEVEL: 'error' });
const input = { ...topics.productChanged, name: `bench.product.changed.${n}` };
const output = { ...topics.articleUpsert, name: `bench.article.upsert.${n}` };
await createTopics(rt, [input, output], false);
await rt.serde.register(input);
const id = await rt.serde.register(output);
await fillProducts(rt, input, n);
process.stdout.write(`BENCH_INPUT=${input.name} BENCH_OUTPUT=${output.name} BENCH_OUTPUT_SCHEMA_ID=${id}\n`);
await rt.close();
