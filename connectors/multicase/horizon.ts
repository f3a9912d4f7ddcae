/**
 * Making a change-capture stall visible.
 *
 * The Multicase sources read only changes below the horizon: the oldest transaction still open
 * anywhere on the PostgreSQL server (change-tracking.ts). A session left 'idle in transaction'
 * after a write, in any database of the server, therefore freezes every Multicase source without
 * an error: polls succeed, they just return nothing. So each table source measures the horizon
 * (`horizonLag`) from its poll, at most every few seconds, and
 *
 * - exports it as `pipeline_cdc_horizon_lag_seconds{source}`,
 * - once the lag passes MULTICASE_HORIZON_LAG_WARN_MS, registers the health check
 *   `horizon:<source>`, which fails (/healthz 503) naming the blocking backend while the lag stays
 *   above the threshold, and passes again once it falls back below,
 * - logs a warning naming the blocking backend when the lag first crosses the threshold, again at
 *   most once a minute while it stays above, and once at info when it recovers.
 *
 * What to do about it: end the named transaction (commit or roll back in its application, or
 * `SELECT pg_terminate_backend(pid)`); nothing is lost, the sources catch up on their next poll.
 * `npm run ops -- status` shows the same measurement.
 */
import type { Knex } from 'knex';
import { Gauge } from 'prom-client';
import { setting } from '../../runtime/config.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import { registerHealthCheck, registry } from '../../runtime/metrics.js';
import { horizonLag, type HorizonBlocker, type HorizonLag } from './change-tracking.js';

export const horizonSettings = {
  horizonLagWarnMs: setting.int('MULTICASE_HORIZON_LAG_WARN_MS', {
    default: 300_000,
    min: 1_000,
    description:
      'how long the oldest open transaction on the Multicase database server may hold back change capture (every Multicase source waits for it) before the sources report unhealthy and a warning names it',
  }),
};

export const horizonLagGauge = new Gauge({
  name: 'pipeline_cdc_horizon_lag_seconds',
  help: 'age of the oldest open transaction holding back Multicase change capture (0: none); changes committed after it started are not read until it ends',
  labelNames: ['source'],
  registers: [registry],
});

/** How often a source measures the horizon at most (one cheap pg_stat_activity query). */
export const HORIZON_CHECK_EVERY_MS = 5_000;
/** How often the warning repeats while the lag stays above the threshold. */
export const HORIZON_WARN_REPEAT_MS = 60_000;

/**
 * One line naming the blocking transaction, for health reasons, logs and `ops status`. Its SQL text
 * (another session's, possibly with customer data in it) only with `statement`: /readyz, which
 * anyone who reaches the metrics port may read, names the backend without it.
 */
