/** The pure decision behind the change-capture horizon watch: when to warn, how to describe the blocker, the setting. */
import { describe, expect, it } from 'vitest';
import type { HorizonBlocker, HorizonLag } from '../connectors/multicase/change-tracking.js';
import { describeBlocker, HORIZON_CLEAR, horizonSettings, stepHorizon } from '../connectors/multicase/horizon.js';
import { tableSourceSettings } from '../connectors/multicase/table-source.js';
import { loadConfig } from '../runtime/config.js';

const blocker = (over: Partial<HorizonBlocker> = {}): HorizonBlocker => ({
  pid: 4242,
  xid: '1000',
  applicationName: 'psql',
  user: 'erp_admin',
  database: 'multicase',
  state: 'idle in transaction',
  xactStart: new Date('2025-03-01T06:00:00Z'),
  query: 'UPDATE multicase.products SET description = $1 WHERE id = $2',
  preparedGid: null,
  detailsHidden: false,
  ...over,
});
const lagOf = (seconds: number | null, b: HorizonBlocker | null = blocker()): HorizonLag => ({ seconds, blocker: b });
const WARN_MS = 300_000;

describe('stepHorizon', () => {
  it('stays quiet and healthy at or below the threshold', () => {
    const clear = stepHorizon(HORIZON_CLEAR, lagOf(0, null), 0, WARN_MS);
    expect(clear).toMatchObject({ lagSeconds: 0, health: true, log: null, state: HORIZON_CLEAR });
    const below = stepHorizon(clear.state, lagOf(300), 1_000, WARN_MS);
    expect(below).toMatchObject({ lagSeconds: 300, health: true, log: null, estimated: false });
    expect(below.state.stalled).toBeNull();
  });

  it('warns once when the lag crosses the threshold, names the backend, repeats at most once a minute, and logs the recovery once', () => {
    const t0 = 1_000_000;
    const crossed = stepHorizon(HORIZON_CLEAR, lagOf(301), t0, WARN_MS);
    expect(crossed.health).toBe(
      'Multicase change capture held back for 301 s (more than 300 s) by pid 4242 (application "psql", user erp_admin, database multicase, ' +
        'idle in transaction since 2025-03-01T06:00:00.000Z); ' +
        'changes committed since it began are read only once it ends',
    );
    // Another session's SQL is for the log (and ops status), not for whoever reads /readyz.
    expect(crossed.health).not.toContain('UPDATE');
    expect(crossed.log?.fields.query).toBe('UPDATE multicase.products SET description = $1 WHERE id = $2');
    expect(crossed.log).toMatchObject({
      level: 'warn',
      fields: {
        lagSeconds: 301,
        thresholdSeconds: 300,
        pid: 4242,
        application: 'psql',
        user: 'erp_admin',
        database: 'multicase',
        state: 'idle in transaction',
        since: '2025-03-01T06:00:00.000Z',
        query: 'UPDATE multicase.products SET description = $1 WHERE id = $2',
      },
    });

    const stillHeld = stepHorizon(crossed.state, lagOf(330), t0 + 30_000, WARN_MS);
    expect(stillHeld.log).toBeNull();
    expect(stillHeld.health).toContain('held back for 330 s');
    const aMinuteLater = stepHorizon(stillHeld.state, lagOf(361), t0 + 60_000, WARN_MS);
    expect(aMinuteLater.log?.level).toBe('warn');
    const soonAfter = stepHorizon(aMinuteLater.state, lagOf(370), t0 + 70_000, WARN_MS);
    expect(soonAfter.log).toBeNull();

    const recovered = stepHorizon(soonAfter.state, lagOf(0, null), t0 + 90_000, WARN_MS);
    expect(recovered).toMatchObject({
      health: true,
      lagSeconds: 0,
      log: { level: 'info', fields: { stalledForSeconds: 90 } },
    });
    expect(recovered.state).toEqual(HORIZON_CLEAR);
    expect(stepHorizon(recovered.state, lagOf(0, null), t0 + 100_000, WARN_MS).log).toBeNull();

    // a new stall warns at once again
    expect(stepHorizon(recovered.state, lagOf(400), t0 + 110_000, WARN_MS).log?.level).toBe('warn');
  });

  it('bounds a hidden lag by how long it has seen the same transaction', () => {
    const hidden = blocker({ detailsHidden: true, state: null, xactStart: null, query: null });
    const first = stepHorizon(HORIZON_CLEAR, lagOf(null, hidden), 0, 1_000);
    expect(first).toMatchObject({ lagSeconds: 0, estimated: true, health: true });
    const later = stepHorizon(first.state, lagOf(null, hidden), 2_000, 1_000);
    expect(later).toMatchObject({
      lagSeconds: 2,
      estimated: true,
      log: { level: 'warn', fields: { lagIsLowerBound: true, pid: 4242, query: null, detailsHidden: true } },
    });
    expect(later.health).toContain('held back for at least 2 s');
    expect(later.health).toContain('grant pg_read_all_stats');
    // another transaction took its place: counting starts again
    const other = stepHorizon(later.state, lagOf(null, { ...hidden, xid: '1001' }), 3_000, 1_000);
    expect(other).toMatchObject({ lagSeconds: 0, health: true, log: { level: 'info' } });
  });

  it('describes a prepared transaction by its gid', () => {
    const prepared = blocker({
      pid: null,
      applicationName: null,
      state: 'prepared',
      query: null,
      preparedGid: 'batch-17',
    });
    expect(describeBlocker(prepared)).toBe(
      "prepared transaction 'batch-17' (user erp_admin, database multicase, prepared 2025-03-01T06:00:00.000Z; end it with COMMIT PREPARED or ROLLBACK PREPARED)",
    );
  });

  it('MULTICASE_HORIZON_LAG_WARN_MS defaults to five minutes, is validated, and is a table-source setting', () => {
    expect(loadConfig(horizonSettings, {}).horizonLagWarnMs).toBe(300_000);
    expect(loadConfig(horizonSettings, { MULTICASE_HORIZON_LAG_WARN_MS: '60000' }).horizonLagWarnMs).toBe(60_000);
    expect(() => loadConfig(horizonSettings, { MULTICASE_HORIZON_LAG_WARN_MS: 'soon' })).toThrow(
      /MULTICASE_HORIZON_LAG_WARN_MS="soon" is not an integer/,
    );
    expect(() => loadConfig(horizonSettings, { MULTICASE_HORIZON_LAG_WARN_MS: '10' })).toThrow(/out of range/);
    expect(tableSourceSettings.horizonLagWarnMs).toBe(horizonSettings.horizonLagWarnMs);
  });
});

// ---------------------------------------------------------------------------------------------
// On the real server
