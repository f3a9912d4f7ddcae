import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { allTopics, topics } from '../schemas/catalog.js';
import { generatedTypesPath, generateTypes } from '../schemas/generate-types.js';

describe('schemas', () => {
  it('the TypeScript types are exactly what the Avro schemas generate (run npm run schemas:types)', () => {
    const onDisk = readFileSync(generatedTypesPath, 'utf8');
    expect(onDisk).toBe(generateTypes(allTopics.map((t) => t.schema)));
  });

  it('every schema is valid Avro, and topic names are unique', () => {
    for (const t of allTopics) expect(() => avro.Type.forSchema(t.schema as avro.Schema)).not.toThrow();
    expect(new Set(allTopics.map((t) => t.name)).size).toBe(allTopics.length);
  });

  it('state topics are compacted, the others are not', () => {
    expect(
      allTopics
        .filter((t) => t.compacted)
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      [
        topics.idMap.name,
        topics.shippingMethodMap.name,
        topics.sourceOffsets.name,
        topics.sourceSignals.name,
        topics.heldRecords.name,
      ].sort(),
    );
  });
});
