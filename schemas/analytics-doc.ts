/**
 * docs/analytics.md, generated from the topic catalog: every topic with its key, value schema
 * (every field with its doc), retention and cleanup policy, what it means in business terms
 * (topic-meanings.ts), and how to read it with standard tools. `npm run docs:analytics` writes
 * it; a test fails when the file is stale.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AvroSchema } from './avro.js';
import { allTopics } from './catalog.js';
import { dlqTopicName, retentionMsOf, valueSubject, type RetentionKind, type TopicSpec } from './topic.js';
import { topicMeanings } from './topic-meanings.js';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
type Named = {
  type: string;
  name?: string;
  namespace?: string;
  doc?: string;
  fields?: Field[];
  items?: AvroSchema;
  symbols?: string[];
  logicalType?: string;
};
type Field = { name: string; type: AvroSchema; doc?: string; default?: unknown };

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A type as one short phrase: `string`, `long (timestamp-millis)`, `array of PurchaseOrderLine`, `null or string`. */
function typeName(t: AvroSchema): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const rest = t.filter((x) => x !== 'null');
    return `${rest.map(typeName).join(' or ')}${rest.length < t.length ? ' (optional)' : ''}`;
  }
  const n = t as Named;
  if (n.logicalType) return `${n.type} (${n.logicalType})`;
  if (n.type === 'record') return `record ${n.name}`;
  if (n.type === 'enum') return `enum ${n.name}: ${(n.symbols ?? []).join(', ')}`;
  if (n.type === 'array') return `array of ${typeName(n.items as AvroSchema)}`;
  return n.type;
}

