/**
 * Ongoing's times are read by one function (connectors/ongoing/api/times.ts): every Ongoing source
 * dates its events with it, so absent, null and malformed times behave the same everywhere.
 */
import { describe, expect, it } from 'vitest';
import { latestOngoingTime, parseOngoingTime } from '../connectors/ongoing/api/times.js';

describe("Ongoing's times", () => {
  it('reads UTC times with a fraction of any length, and dates', () => {
    expect(parseOngoingTime('2019-04-09T10:39:31.3Z')).toBe(Date.UTC(2019, 3, 9, 10, 39, 31, 300));
    expect(parseOngoingTime('2019-04-09T10:39:31.3456789Z')).toBe(Date.UTC(2019, 3, 9, 10, 39, 31, 345));
    expect(parseOngoingTime('2019-04-09T10:39Z')).toBe(Date.UTC(2019, 3, 9, 10, 39));
    expect(parseOngoingTime('2019-04-09')).toBe(Date.UTC(2019, 3, 9));
    expect(parseOngoingTime(' 2019-04-09T10:39:31Z ')).toBe(Date.UTC(2019, 3, 9, 10, 39, 31));
  });

  it('takes a time without an offset as UTC, and honours an explicit offset', () => {
    expect(parseOngoingTime('2019-04-09T10:39:31')).toBe(Date.UTC(2019, 3, 9, 10, 39, 31));
    expect(parseOngoingTime('2019-04-09T10:39:31+02:00')).toBe(Date.UTC(2019, 3, 9, 8, 39, 31));
    expect(parseOngoingTime('2019-03-01T01:00:00+02:00')).toBe(Date.UTC(2019, 1, 28, 23));
    expect(parseOngoingTime('2019-02-28T22:00:00-05:00')).toBe(Date.UTC(2019, 2, 1, 3));
  });

  it('gives null for an absent, null, empty, non-string or malformed time', () => {
    for (const value of [undefined, null, '', '   ', 0, 1554806371300, {}, 'soon', '2019', '09/04/2019'])
      expect(parseOngoingTime(value), JSON.stringify(value)).toBeNull();
    for (const value of ['2019-02-30', '2019-13-01', '2019-04-09T24:00:00Z', '2019-04-09T10:60Z', '2019-04-09Z'])
      expect(parseOngoingTime(value), value).toBeNull();
  });

  it('takes the latest of several times, leaving out what is not a time', () => {
    expect(latestOngoingTime(['2019-04-09T10:00:00Z', null, 'soon', '2019-04-09T12:00:00Z', undefined])).toBe(
      Date.UTC(2019, 3, 9, 12),
    );
    expect(latestOngoingTime([null, 'soon'])).toBeNull();
    expect(latestOngoingTime([])).toBeNull();
  });
});
