/**
 * The two envelopes every topic value uses (Debezium-style): one for change events, one for
 * commands. An analytics reader learns them once and can read any topic.
 */
import { type AvroSchema, field, nullable, optional, record, timestampMillis } from './avro.js';
import type { Operation, SourcePosition } from './types.generated.js';

const NS = 'pipeline.envelope';

/** A change event: what changed in a source system, with the entity's new state. */
export function changeEventSchema(name: string, namespace: string, entity: AvroSchema) {
  return record(name, namespace, 'A change event (shared envelope; `after` holds the entity state).', [
    field('eventId', 'string', 'deterministic: system:entity:key:version, the same on every replay'),
    field('entityKey', 'string', 'the business key; also the Kafka record key'),
    field('operation', {
      type: 'enum',
      name: 'Operation',
      namespace: NS,
      symbols: ['SNAPSHOT', 'CREATE', 'UPDATE', 'DELETE'],
    }),
    field(
      'source',
      record('SourcePosition', NS, 'Where in the source system the change was read.', [
        field('system', 'string', 'multicase | ongoing'),
        field('entity', 'string'),
        field('position', 'string', 'connector-specific position, e.g. a change sequence'),
      ]),
    ),
    field('occurredAt', timestampMillis, 'when the change happened in the source, as far as it tells'),
    field('capturedAt', timestampMillis, 'when the source connector read it'),
    field(
      'after',
      nullable(entity),
      'the entity state after the change; null only when it is gone for good (a soft delete or cancellation keeps its state, with operation DELETE)',
    ),
  ]);
}

/** A command: what a sink must apply to a target system, derived from one change event. */
export function commandSchema(name: string, namespace: string, payload: AvroSchema) {
  return record(name, namespace, 'A command (shared envelope; `payload` holds what to apply).', [
    field('commandId', 'string', 'deterministic: derived from the causing event id, the same on every replay'),
    field('causationId', 'string', 'eventId of the change event this command was derived from'),
    field('entityKey', 'string', 'the business key; also the Kafka record key'),
    field('issuedAt', timestampMillis),
    optional('traceOrigin', timestampMillis, 'capturedAt of the originating change, for end-to-end latency'),
    field('payload', payload),
  ]);
}

/**
 * The TypeScript shape of every change event (the generated `ProductChanged`, `GoodsReceiptReceived`,
 * … are instances; the catalog refuses a topic whose generated type does not fit).
 */
export interface ChangeEvent<E> {
  eventId: string;
  entityKey: string;
  operation: Operation;
  source: SourcePosition;
  occurredAt: number;
  capturedAt: number;
  after: E | null;
}

/** The TypeScript shape of every command (the generated `…Command` types are instances). */
export interface Command<P> {
  commandId: string;
  causationId: string;
  entityKey: string;
  issuedAt: number;
  traceOrigin: number | null;
  payload: P;
}

/** A command derived from a change event; its id comes from the event's, so a replay yields the same id. */
export function commandFrom<P>(
  event: Pick<ChangeEvent<unknown>, 'eventId' | 'entityKey' | 'capturedAt'>,
  topic: { readonly name: string },
  payload: P,
  key: string = event.entityKey,
): Command<P> {
  return {
    commandId: `${event.eventId}>${topic.name}`,
    causationId: event.eventId,
    entityKey: key,
    issuedAt: Date.now(),
    traceOrigin: event.capturedAt,
    payload,
  };
}

/**
 * A resnapshot (`ops resnapshot`) sends an entity's current state again on purpose, e.g. into a
 * restored Ongoing. Its events carry the row version's id plus this mark and the signal, so the
 * commands derived from them (whose ids and causation ids come from the event's) can be told apart
 * by their id, the one structured field every envelope has: a sink writes them even when it wrote
 * the same payload before.
 */
const RESNAPSHOT_MARK = '#resnapshot:';

export const resnapshotEventId = (eventId: string, signalId: string): string =>
  `${eventId}${RESNAPSHOT_MARK}${signalId}`;

/** True for a command (or event id) that a resnapshot caused. */
export const isResnapshot = (idOrCommand: string | Pick<Command<unknown>, 'causationId'>): boolean =>
  (typeof idOrCommand === 'string' ? idOrCommand : idOrCommand.causationId).includes(RESNAPSHOT_MARK);
