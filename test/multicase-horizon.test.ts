/**
 * The change-capture horizon: a transaction left open anywhere on the server holds every later
 * change back (changedSince), and horizonLag / the table source's watch make that visible: the
 * blocking backend by pid, a growing age, the gauge, a failing health check and a warning.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedSince,
  horizonLag,
  type ChangeCursor,
  type HorizonLag,
} from '../connectors/multicase/change-tracking.js';
import { horizonLagGauge, watchHorizon } from '../connectors/multicase/horizon.js';
import { productReader } from '../connectors/multicase/products.js';
import { tableSource } from '../connectors/multicase/table-source.js';
import { createProduct } from '../infra/local/multicase-db/actions.js';
import { connectMulticase, migrateLatest } from '../infra/local/multicase-db/db.js';
import { seedDemoData } from '../infra/local/multicase-db/seed.js';
import { createLogger } from '../runtime/logger.js';
import { health } from '../runtime/metrics.js';
import { collectHorizon, formatHorizon } from '../pipeline/ops/status.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The decision (pure)

let db: TempDatabase;
let knex: Knex;
const open: pg.Client[] = [];

beforeAll(async () => {
  db = await createTempDatabase('mcdb_horizon');
  knex = connectMulticase(db.url, { poolMax: 6 });
  await migrateLatest(knex);
  await seedDemoData(knex);
});

afterAll(async () => {
  for (const c of open) await c.end().catch(() => undefined);
  await knex?.destroy();
  await db?.drop();
});

interface Blocker {
  pid: number;
  /** The 64-bit id pg_current_xact_id() returned. */
  xid8: bigint;
  end(): Promise<void>;
}

