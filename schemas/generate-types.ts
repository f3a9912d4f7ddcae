/**
 * Generates TypeScript types from the Avro schemas of the topic catalog, so the two cannot drift:
 * `npm run schemas:types` rewrites types.generated.ts, and a test fails when the file on disk
 * differs from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AvroSchema } from './avro.js';
import { allTopics } from './catalog.js';

interface Named {
  name: string;
  namespace?: string;
}

const PRIMITIVE: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

export function generateTypes(schemas: AvroSchema[]): string {
  const declared = new Map<string, { ts: string; source: string }>();

  function typeOf(s: AvroSchema, ns: string | undefined): string {
    if (typeof s === 'string') {
      if (s in PRIMITIVE) return PRIMITIVE[s]!;
      return s.split('.').pop()!; // a reference to a named type declared earlier
    }
    if (Array.isArray(s)) return s.map((m) => typeOf(m, ns)).join(' | ');
    const o = s as Record<string, unknown>;
    const t = o.type as string | AvroSchema;
    if (typeof t !== 'string') return typeOf(t, ns);
    if (t === 'record') return declareRecord(o, ns);
    if (t === 'enum') return declareEnum(o, ns);
    if (t === 'array') return `Array<${typeOf(o.items as AvroSchema, ns)}>`;
    if (t === 'map') return `Record<string, ${typeOf(o.values as AvroSchema, ns)}>`;
    if (t in PRIMITIVE) return PRIMITIVE[t]!;
    throw new Error(`unsupported Avro type ${JSON.stringify(t)}`);
  }

  function remember(named: Named, ts: string, source: unknown): string {
    const key = named.name;
    const prior = declared.get(key);
    const src = JSON.stringify(source);
    if (prior && prior.source !== src) throw new Error(`two different Avro types are named ${key}; rename one`);
    if (!prior) declared.set(key, { ts, source: src });
    return key;
  }

  function declareRecord(o: Record<string, unknown>, parentNs: string | undefined): string {
    const ns = (o.namespace as string | undefined) ?? parentNs;
    const fields = (o.fields as Array<{ name: string; type: AvroSchema; doc?: string }>).map((f) => {
      const doc = f.doc ? `  /** ${f.doc} */\n` : '';
      return `${doc}  ${f.name}: ${typeOf(f.type, ns)};`;
    });
    const doc = o.doc ? `/** ${o.doc as string} */\n` : '';
    return remember(o as unknown as Named, `${doc}export interface ${o.name as string} {\n${fields.join('\n')}\n}`, o);
  }

  function declareEnum(o: Record<string, unknown>, _ns: string | undefined): string {
    const symbols = (o.symbols as string[]).map((x) => `'${x}'`).join(' | ');
    return remember(o as unknown as Named, `export type ${o.name as string} = ${symbols};`, o);
  }

  for (const s of schemas) typeOf(s, undefined);
  const body = [...declared.values()].map((d) => d.ts).join('\n\n');
  return `// Generated from the Avro schemas in schemas/catalog.ts by schemas/generate-types.ts. Do not edit;\n// run \`npm run schemas:types\` after changing a schema.\n/* eslint-disable */\n\n${body}\n`;
}

// Runs from schemas/ (vitest) or dist/schemas/ (compiled); the generated file lives in schemas/.
const here = dirname(fileURLToPath(import.meta.url));
export const generatedTypesPath = join(
  here.endsWith(join('dist', 'schemas')) ? join(here, '..', '..', 'schemas') : here,
  'types.generated.ts',
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(generatedTypesPath, generateTypes(allTopics.map((t) => t.schema)));
  console.log(`wrote ${generatedTypesPath}`);
}
