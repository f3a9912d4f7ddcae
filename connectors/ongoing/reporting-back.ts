/**
 * Ongoing's "reporting back" pattern, the way every Ongoing source reads: each line holds a
 * reported quantity; we ask for the records whose actual quantity differs from it, emit an event
 * with the cumulative quantities, and only once that event is in Kafka emit the command that sets
 * the reported quantities to exactly what we emitted (never "reported := actual", which would
 * swallow what happened in between). The Ongoing sink carries the command out. Until it has, the
 * record is read and emitted again, with the same event id, never lost.
 *
 * A record that cannot become an event, or whose event could not be put into Kafka (it cannot be
 * encoded, or the brokers refused it for good), is never acknowledged: it stays to report in
 * Ongoing, and flows once fixed. It is dead-lettered (as a record of what was seen) once; what was
 * read then is remembered in the source position by a fingerprint, so that neither the next poll
 * nor a restart dead-letters it again while it reads the same, and any change in Ongoing (the fix)
 * makes it try again.
 */
import { createHash } from 'node:crypto';
import type { TopicSpec } from '../../schemas/topic.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';

export interface ReportingPosition {
  /** When the last record was read, for `ops status`. */
  lastReadAt: number | null;
  /** Records that were dead-lettered, by Ongoing id: the fingerprint of what was read then. */
  deadLettered?: Record<string, string>;
}

export interface ReportingBack<R> {
  /** The source's name, also the key of its position. */
  name: string;
  intervalMs: number;
  /** The event topic, where unreadable records are dead-lettered. */
  topic: TopicSpec<unknown>;
  /** The records with lines still to report. */
  toReport(): Promise<R[]>;
  idOf(record: R): number | string;
  keyOf(record: R): string | null;
  /** The event; throws ValidationError for a record it cannot read. */
  toEvent(record: R, capturedAt: number): SourceEvent;
  /** The command that acknowledges the event in Ongoing. */
  reportOf(event: SourceEvent): SourceEvent;
}

/** What was read of a record, as a short hash: any change in Ongoing changes it. */
export const fingerprintOf = (record: unknown): string =>
  createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 16);

export function reportingBackSource<R>(spec: ReportingBack<R>): SourceConnector<ReportingPosition> {
  // Which record each event of the last poll came from, for undelivered().
  const origins = new WeakMap<SourceEvent, { id: string; fingerprint: string }>();
  return {
    name: spec.name,
    initialPosition: { lastReadAt: null },
    intervalMs: spec.intervalMs,
    async poll(position): Promise<PollResult<ReportingPosition>> {
      const capturedAt = Date.now();
      const records = await spec.toReport();
      const events: SourceEvent[] = [];
      const rejected: RejectedRow[] = [];
      const deadLettered: Record<string, string> = {};
      for (const record of records) {
        const id = String(spec.idOf(record));
        const fingerprint = fingerprintOf(record);
        // Dead-lettered before and unchanged since: it would fail the same way.
        if (position.deadLettered?.[id] === fingerprint) {
          deadLettered[id] = fingerprint;
          continue;
        }
        try {
          const event = spec.toEvent(record, capturedAt);
          events.push({ ...event, acknowledgement: spec.reportOf(event) });
          origins.set(events.at(-1)!, { id, fingerprint });
        } catch (error) {
          deadLettered[id] = fingerprint;
          rejected.push({ topic: spec.topic, key: spec.keyOf(record), row: record, error });
        }
      }
      const next: ReportingPosition = {
        lastReadAt: events.length > 0 ? capturedAt : position.lastReadAt,
        ...(Object.keys(deadLettered).length > 0 ? { deadLettered } : {}),
      };
      return { events, rejected, next };
    },
    undelivered(next, events) {
      const deadLettered = { ...next.deadLettered };
      for (const event of events) {
        const origin = origins.get(event);
        if (origin) deadLettered[origin.id] = origin.fingerprint;
      }
      return { ...next, deadLettered };
    },
  };
}
