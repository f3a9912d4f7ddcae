/**
 * Ongoing's times, read one way everywhere. Ongoing answers in UTC with `Z` and a fraction of any
 * length (`2019-04-09T10:39:31.3Z`); some fields are dates only (`inDate`).
 *
 * What is not such a time gives null, whether the field is absent, null, empty, not a string, or
 * malformed (`"soon"`, `"2024-02-30"`): the times the sources read (received, shipped, counted)
 * only date an event, which then falls back to when it was read; none of them decides what is
 * booked, so an odd one must not stop the record. A time without an offset is taken as UTC, the
 * zone Ongoing answers in, not as the local time of whatever machine runs the pipeline.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Milliseconds since the epoch, or null for an absent, empty or malformed time. */
export function parseOngoingTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const m = ISO.exec(text);
  if (!m) return null;
  const [, year, month, day, hour, minute = '00', second = '00', zone] = m;
  // Date.parse rolls 30 February over into March and reads a time without offset as local time.
  if (Number(hour ?? 0) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const ms = Date.parse(zone || hour === undefined ? text : `${text}Z`);
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + (zone ? offsetMs(zone) : 0));
  const sameDay =
    d.getUTCFullYear() === Number(year) && d.getUTCMonth() + 1 === Number(month) && d.getUTCDate() === Number(day);
  return sameDay ? ms : null;
}

/** `+02:00` → 2 h, `-05:00` → −5 h: a time's calendar date is checked where it was written. */
function offsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const [hours, minutes] = zone.slice(1).split(':').map(Number);
  return (zone.startsWith('-') ? -1 : 1) * ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
}

/** The latest of several Ongoing times, or null when none is a time. */
export function latestOngoingTime(values: Iterable<unknown>): number | null {
  let latest: number | null = null;
  for (const v of values) {
    const t = parseOngoingTime(v);
    if (t !== null && (latest === null || t > latest)) latest = t;
  }
  return latest;
}
