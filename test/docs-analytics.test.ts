/**
 * docs/analytics.md is generated from the topic catalog (schemas/analytics-doc.ts); this fails
 * when it is stale (run `npm run docs:analytics`) or misses what an analytics team needs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyticsDocPath, analyticsMarkdown } from '../schemas/analytics-doc.js';
import type { AvroSchema } from '../schemas/avro.js';
import { allTopics } from '../schemas/catalog.js';
import { retentionMsOf, valueSubject } from '../schemas/topic.js';
import { topicMeanings } from '../schemas/topic-meanings.js';

const doc = analyticsMarkdown();

/** Every field name in a schema, nested ones included. */
function fieldNames(t: AvroSchema): string[] {
  if (typeof t === 'string') return [];
  if (Array.isArray(t)) return t.flatMap(fieldNames);
  const n = t as { fields?: Array<{ name: string; type: AvroSchema }>; items?: AvroSchema };
  return [...(n.fields ?? []).flatMap((f) => [f.name, ...fieldNames(f.type)]), ...(n.items ? fieldNames(n.items) : [])];
}

const sectionOf = (topic: string) => doc.split(/\n(?=### )/).find((s) => s.startsWith(`### \`${topic}\``));

describe('docs/analytics.md', () => {
  it('is what `npm run docs:analytics` generates from the catalog', () => {
    expect(readFileSync(analyticsDocPath(), 'utf8')).toBe(doc);
  });

  it('has a business meaning for every topic of the catalog, and none for a topic that is gone', () => {
    expect(Object.keys(topicMeanings).sort()).toEqual(allTopics.map((t) => t.name).sort());
  });

  it('covers every topic: key, subject, retention, cleanup policy and every schema field', () => {
    for (const t of allTopics) {
      const section = sectionOf(t.name);
      expect(section, t.name).toBeDefined();
      expect(section).toContain(`**Key:** the ${t.key}`);
      expect(section).toContain(`subject \`${valueSubject(t.name)}\``);
      expect(section).toContain(
        t.compacted ? 'compacted (`cleanup.policy=compact`)' : `\`retention.ms=${retentionMsOf(t.kind)}\``,
      );
      for (const name of fieldNames(t.schema))
        expect(section, `${t.name}: ${name}`).toMatch(new RegExp(`\\| \`([\\w.\\[\\]]*\\.)?${name}\` \\|`));
    }
  });

  it('tells how to read a topic with kcat and with a Java Avro deserializer, and how namespaces change names', () => {
    expect(doc).toMatch(/kcat -C -b .* -t multicase\.product\.changed/);
    expect(doc).toContain('-s value=avro -r http://registry:8080/apis/ccompat/v7');
    expect(doc).toContain('KafkaAvroDeserializer');
    expect(doc).toContain('KAFKA_NAMESPACE');
    expect(doc).toContain('`staging.multicase.product.changed-value`');
  });
});