/** The record a field holds, through an optional union or an array, if any. */
function innerRecord(t: AvroSchema): { record: Named; path: string } | undefined {
  if (Array.isArray(t)) {
    for (const x of t) {
      const r = innerRecord(x);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof t === 'string') return undefined;
  const n = t as Named;
  if (n.type === 'record') return { record: n, path: '' };
  if (n.type === 'array') {
    const r = innerRecord(n.items as AvroSchema);
    return r ? { record: r.record, path: `[]${r.path}` } : undefined;
  }
  return undefined;
}

/** Every field of a record, nested ones as `parent.child` and `lines[].child`. */
function fieldRows(rec: Named, prefix = ''): string[] {
  return (rec.fields ?? []).flatMap((f) => {
    const name = `${prefix}${f.name}`;
    const doc = f.doc ?? innerRecord(f.type)?.record.doc ?? '';
    const row = `| \`${name}\` | ${cell(typeName(f.type))} | ${cell(doc)} |`;
    const inner = innerRecord(f.type);
    return inner ? [row, ...fieldRows(inner.record, `${name}${inner.path}.`)] : [row];
  });
}

const days = (kind: RetentionKind): string => {
  const ms = retentionMsOf(kind);
  return ms < 0 ? 'no time limit' : `${ms / 86_400_000} days`;
};

function topicSection(t: TopicSpec<unknown>): string {
  const schema = t.schema as Named;
  const meaning = (topicMeanings as Record<string, string>)[t.name];
  if (!meaning) throw new Error(`schemas/topic-meanings.ts has no meaning for ${t.name}`);
  const lines = [
    `### \`${t.name}\``,
    '',
    meaning,
    '',
    `* **Kind:** ${t.kind} topic, ${t.partitions} partition${t.partitions === 1 ? '' : 's'}.`,
    `* **Key:** the ${t.key}, as a UTF-8 string (not Avro).`,
    `* **Value:** Avro record \`${schema.namespace}.${schema.name}\`, subject \`${valueSubject(t.name)}\`. ${schema.doc ?? ''}`.trimEnd(),
    t.compacted
      ? `* **Retention:** compacted (\`cleanup.policy=compact\`), ${days(t.kind)}: the latest record per key is the current state; a record with a null value (tombstone) deletes the key.`
      : `* **Retention:** ${days(t.kind)} (\`cleanup.policy=delete\`, \`retention.ms=${retentionMsOf(t.kind)}\`).`,
  ];
  if (t.kind !== 'state') lines.push(`* **Dead letters:** \`${dlqTopicName(t.name)}\`, kept ${days('dead-letter')}.`);
  lines.push('', '| field | type | description |', '| --- | --- | --- |', ...fieldRows(schema), '');
  return lines.join('\n');
}

const SUMMARY_HEAD = [
  '| topic | kind | key | retention | cleanup | value subject |',
  '| --- | --- | --- | --- | --- | --- |',
];
const summaryRow = (t: TopicSpec<unknown>) =>
  `| [\`${t.name}\`](#${t.name.replace(/\./g, '')}) | ${t.kind} | ${cell(t.key)} | ${days(t.kind)} | ${t.compacted ? 'compact' : 'delete'} | \`${valueSubject(t.name)}\` |`;

const INTRO = `# Reading the pipeline's topics: a guide for analytics teams

<!-- Generated from schemas/catalog.ts, the schemas in schemas/ and schemas/topic-meanings.ts by
     \`npm run docs:analytics\` (schemas/analytics-doc.ts). Do not edit by hand: a test fails when it is stale. -->

Every change the pipeline sees in Multicase (the ERP) or Ongoing WMS (the warehouse), and every
command it applies to either, is a record on a Kafka topic. Analytics can read all of them with
standard Avro tools, without the pipeline's code.

## Conventions

* **Names and namespaces.** Topic names below are as the catalog declares them. A deployment with
  \`KAFKA_NAMESPACE\` set (e.g. \`staging.\`) prefixes every topic and consumer group with it:
  \`staging.multicase.product.changed\`, and the registry subject becomes
  \`staging.multicase.product.changed-value\`.
* **Keys** are business keys (product number, order number, …) as plain UTF-8 strings, so every
  record of one entity is in one partition, in order.
* **Values** are Avro in the Confluent wire format: a zero magic byte, the schema id (4 bytes, big
  endian), then the Avro binary. Schemas are registered under the topic-name strategy
  (\`<topic>-value\`) with BACKWARD compatibility: a reader with the newest schema reads every record
  still on the topic; fields are only ever added as optional (null default).
* **Envelopes.** Change topics (\`multicase.*.changed\`, \`*.released\`, \`ongoing.*.received\`,
  \`*.shipped\`, \`*.adjusted\`) share one envelope, Debezium-style: \`eventId\`, \`entityKey\`,
  \`operation\` (SNAPSHOT, CREATE, UPDATE, DELETE), \`source\` position, \`occurredAt\`, \`capturedAt\`
  and \`after\`, the entity's full state after the change. Command topics share another:
  \`commandId\`, \`causationId\` (the event it came from), \`entityKey\`, \`issuedAt\`, \`traceOrigin\`
  and \`payload\`, what is applied to the target system.
* **At least once.** A record may appear more than once (a retry, a replay after an outage, a
  resnapshot). Ids are deterministic: count distinct \`eventId\` / \`commandId\`, or keep the latest
  record per key. Timestamps are UTC milliseconds (\`timestamp-millis\`).
* **Dead letters.** A record that could not be handled goes to \`dlq.<topic>\` with its original key,
  value bytes and headers, plus headers \`dlq.stage\`, \`dlq.error.class\`, \`dlq.error.message\`,
  \`dlq.attempts\`, \`dlq.first.failure\` and \`dlq.original.topic\` / \`.partition\` / \`.offset\`. Rows a
  source could not turn into events are dead-lettered as JSON (header \`content-type: application/json\`).
* **Consumer groups.** Read with a group of your own (e.g. \`analytics.<team>\`), never one named
  \`processor.…\` or \`sink.…\`: those are the pipeline's, and sharing one takes records from it.

## Reading a topic

With [kcat](https://github.com/edenhill/kcat) (the registry's Confluent-compatible API; Apicurio
serves it under \`/apis/ccompat/v7\`):

\`\`\`bash
kcat -C -b kafka:9092 -t multicase.product.changed -o beginning -e \\
  -s key=s -s value=avro -r http://registry:8080/apis/ccompat/v7 -J
\`\`\`

This needs a kcat built with Avro support (\`kcat -V\` lists \`avro\` among its features; Debian's
\`kcat\` package is built without it, Confluent's and Homebrew's builds have it). Without it,
\`-s value=avro\` is refused; use the Java reader below or Confluent's \`kafka-avro-console-consumer\`
with \`--property schema.registry.url=…/apis/ccompat/v7\`.

With Java, Confluent's \`KafkaAvroDeserializer\` against the same API (a \`GenericRecord\` per value):

\`\`\`java
Properties p = new Properties();
p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092");
p.put(ConsumerConfig.GROUP_ID_CONFIG, "analytics.my-team");
p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, KafkaAvroDeserializer.class.getName());
p.put("schema.registry.url", "http://registry:8080/apis/ccompat/v7");
p.put("specific.avro.reader", false);
try (KafkaConsumer<String, GenericRecord> c = new KafkaConsumer<>(p)) {
  c.subscribe(List.of("multicase.product.changed"));
  for (ConsumerRecord<String, GenericRecord> r : c.poll(Duration.ofSeconds(5))) {
    GenericRecord after = (GenericRecord) r.value().get("after");
    System.out.println(r.key() + " " + r.value().get("operation") + " " + (after == null ? null : after.get("description")));
  }
}
\`\`\`

Add \`basic.auth.credentials.source=USER_INFO\` and \`basic.auth.user.info=user:password\` when the
registry asks for credentials, and the cluster's TLS/SASL settings as for any Kafka client.`;

export function analyticsMarkdown(topics: readonly TopicSpec<unknown>[] = allTopics): string {
  const groups: Array<[string, TopicSpec<unknown>['kind'], string]> = [
    ['Change topics', 'change', 'What happened in a source system, one event per changed entity.'],
    ['Command topics', 'command', 'What the pipeline applies to a target system, derived from change events.'],
    ['State topics', 'state', 'Compacted tables the pipeline keeps: the latest record per key is the state.'],
  ];
  const parts = [INTRO, '', '## Topics', '', ...SUMMARY_HEAD, ...topics.map(summaryRow), ''];
  for (const [title, kind, what] of groups) {
    parts.push(`## ${title}`, '', what, '', ...topics.filter((t) => t.kind === kind).map(topicSection));
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

/** The repository's root, from this file or its build in dist/. */
/** The folder of the repository's package.json: where the generated documents (this one, the dashboard) are written. */
export function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const analyticsDocPath = (): string => path.join(repositoryRoot(), 'docs/analytics.md');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(path.dirname(analyticsDocPath()), { recursive: true });
  writeFileSync(analyticsDocPath(), analyticsMarkdown());
  console.log(`wrote ${analyticsDocPath()}`);
}
