/**
 * Ongoing's "reporting back" pattern, the way every Ongoing source reads: each line holds a
 * reported quantity; we ask for the records whose actual quantity differs from it, emit an event
 * with the cumulative quantities, and only once that event is in Kafka emit the command that sets
 * the reported quantities to exactly what we emitted (never "reported := actual", which would
 * swallow what happened in between). The Ongoing sink carries the command out. Until it has, the
 * record is read and emitted again, with the same event id, never lost.
 *
 * A record that cannot become an event is never acknowledged: it stays to report in Ongoing, and
 * flows once fixed. It is dead-lettered (as a record of what was seen) once per version; the
 * versions dead-lettered are kept in the source position so a restart does not repeat them.
 */
import type { TopicSpec } from '../../schemas/topic.js';
import type { PollResult, RejectedRow, SourceConnector, SourceEvent } from '../../runtime/source.js';

export interface ReportingPosition {
  /** When the last record was read, for `ops status`. */
  lastReadAt: number | null;
  /** Records that cannot become events, by Ongoing id: the version that was dead-lettered. */
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
  /** What the lines hold now; part of the event id, so the same state gives the same id. */
  versionOf(record: R): string;
  /** The event; throws ValidationError for a record it cannot read. */
  toEvent(record: R, capturedAt: number): SourceEvent;
  /** The command that acknowledges the event in Ongoing. */
  reportOf(event: SourceEvent): SourceEvent;
}

export function reportingBackSource<R>(spec: ReportingBack<R>): SourceConnector<ReportingPosition> {
  return {
    name: spec.name,
    initialPosition: { lastReadAt: null },
    intervalMs: spec.intervalMs,
    async poll(position): Promise<PollResult<ReportingPosition>> {
      const capturedAt = Date.now();
      const records = await spec.toReport();
      const events: SourceEvent[] = [];
      const rejected: RejectedRow[] = [];
      const followUps: SourceEvent[] = [];
      const deadLettered: Record<string, string> = {};
      for (const record of records) {
        try {
          const event = spec.toEvent(record, capturedAt);
          events.push(event);
          followUps.push(spec.reportOf(event));
        } catch (error) {
          const id = String(spec.idOf(record));
          const version = spec.versionOf(record);
          deadLettered[id] = version;
          if (position.deadLettered?.[id] !== version)
            rejected.push({ topic: spec.topic, key: spec.keyOf(record), row: record, error });
        }
      }
      const next: ReportingPosition = {
        lastReadAt: events.length > 0 ? capturedAt : position.lastReadAt,
        ...(Object.keys(deadLettered).length > 0 ? { deadLettered } : {}),
      };
      return { events, rejected, next, followUps };
    },
  };
}
