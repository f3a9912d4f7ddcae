/**
 * What a topic is, independent of which topics exist: the runtime works on `TopicSpec`s it is
 * handed and names derived topics (dead letters, registry subjects) by the rules below. The
 * business catalog of topics is `catalog.ts`.
 */
import type { AvroSchema } from './avro.js';

export type TopicKind = 'change' | 'command' | 'state';

export interface TopicSpec<V> {
  readonly name: string;
  readonly kind: TopicKind;
  readonly partitions: number;
  readonly compacted: boolean;
  readonly key: string;
  readonly schema: AvroSchema;
  /** Phantom: the TypeScript type of a decoded value (generated from `schema`). */
  readonly _value?: V;
}

export type ValueOf<S> = S extends TopicSpec<infer V> ? V : never;

/** Dead letters of a topic: the original key, value bytes and headers, plus error headers. */
export const dlqTopicName = (topic: string): string => `dlq.${topic}`;

/** Topic-name strategy, as the registry and every standard Avro reader expect. */
export const valueSubject = (topic: string): string => `${topic}-value`;