export function describeBlocker(b: HorizonBlocker, { statement = true }: { statement?: boolean } = {}): string {
  const who = [
    b.applicationName ? `application "${b.applicationName}"` : null,
    b.user ? `user ${b.user}` : null,
    b.database ? `database ${b.database}` : null,
  ].filter(Boolean);
  if (b.preparedGid !== null) {
    return `prepared transaction '${b.preparedGid}' (${[...who, b.xactStart ? `prepared ${b.xactStart.toISOString()}` : null].filter(Boolean).join(', ')}; end it with COMMIT PREPARED or ROLLBACK PREPARED)`;
  }
  const pid = `pid ${b.pid ?? '?'}`;
  if (b.detailsHidden)
    return `${pid} (${[...who, 'its state, start and statement are hidden: grant pg_read_all_stats to see them'].join(', ')})`;
  const details = [
    ...who,
    b.state
      ? `${b.state}${b.xactStart ? ` since ${b.xactStart.toISOString()}` : ''}`
      : b.xactStart
        ? `since ${b.xactStart.toISOString()}`
        : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `${pid} (${details})${statement && b.query ? `: ${b.query.replace(/\s+/g, ' ').trim()}` : ''}`;
}

/** The blocking transaction as structured log fields. */
export function blockerFields(b: HorizonBlocker): Record<string, unknown> {
  return {
    pid: b.pid,
    xid: b.xid,
    application: b.applicationName,
    user: b.user,
    database: b.database,
    state: b.state,
    since: b.xactStart?.toISOString() ?? null,
    query: b.query,
    ...(b.preparedGid !== null ? { preparedGid: b.preparedGid } : {}),
    ...(b.detailsHidden ? { detailsHidden: true } : {}),
  };
}

/** What one source remembers between measurements. */
export interface HorizonState {
  /** The transaction last seen holding the horizon, and since when (bounds a lag we cannot read). */
  readonly seen: { readonly xid: string; readonly since: number } | null;
  /** Set while the lag is above the threshold: since when, and when the last warning went out. */
  readonly stalled: { readonly since: number; readonly warnedAt: number } | null;
}

export const HORIZON_CLEAR: HorizonState = { seen: null, stalled: null };

export interface HorizonStep {
  readonly state: HorizonState;
  /** The lag to report, in seconds. */
  readonly lagSeconds: number;
  /** The blocker's start is hidden from us: `lagSeconds` is how long we have seen it, a lower bound. */
  readonly estimated: boolean;
  /** What the health check answers: true, or why the source is unhealthy. */
  readonly health: true | string;
  /** What to log now, if anything. */
  readonly log: {
    readonly level: 'warn' | 'info';
    readonly msg: string;
    readonly fields: Record<string, unknown>;
  } | null;
}

/**
 * The decision after one measurement, a pure function of the previous state: the lag to report,
 * the health verdict and whether to log. Above the threshold means strictly more than `warnMs`.
 */
export function stepHorizon(
  prev: HorizonState,
  lag: HorizonLag,
  nowMs: number,
  warnMs: number,
  repeatMs = HORIZON_WARN_REPEAT_MS,
): HorizonStep {
  const b = lag.blocker;
  const seen = b ? (prev.seen?.xid === b.xid ? prev.seen : { xid: b.xid, since: nowMs }) : null;
  const estimated = b !== null && lag.seconds === null;
  const lagSeconds = lag.seconds ?? (seen ? (nowMs - seen.since) / 1000 : 0);
  const thresholdSeconds = warnMs / 1000;

  if (b === null || lagSeconds * 1000 <= warnMs) {
    const log = prev.stalled
      ? {
          level: 'info' as const,
          msg: 'Multicase change capture no longer held back by an open transaction',
          fields: { lagSeconds, thresholdSeconds, stalledForSeconds: (nowMs - prev.stalled.since) / 1000 },
        }
      : null;
    return { state: { seen, stalled: null }, lagSeconds, estimated, health: true, log };
  }

  const warn = prev.stalled === null || nowMs - prev.stalled.warnedAt >= repeatMs;
  const stalled = {
    since: prev.stalled?.since ?? nowMs,
    warnedAt: warn || prev.stalled === null ? nowMs : prev.stalled.warnedAt,
  };
  const health =
    `Multicase change capture held back for ${estimated ? 'at least ' : ''}${Math.round(lagSeconds)} s (more than ${thresholdSeconds} s) by ${describeBlocker(b, { statement: false })}; ` +
    'changes committed since it began are read only once it ends';
  const log = warn
    ? {
        level: 'warn' as const,
        msg: 'Multicase change capture held back by an open transaction; end it (commit, roll back or pg_terminate_backend) and the sources catch up',
        fields: { lagSeconds, ...(estimated ? { lagIsLowerBound: true } : {}), thresholdSeconds, ...blockerFields(b) },
      }
    : null;
  return { state: { seen, stalled }, lagSeconds, estimated, health, log };
}

export interface HorizonWatch {
  /** Measures the horizon unless it was measured less than `everyMs` ago; never throws. */
  measure(): Promise<void>;
}

/** The gauge, health check and log lines of one source, fed by `measure()` calls from its poll. */
export function watchHorizon(
  db: Knex,
  opts: { source: string; log: Logger; warnMs: number; everyMs?: number; now?: () => number },
): HorizonWatch {
  const everyMs = opts.everyMs ?? HORIZON_CHECK_EVERY_MS;
  const now = opts.now ?? Date.now;
  let state = HORIZON_CLEAR;
  let health: true | string = true;
  let registered = false;
  let lastAt = -Infinity;
  let failing = false;
  return {
    async measure() {
      const startedAt = now();
      if (startedAt - lastAt < everyMs) return;
      lastAt = startedAt;
      let lag: HorizonLag;
      try {
        lag = await horizonLag(db);
      } catch (err) {
        if (!failing)
          opts.log.warn('could not measure the Multicase change-capture horizon', { error: errorMessage(err) });
        failing = true;
        return;
      }
      failing = false;
      const step = stepHorizon(state, lag, now(), opts.warnMs);
      state = step.state;
      health = step.health;
      horizonLagGauge.set({ source: opts.source }, step.lagSeconds);
      if (step.log) opts.log[step.log.level](step.log.msg, step.log.fields);
      // Registered at the first stall, like a pause: a process that never stalled lists no such check.
      if (health !== true && !registered) {
        registered = true;
        registerHealthCheck(`horizon:${opts.source}`, (): true | string => health);
      }
    },
  };
}