/** A transaction on its own connection that took a transaction id and is left idle in transaction. */
async function openBlocker(): Promise<Blocker> {
  const client = new pg.Client({ connectionString: db.url, application_name: 'horizon-test-blocker' });
  open.push(client);
  await client.connect();
  const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
  await client.query('BEGIN');
  const xid8 = BigInt((await client.query('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid);
  return {
    pid,
    xid8,
    async end() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/**
 * horizonLag until it names `pid`, or 10 s pass. The horizon is server-wide: a transaction of
 * another test file (or another database) opened earlier may be the oldest for a moment.
 */
async function lagNaming(
  pid: number,
  measure: () => Promise<HorizonLag> = () => horizonLag(knex),
): Promise<HorizonLag> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lag = await measure();
    if (lag.blocker?.pid === pid || Date.now() > deadline) return lag;
    await sleep(50);
  }
}

const xid32 = (xid8: bigint) => String(xid8 & 0xffff_ffffn);

describe('horizonLag', () => {
  it('names the backend whose open transaction holds the horizon back, with a growing age', async () => {
    const b = await openBlocker();
    try {
      const first = await lagNaming(b.pid);
      expect(first.blocker).toMatchObject({
        pid: b.pid,
        xid: xid32(b.xid8),
        applicationName: 'horizon-test-blocker',
        user: 'postgres',
        database: db.name,
        state: 'idle in transaction',
        query: 'SELECT pg_current_xact_id()::text AS xid',
        preparedGid: null,
        detailsHidden: false,
      });
      expect(first.blocker?.xactStart).toBeInstanceOf(Date);
      expect(first.seconds).toBeGreaterThanOrEqual(0);
      await sleep(300);
      const second = await lagNaming(b.pid);
      expect(second.blocker?.pid).toBe(b.pid);
      expect(second.seconds!).toBeGreaterThanOrEqual(first.seconds! + 0.25);
    } finally {
      await b.end();
    }
  });

  it('leaves out the backend asking, even when it holds the oldest transaction itself', async () => {
    await knex.transaction(async (trx) => {
      await trx.raw('SELECT pg_current_xact_id()');
      const own = Number((await trx.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      const lag = await horizonLag(trx);
      expect(lag.blocker?.pid).not.toBe(own);
    });
  });

  it('works without privileges on other roles: names the backend, its details and age hidden', async () => {
    const b = await openBlocker();
    try {
      // pg_signal_backend: a role that is neither the blocker's nor a member of pg_read_all_stats
      const asOther = () =>
        knex.transaction(async (trx) => {
          await trx.raw('SET LOCAL ROLE pg_signal_backend');
          return horizonLag(trx);
        });
      const lag = await lagNaming(b.pid, asOther);
      expect(lag.seconds).toBeNull();
      expect(lag.blocker).toMatchObject({
        pid: b.pid,
        xid: xid32(b.xid8),
        applicationName: 'horizon-test-blocker',
        user: 'postgres',
        database: db.name,
        state: null,
        xactStart: null,
        query: null,
        detailsHidden: true,
      });
    } finally {
      await b.end();
    }
  });
});

type ProductRow = { product_number: string };

async function drain(cursor: ChangeCursor | null): Promise<{ rows: ProductRow[]; cursor: ChangeCursor | null }> {
  const rows: ProductRow[] = [];
  for (;;) {
    const batch = await changedSince<ProductRow>(knex, 'products', cursor, 100);
    rows.push(...batch.rows);
    cursor = batch.cursor;
    if (batch.rows.length < 100) return { rows, cursor };
  }
}

describe('the stall the metric exposes', () => {
  it('a product created after an open transaction began is not read until that transaction ends', async () => {
    const last = await knex('multicase.products')
      .orderBy([
        { column: 'change_xid', order: 'desc' },
        { column: 'change_seq', order: 'desc' },
      ])
      .first(knex.raw('change_xid::text AS xid, change_seq::text AS seq'));
    const start: ChangeCursor = { xid: last.xid, seq: last.seq };
    const b = await openBlocker();
    try {
      await createProduct(knex, { productNumber: 'HZ-1', description: 'Created behind an open transaction' }); // committed
      expect((await lagNaming(b.pid)).blocker?.pid).toBe(b.pid);
      await sleep(200);
      expect((await drain(start)).rows.map((r) => r.product_number)).not.toContain('HZ-1');
    } finally {
      await b.end();
    }
    // Ended: the next polls read it (another test's transaction may hold it a moment longer).
    const deadline = Date.now() + 10_000;
    let seen: string[] = [];
    while (!seen.includes('HZ-1') && Date.now() < deadline) {
      seen = (await drain(start)).rows.map((r) => r.product_number);
      if (!seen.includes('HZ-1')) await sleep(20);
    }
    expect(seen).toContain('HZ-1');
  });
});

describe('watching the horizon', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    return { lines, log: createLogger({}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
  };
  const gauge = async (source: string) =>
    (await horizonLagGauge.get()).values.find((v) => v.labels.source === source)?.value;

  it('reports a stall in the gauge, a failing health check and one warning naming the backend, then the recovery', async () => {
    const source = 'test.horizon-watch';
    const { lines, log } = capture();
    const watch = watchHorizon(knex, { source, log, warnMs: 1_000, everyMs: 0 });
    const b = await openBlocker();
    try {
      await sleep(1_100);
      const deadline = Date.now() + 10_000;
      let check: string | undefined;
      while (!check?.includes(`pid ${b.pid} `) && Date.now() < deadline) {
        await watch.measure();
        check = (await health()).checks[`horizon:${source}`];
      }
      expect(check).toContain(
        `pid ${b.pid} (application "horizon-test-blocker", user postgres, database ${db.name}, idle in transaction since `,
      );
      // Another session's SQL goes to the log, not to whoever can read /readyz.
      expect(check).not.toContain('SELECT pg_current_xact_id()');
      expect(await gauge(source)).toBeGreaterThan(1);
      await watch.measure(); // still held: no second warning within the minute
      const warnings = lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        user: 'postgres',
        database: db.name,
        state: 'idle in transaction',
        thresholdSeconds: 1,
        query: expect.stringContaining('SELECT pg_current_xact_id()'),
      });
    } finally {
      await b.end();
    }
    const deadline = Date.now() + 10_000;
    let check: string | undefined;
    while (check !== 'ok' && Date.now() < deadline) {
      await watch.measure();
      check = (await health()).checks[`horizon:${source}`];
      if (check !== 'ok') await sleep(50);
    }
    expect(check).toBe('ok');
    expect(await gauge(source)).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => l.level === 'info')).toEqual([
      expect.objectContaining({ msg: 'Multicase change capture no longer held back by an open transaction' }),
    ]);
  });

  it('measures from the table source poll at most every few seconds', async () => {
    const { lines, log } = capture();
    const b = await openBlocker();
    try {
      await sleep(1_100);
      // A new source measures on its first poll; try again while an older transaction elsewhere is the oldest.
      const deadline = Date.now() + 10_000;
      let check: string | undefined;
      while (!check?.includes(`pid ${b.pid} `) && Date.now() < deadline) {
        const src = tableSource(productReader, knex, {
          intervalMs: 1_000,
          batchSize: 500,
          log,
          horizonLagWarnMs: 1_000,
        });
        const result = await src.poll(src.initialPosition, new AbortController().signal);
        expect(result.events.length).toBeGreaterThan(0); // the poll itself still reads what is below the horizon
        check = (await health()).checks[`horizon:${productReader.source}`];
      }
      expect(check).toContain(`pid ${b.pid} `);
      expect(await gauge(productReader.source)).toBeGreaterThan(1);
      expect(lines.find((l) => l.level === 'warn' && l.pid === b.pid)).toMatchObject({
        source: productReader.source,
        application: 'horizon-test-blocker',
      });

      // the same source polled again at once does not query again
      const src = tableSource(productReader, knex, { intervalMs: 1_000, batchSize: 500, log, horizonLagWarnMs: 1_000 });
      await src.poll(src.initialPosition, new AbortController().signal);
      const before = await gauge(productReader.source);
      await sleep(50);
      await src.poll(src.initialPosition, new AbortController().signal);
      expect(await gauge(productReader.source)).toBe(before);
    } finally {
      await b.end();
    }
  });
});

describe('ops status', () => {
  it('shows the horizon lag and the blocking backend', async () => {
    const b = await openBlocker();
    try {
      await sleep(1_100);
      const env = { MULTICASE_DATABASE_URL: db.url, MULTICASE_HORIZON_LAG_WARN_MS: '1000' };
      const deadline = Date.now() + 10_000;
      let h = await collectHorizon(env);
      while (!(h.measured && h.lag.blocker?.pid === b.pid) && Date.now() < deadline) h = await collectHorizon(env);
      const [title, lag, by, ...rest] = formatHorizon(h);
      expect(title).toContain('Multicase change capture (multicase.products, multicase.purchase-orders');
      expect(lag).toMatch(
        /^horizon lag: \d+ s, more than MULTICASE_HORIZON_LAG_WARN_MS \(1 s\): the sources report unhealthy$/,
      );
      expect(by).toMatch(
        new RegExp(
          `^held back by: pid ${b.pid} \\(application "horizon-test-blocker", user postgres, database ${db.name}, idle in transaction since .+\\): SELECT pg_current_xact_id\\(\\)`,
        ),
      );
      expect(rest).toEqual([]);
    } finally {
      await b.end();
    }
  });

  it('says on one line when the database cannot be reached or is not configured', async () => {
    const down = await collectHorizon({ MULTICASE_DATABASE_URL: 'postgres://pipeline:hunter2@127.0.0.1:1/multicase' });
    const lines = formatHorizon(down);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^horizon lag: unknown; could not query the Multicase database at postgres:\/\/pipeline:\*\*\*@127\.0\.0\.1:1\/multicase: .*ECONNREFUSED/,
    );
    expect(lines[1]).not.toContain('hunter2');
    const malformed = formatHorizon(await collectHorizon({ MULTICASE_DATABASE_URL: 'not a url' }));
    expect(malformed).toHaveLength(2);
    expect(malformed[1]).toMatch(/^horizon lag: unknown; not configured: MULTICASE_DATABASE_URL=.*is not a URL/);
  });
});
