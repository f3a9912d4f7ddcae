/** Small builders for Avro schemas written as TypeScript objects (plain JSON once serialized). */

export type AvroSchema = string | AvroSchema[] | { readonly [k: string]: unknown };

export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
}

export const nullable = (type: AvroSchema): AvroSchema[] => ['null', type as AvroSchema];
export const timestampMillis = { type: 'long', logicalType: 'timestamp-millis' } as const;
/** Optional field: a union with null, defaulting to null, so that adding one stays BACKWARD compatible. */
export const optional = (name: string, type: AvroSchema, doc?: string): AvroField => ({
  name,
  type: nullable(type),
  default: null,
  ...(doc ? { doc } : {}),
});
export const field = (name: string, type: AvroSchema, doc?: string): AvroField => ({
  name,
  type,
  ...(doc ? { doc } : {}),
});
export const record = (name: string, namespace: string, doc: string, fields: AvroField[]) => ({
  type: 'record',
  name,
  namespace,
  doc,
  fields,
});
export const arrayOf = (items: AvroSchema) => ({ type: 'array', items });
