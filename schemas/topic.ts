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

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a topic holds, for its retention: a catalog kind, or the dead letters of a change or command topic. */
export type RetentionKind = TopicKind | 'dead-letter';

/**
 * How long the broker keeps a topic's records (`retention.ms`), by what the topic holds. Topic
 * creation sets it, and `ops setup` (and every process start unless PIPELINE_SETUP=false) brings
 * existing topics back in line (runtime/topology.ts, runtime/kafka/admin.ts).
 *
 * - change and command topics: 30 days. After an outage (of Ongoing, Multicase or the pipeline)
 *   the way to resync is to replay a consumer group to a time before it (`ops replay --to-time`),
 *   which only works while the records are still there; the broker's default of 7 days is too
 *   short for an outage noticed late or a fix that takes a while.
 * - dead-letter topics: 90 days. They are the record of what failed and why, and the input of a
 *   re-drive; they must outlive the investigation, and they are small.
 * - state topics: -1, no time limit. They are compacted: the latest record of each key is the state
 *   itself (id map, shipping-method map, source offsets), and deleting it by age would lose it.
 */
export const retentionMsByKind: Readonly<Record<RetentionKind, number>> = {
  change: 30 * DAY_MS,
  command: 30 * DAY_MS,
  'dead-letter': 90 * DAY_MS,
  state: -1,
};

/** `retention.ms` of a topic of this kind; -1 means no time limit (compacted state topics). */
export function retentionMsOf(kind: RetentionKind): number {
  return retentionMsByKind[kind];
}

/** Dead letters of a topic: the original key, value bytes and headers, plus error headers. */
export const dlqTopicName = (topic: string): string => `dlq.${topic}`;

/** Topic-name strategy, as the registry and every standard Avro reader expect. */
export const valueSubject = (topic: string): string => `${topic}-value`;
