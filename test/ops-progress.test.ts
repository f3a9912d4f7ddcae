/** The progress of long ops commands: rate, time left and the line, as pure functions; replay's count. */
import { describe, expect, it } from 'vitest';
import {
  etaMs,
  formatDuration,
  formatRate,
  progressBar,
  progressReporter,
  progressText,
  ratePerSecond,
} from '../pipeline/ops/progress.js';
import { replayedSoFar } from '../pipeline/ops/replay.js';

describe('progress arithmetic', () => {
  it('rate is items per second over the elapsed time', () => {
    expect(ratePerSecond(500, 2_000)).toBe(250);
    expect(ratePerSecond(10, 0)).toBe(0);
  });

  it('time left follows the rate so far, and is unknown without a total or before anything is done', () => {
    expect(etaMs(250, 1_000, 5_000)).toBe(15_000);
    expect(etaMs(1_000, 1_000, 5_000)).toBe(0);
    expect(etaMs(1_200, 1_000, 5_000)).toBe(0);
    expect(etaMs(0, 1_000, 5_000)).toBeNull();
    expect(etaMs(10, undefined, 5_000)).toBeNull();
  });

  it('formats rates and durations for people', () => {
    expect([formatRate(0.25), formatRate(12.4), formatRate(1_530), formatRate(25_000)]).toEqual([
      '0.3/s',
      '12/s',
      '1.5k/s',
      '25k/s',
    ]);
    expect([formatDuration(400), formatDuration(45_000), formatDuration(185_000), formatDuration(7_380_000)]).toEqual([
      '0s',
      '45s',
      '3m 05s',
      '2h 03m',
    ]);
  });

  it('draws a bar and one line with done/total, percent, rate and time left', () => {
    expect(progressBar(1, 4, 8)).toBe('[##------]');
    expect(progressText('replay g', 250, 1_000, 5_000)).toBe('replay g 250/1000 (25%) 50/s, 15s left');
    expect(progressText('replay g', 1_000, 1_000, 5_000)).toBe('replay g 1000/1000 (100%) 200/s, done in 5s');
    expect(progressText('replay g', 500, 1_000, 5_000, { bar: 4 })).toBe(
      'replay g [##--] 500/1000 (50%) 100/s, 5s left',
    );
    expect(progressText('reconcile', 300, undefined, 2_000)).toBe('reconcile 300 done, 150/s, 2s so far');
  });

  it('prints plain lines at most every interval off a terminal, and a last one at the end', () => {
    let t = 0;
    const lines: string[] = [];
    const p = progressReporter('dlq retry', { write: (l) => lines.push(l), tty: false, everyMs: 5_000, now: () => t });
    t = 1_000;
    p.update(100, 1_000);
    t = 2_000;
    p.update(200, 1_000);
    t = 7_000;
    p.update(700, 1_000);
    t = 10_000;
    p.update(1_000, 1_000);
    p.finish();
    expect(lines).toEqual([
      'dlq retry 100/1000 (10%) 100/s, 9s left\n',
      'dlq retry 700/1000 (70%) 100/s, 3s left\n',
      'dlq retry 1000/1000 (100%) 100/s, done in 10s\n',
    ]);
  });

  it('redraws one line on a terminal', () => {
    const lines: string[] = [];
    const p = progressReporter('x', { write: (l) => lines.push(l), tty: true, everyMs: 0, now: () => 1_000 });
    p.update(1, 2);
    p.finish('ok');
    expect(lines[0]).toMatch(/^\r\x1b\[2Kx \[#+-+\] 1\/2 \(50%\)/);
    expect(lines[1]!.endsWith(' ok\n')).toBe(true);
  });
});

describe('replay progress', () => {
  it('counts what the group has read again between where the replay put it and the end offsets then', () => {
    const target = [
      { partition: 0, from: 10n, to: 110n },
      { partition: 1, from: 0n, to: 50n },
    ];
    expect(replayedSoFar(target, new Map([[0, 60n]]))).toBe(50);
    expect(
      replayedSoFar(
        target,
        new Map([
          [0, 200n],
          [1, 50n],
        ]),
      ),
    ).toBe(150);
    expect(
      replayedSoFar(
        target,
        new Map([
          [0, -1n],
          [1, 5n],
        ]),
      ),
    ).toBe(5);
  });
});
