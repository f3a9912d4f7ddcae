/**
 * What the integration installs in Multicase's database: the change-tracking columns and
 * triggers the change-data-capture source reads (change-tracking.ts), and the NOTIFY that wakes
 * it (table-source.ts). Everything else in that database is Multicase's own schema, which the
 * integration only reads and writes.
 *
 * These are knex migrations kept as plain SQL in code. knex records a migration by its name, so
 * a database migrated before this text moved here sees the same two names and applies nothing
 * twice. Append only: never edit a migration that has shipped.
 */

export interface SqlMigration {
  readonly name: string;
  readonly up: string;
  readonly down: string;
}

const S = 'multicase';

/** The tables the change-data-capture source polls. See change-tracking.ts. */
export const TRACKED_TABLES = [
  'products',
  'purchase_orders',
  'sales_orders',
  'picking_lists',
  'return_orders',
] as const;

/** Line tables whose changes count as a change of their parent document. */
export const CHILD_TABLES = [
  { table: 'purchase_order_lines', parent: 'purchase_orders', key: 'purchase_order_id' },
  { table: 'sales_order_lines', parent: 'sales_orders', key: 'sales_order_id' },
  { table: 'picking_list_lines', parent: 'picking_lists', key: 'picking_list_id' },
  { table: 'return_order_lines', parent: 'return_orders', key: 'return_order_id' },
] as const;

/** What to do instead of deleting a tracked row; the refusal names it. */
export const DELETE_INSTEAD: Record<(typeof TRACKED_TABLES)[number], string> = {
  products: 'set is_deleted to true instead',
  purchase_orders: 'set status to cancelled instead',
  sales_orders: 'set status to cancelled instead',
  picking_lists: 'set status to cancelled instead',
  return_orders: 'set status to cancelled instead',
};

/** The channel the change trigger notifies on (payload: the table name). */
export const CHANGE_CHANNEL = 'multicase_change';

