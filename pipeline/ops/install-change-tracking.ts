/**
 * `ops multicase install-change-tracking`: installs in a real Multicase database what the
 * integration's change capture needs there, and nothing else: the change-tracking columns,
 * triggers and sequence, the NOTIFY that wakes the sources, and the trigger that carries a change
 * of a sent order's data to its picking lists (connectors/multicase/install.ts).
 * Multicase's own schema is never created or changed otherwise (the local stand-in of it lives in
 * infra/local and is never run from here).
 *
 * Idempotent: what is installed is read from PostgreSQL's catalog, not from a bookkeeping table,
 * so a database set up by the local migrations, by an earlier run or by hand is recognized.
 * Each part is applied whole in one transaction or not at all; a part found half there (changed by
 * hand) is refused with what is missing, since guessing could break Multicase's tables.
 */
import type { Knex } from 'knex';
import {
  CHILD_TABLES,
  changeTrackingMigration,
  notifyOnChangeMigration,
  SALES_ORDER_COLUMNS_SENT,
  sentPickingListsFollowTheirOrderMigration,
  TRACKED_TABLES,
  type SqlMigration,
} from '../../connectors/multicase/install.js';
import { install, installedObjects, installSql } from '../../connectors/multicase/install-state.js';
import { OpsError } from './errors.js';

const S = 'multicase';

/** How long the ALTER TABLEs may wait for a lock before giving up (rather than queueing every Multicase user behind them). */
export const LOCK_TIMEOUT = '10s';

interface Part {
  migration: SqlMigration;
  /** The catalog objects the part creates, by a readable name. */
  objects: string[];
}

const parts: Part[] = [
  {
    migration: changeTrackingMigration,
    objects: [
      `sequence ${S}.change_seq`,
      ...['track_change', 'touch_parent', 'refuse_delete'].map((f) => `function ${S}.${f}()`),
      ...TRACKED_TABLES.flatMap((t) => [
        `column ${S}.${t}.change_xid`,
        `column ${S}.${t}.change_seq`,
        `index ${S}.${t}_change_idx`,
        `trigger ${t}_track_change on ${S}.${t}`,
        `trigger ${t}_refuse_delete on ${S}.${t}`,
      ]),
      ...CHILD_TABLES.flatMap((c) =>
        ['ins', 'upd', 'del'].map((op) => `trigger ${c.table}_touch_parent_${op} on ${S}.${c.table}`),
      ),
    ],
  },
  {
    migration: notifyOnChangeMigration,
    objects: [`function ${S}.notify_change()`, ...TRACKED_TABLES.map((t) => `trigger ${t}_notify_change on ${S}.${t}`)],
  },
  {
    migration: sentPickingListsFollowTheirOrderMigration,
    objects: [
      `function ${S}.touch_sent_picking_lists()`,
      `trigger sales_orders_touch_sent_picking_lists on ${S}.sales_orders`,
    ],
  },
];

/** What must exist before: Multicase's own tables and the columns the triggers use. */
const prerequisites = [
  ...TRACKED_TABLES.flatMap((t) => [`column ${S}.${t}.id`, `column ${S}.${t}.updated_at`]),
  ...CHILD_TABLES.map((c) => `column ${S}.${c.table}.${c.key}`),
  ...SALES_ORDER_COLUMNS_SENT.map((c) => `column ${S}.sales_orders.${c}`),
  `column ${S}.picking_lists.sales_order_id`,
  `column ${S}.picking_lists.status`,
];

export interface PartState {
  name: string;
  state: 'installed' | 'missing';
}

export interface ChangeTrackingResult {
  parts: PartState[];
  /** The SQL run (or, with dryRun, that would be run); empty when everything was installed. */
  sql: string;
  dryRun: boolean;
}

export async function installChangeTracking(db: Knex, opts: { dryRun: boolean }): Promise<ChangeTrackingResult> {
  const existing = await installedObjects(db, [...TRACKED_TABLES, ...CHILD_TABLES.map((c) => c.table)]);
  const absent = prerequisites.filter((o) => !existing.has(o));
  if (absent.length > 0) {
    throw new OpsError(
      `this does not look like a Multicase database: missing ${absent.join(', ')}. Point MULTICASE_DATABASE_URL at Multicase's database; nothing was changed.`,
    );
  }
  const states = parts.map((p) => ({ part: p, missing: p.objects.filter((o) => !existing.has(o)) }));
  const partial = states.filter((s) => s.missing.length > 0 && s.missing.length < s.part.objects.length);
  if (partial.length > 0) {
    throw new OpsError(
      partial
        .map(
          (s) =>
            `${s.part.migration.name} is only partly installed (changed by hand?); missing: ${s.missing.join(', ')}`,
        )
        .concat('Compare the database with connectors/multicase/install.ts and repair it by hand; nothing was changed.')
        .join('\n'),
    );
  }
  const missing = states.filter((s) => s.missing.length > 0).map((s) => s.part);
  const migrations = missing.map((p) => p.migration);
  const sql = installSql(migrations, LOCK_TIMEOUT);
  if (!opts.dryRun && missing.length > 0) await install(db, migrations, LOCK_TIMEOUT);
  return {
    parts: states.map((s) => ({ name: s.part.migration.name, state: s.missing.length > 0 ? 'missing' : 'installed' })),
    sql,
    dryRun: opts.dryRun,
  };
}

export function formatChangeTracking(r: ChangeTrackingResult): string {
  const missing = r.parts.filter((p) => p.state === 'missing').map((p) => p.name);
  const installed = r.parts.filter((p) => p.state === 'installed').map((p) => p.name);
  if (missing.length === 0) return `Change tracking is installed already (${installed.join(', ')}): nothing to do.`;
  if (r.dryRun) {
    return [
      `-- Dry run: nothing was changed. Missing: ${missing.join(', ')}${installed.length ? `; installed already: ${installed.join(', ')}` : ''}.`,
      '-- Without --dry-run this runs as one transaction. ALTER TABLE … ADD COLUMN rewrites each tracked table',
      `-- under an exclusive lock: run it when Multicase is quiet (it gives up after a lock wait of ${LOCK_TIMEOUT}).`,
      r.sql,
    ].join('\n');
  }
  return `Installed ${missing.join(', ')}${installed.length ? ` (installed already: ${installed.join(', ')})` : ''}. The Multicase sources can run now.`;
}