export const changeTrackingMigration: SqlMigration = {
  name: '0008_change_tracking',
  up: `
-- One global sequence orders changes inside a transaction (and across tables).
CREATE SEQUENCE ${S}.change_seq AS bigint;

-- Stamps every inserted or updated row of a tracked table with the writing transaction's id and
-- the next change number. Callers cannot set these: the trigger overwrites whatever they send.
CREATE FUNCTION ${S}.track_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id();
  NEW.change_seq := nextval('${S}.change_seq');
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- Statement-level AFTER trigger on a line table: touches every parent whose lines were inserted,
-- updated or deleted, so that the parent's change_xid / change_seq advance (through
-- track_change) and a poller reading parents sees line changes. Arguments: parent table, the
-- line table's foreign-key column.
CREATE FUNCTION ${S}.touch_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parents text;
BEGIN
  parents := CASE TG_OP
    WHEN 'INSERT' THEN format('SELECT %I FROM new_rows', TG_ARGV[1])
    WHEN 'DELETE' THEN format('SELECT %I FROM old_rows', TG_ARGV[1])
    ELSE format('SELECT %I FROM new_rows UNION SELECT %I FROM old_rows', TG_ARGV[1], TG_ARGV[1])
  END;
  EXECUTE format('UPDATE ${S}.%I SET updated_at = now() WHERE id IN (%s)', TG_ARGV[0], parents);
  RETURN NULL;
END $$;

-- A deleted row is invisible to a poller, so tracked rows are never deleted.
CREATE FUNCTION ${S}.refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of %.% are never deleted, so change-data capture sees every change: %',
      TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]
    USING ERRCODE = 'restrict_violation', TABLE = TG_TABLE_NAME;
END $$;

${TRACKED_TABLES.map(
  (t) => `
ALTER TABLE ${S}.${t}
  ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  ADD COLUMN change_seq bigint NOT NULL DEFAULT nextval('${S}.change_seq');
CREATE INDEX ${t}_change_idx ON ${S}.${t} (change_xid, change_seq);
CREATE TRIGGER ${t}_track_change BEFORE INSERT OR UPDATE ON ${S}.${t}
  FOR EACH ROW EXECUTE FUNCTION ${S}.track_change();
CREATE TRIGGER ${t}_refuse_delete BEFORE DELETE ON ${S}.${t}
  FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_delete('${DELETE_INSTEAD[t]}');`,
).join('\n')}

${CHILD_TABLES.map(
  (c) => `
CREATE TRIGGER ${c.table}_touch_parent_ins AFTER INSERT ON ${S}.${c.table}
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.touch_parent('${c.parent}', '${c.key}');
CREATE TRIGGER ${c.table}_touch_parent_upd AFTER UPDATE ON ${S}.${c.table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.touch_parent('${c.parent}', '${c.key}');
CREATE TRIGGER ${c.table}_touch_parent_del AFTER DELETE ON ${S}.${c.table}
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.touch_parent('${c.parent}', '${c.key}');`,
).join('\n')}
`,
  down: `
${CHILD_TABLES.map(
  (c) => `
DROP TRIGGER ${c.table}_touch_parent_ins ON ${S}.${c.table};
DROP TRIGGER ${c.table}_touch_parent_upd ON ${S}.${c.table};
DROP TRIGGER ${c.table}_touch_parent_del ON ${S}.${c.table};`,
).join('\n')}
${TRACKED_TABLES.map(
  (t) => `
DROP TRIGGER ${t}_refuse_delete ON ${S}.${t};
DROP TRIGGER ${t}_track_change ON ${S}.${t};
ALTER TABLE ${S}.${t} DROP COLUMN change_xid, DROP COLUMN change_seq;`,
).join('\n')}
DROP FUNCTION ${S}.refuse_delete();
DROP FUNCTION ${S}.touch_parent();
DROP FUNCTION ${S}.track_change();
DROP SEQUENCE ${S}.change_seq;
`,
};

/**
 * A NOTIFY on CHANGE_CHANNEL (payload: the table name) whenever a statement changed a tracked
 * table. PostgreSQL delivers notifications at commit, so a listening source wakes the moment a
 * change becomes visible instead of waiting for its next poll; identical notifications of one
 * transaction are folded into one.
 */
export const notifyOnChangeMigration: SqlMigration = {
  name: '0009_notify_on_change',
  up: `
CREATE FUNCTION ${S}.notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END $$;
${TRACKED_TABLES.map((t) => `CREATE TRIGGER ${t}_notify_change AFTER INSERT OR UPDATE ON ${S}.${t} FOR EACH STATEMENT EXECUTE FUNCTION ${S}.notify_change();`).join('\n')}
`,
  down: `
${TRACKED_TABLES.map((t) => `DROP TRIGGER ${t}_notify_change ON ${S}.${t};`).join('\n')}
DROP FUNCTION ${S}.notify_change();
`,
};

/**
 * The sales-order columns a picking list carries to Ongoing (picking-lists.ts reads these): a
 * change of one after the list was sent must reach Ongoing as a change of the list.
 */
export const SALES_ORDER_COLUMNS_SENT = [
  'order_number',
  'customer_id',
  'shipping_method_id',
  'warehouse_id',
  'delivery_name',
  'delivery_address1',
  'delivery_address2',
  'delivery_address3',
  'delivery_post_code',
  'delivery_city',
  'delivery_country_code',
  'delivery_email',
  'delivery_phone',
  'delivery_date',
  'reference',
  'pickup_point_code',
  'currency',
  'invoice_name',
  'invoice_address1',
  'invoice_address2',
  'invoice_address3',
  'invoice_post_code',
  'invoice_city',
  'invoice_country_code',
  'vat_number',
  'organisation_number',
  'terms_of_delivery',
  'order_remark',
  'cash_on_delivery_amount',
] as const;

const sentColumns = (row: 'OLD' | 'NEW') => SALES_ORDER_COLUMNS_SENT.map((c) => `${row}.${c}`).join(', ');

/**
 * A picking list reaches Ongoing with its order's delivery data, which lives on the sales order:
 * when one of those columns changes (SALES_ORDER_COLUMNS_SENT, and only those, so that status and
 * allocation changes cause no churn), the order's picking lists still at the warehouse ('sent')
 * are touched in the same transaction. Their change stamp advances, so the picking-list source
 * reads them again with the new data, under the same horizon rule as every change
 * (change-tracking.ts): a transaction that commits late is still read.
 */
export const sentPickingListsFollowTheirOrderMigration: SqlMigration = {
  name: '0019_sent_picking_lists_follow_their_order',
  up: `
CREATE FUNCTION ${S}.touch_sent_picking_lists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ${S}.picking_lists SET updated_at = now() WHERE sales_order_id = NEW.id AND status = 'sent';
  RETURN NULL;
END $$;
CREATE TRIGGER sales_orders_touch_sent_picking_lists
  AFTER UPDATE OF ${SALES_ORDER_COLUMNS_SENT.join(', ')} ON ${S}.sales_orders
  FOR EACH ROW WHEN ((${sentColumns('OLD')}) IS DISTINCT FROM (${sentColumns('NEW')}))
  EXECUTE FUNCTION ${S}.touch_sent_picking_lists();
`,
  down: `
DROP TRIGGER sales_orders_touch_sent_picking_lists ON ${S}.sales_orders;
DROP FUNCTION ${S}.touch_sent_picking_lists();
`,
};

/** The integration's migrations, in order. They run after Multicase's own schema exists. */
export const changeCaptureMigrations: readonly SqlMigration[] = [
  changeTrackingMigration,
  notifyOnChangeMigration,
  sentPickingListsFollowTheirOrderMigration,
];
