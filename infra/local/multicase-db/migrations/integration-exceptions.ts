/**
 * 0013 (issue 17): what the integration needs to book every fact the warehouse reports.
 *
 * - integration_exceptions: what Multicase's model could not reconcile with what the warehouse
 *   did (more than announced, an article not on the document, stock that was allocated, …), for a
 *   person to resolve. The kinds are the integration's closed list
 *   (connectors/multicase/adapter/exception-kinds.ts). The stock discrepancies of 0011 become one
 *   kind of it (stock_below_zero) and their table goes.
 * - document_history: notes on purchase orders and returns, as order_history is for sales orders.
 * - warehouse_fact_ledger: what the integration has booked per warehouse line (cumulative), so
 *   that every report of the warehouse, which carries totals, books its own difference even where
 *   no Multicase document line exists.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { S, present } from './sql.js';

/** The kinds as this migration shipped them; test/multicase-exceptions.test.ts compares them with the adapter's. */
const KINDS = [
  'shipped_after_cancel_refused',
  'delivered_more_than_sent',
  'shipment_of_unknown_order',
  'received_not_on_purchase_order',
  'receipt_on_unknown_purchase_order',
  'receipt_after_close',
  'over_receipt',
  'received_less_after_allocation',
  'stock_lost_allocation_released',
  'stock_below_zero',
  'article_not_stocked_in_multicase',
  'return_not_announced',
  'return_more_than_announced',
  'order_cancelled_in_warehouse',
  'order_closed_short_in_warehouse',
  'inventory_items_added_later',
];

export const integrationExceptions: SqlMigration = {
  name: '0013_integration_exceptions_and_fact_ledger',
  up: `
CREATE TABLE ${S}.integration_exceptions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CONSTRAINT integration_exceptions_kind_known CHECK (kind IN (${KINDS.map((k) => `'${k}'`).join(', ')})),
  status text NOT NULL DEFAULT 'open' CONSTRAINT integration_exceptions_status_known CHECK (status IN ('open', 'resolved')),
  -- the document a person looks at first: a Multicase document, or the warehouse's own
  document_type text NOT NULL CONSTRAINT integration_exceptions_document_type_known CHECK (document_type IN
    ('purchase_order', 'sales_order', 'picking_list', 'return', 'ongoing_purchase_order', 'ongoing_order', 'inventory_adjustment')),
  document_number text NOT NULL ${present('integration_exceptions', 'document_number')},
  sales_order_id integer REFERENCES ${S}.sales_orders(id),
  purchase_order_id integer REFERENCES ${S}.purchase_orders(id),
  return_order_id integer REFERENCES ${S}.return_orders(id),
  picking_list_id integer REFERENCES ${S}.picking_lists(id),
  product_id integer REFERENCES ${S}.products(id),
  warehouse_id integer REFERENCES ${S}.warehouses(id),
  -- in the document's terms: what Multicase expected, what the warehouse reported, what was booked
  quantity_expected numeric(14,3),
  quantity_reported numeric(14,3),
  quantity_booked numeric(14,3),
  -- the stock change the warehouse made that Multicase's stock does not hold (+: the warehouse has
  -- more): what the stock reconciliation explains by this exception while it is open
  stock_not_booked numeric(14,3) NOT NULL DEFAULT 0,
  reason text NOT NULL ${present('integration_exceptions', 'reason')},
  details jsonb NOT NULL DEFAULT '{}',
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolved_by text,
  resolution_note text,
  CONSTRAINT integration_exceptions_resolved_when_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
  CONSTRAINT integration_exceptions_stock_with_product CHECK (stock_not_booked = 0 OR (product_id IS NOT NULL AND warehouse_id IS NOT NULL))
);
CREATE INDEX integration_exceptions_open_idx ON ${S}.integration_exceptions (kind, created_at) WHERE status = 'open';
CREATE INDEX integration_exceptions_document_idx ON ${S}.integration_exceptions (document_type, document_number);

INSERT INTO ${S}.integration_exceptions
  (kind, status, document_type, document_number, product_id, warehouse_id, quantity_reported, quantity_booked,
   stock_not_booked, reason, details, event_id, created_at, resolved_at, resolved_by, resolution_note)
SELECT 'stock_below_zero', CASE WHEN d.resolved_at IS NULL THEN 'open' ELSE 'resolved' END,
       'inventory_adjustment', d.reference, d.product_id, d.warehouse_id, d.quantity_change, d.quantity_booked,
       d.quantity_unbooked,
       format('Stock of %s changed by %s in the warehouse (%s); Multicase booked %s and could not book %s (on hand %s, allocated %s).',
              p.product_number, d.quantity_change, d.reference, d.quantity_booked, d.quantity_unbooked, d.on_hand_before, d.allocated),
       jsonb_build_object('migratedFrom', 'stock_discrepancies', 'onHandBefore', d.on_hand_before, 'allocated', d.allocated, 'cause', d.cause),
       d.event_id, d.created_at, d.resolved_at,
       CASE WHEN d.resolved_at IS NULL THEN NULL ELSE 'migration' END,
       CASE WHEN d.resolved_at IS NULL THEN NULL ELSE 'resolved as a stock discrepancy' END
  FROM ${S}.stock_discrepancies d JOIN ${S}.products p ON p.id = d.product_id
 ORDER BY d.id;
DROP TABLE ${S}.stock_discrepancies;

CREATE TABLE ${S}.document_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  purchase_order_id integer REFERENCES ${S}.purchase_orders(id),
  return_order_id integer REFERENCES ${S}.return_orders(id),
  entry_type text NOT NULL CONSTRAINT document_history_entry_type_known CHECK (entry_type IN ('note', 'exception')),
  text text NOT NULL ${present('document_history', 'text')},
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT document_history_one_document CHECK (num_nonnulls(purchase_order_id, return_order_id) = 1)
);
CREATE INDEX document_history_purchase_order_idx ON ${S}.document_history (purchase_order_id) WHERE purchase_order_id IS NOT NULL;
CREATE INDEX document_history_return_idx ON ${S}.document_history (return_order_id) WHERE return_order_id IS NOT NULL;

CREATE TABLE ${S}.warehouse_fact_ledger (
  -- what the warehouse reported: receipt (on a purchase order), return, shipment, adjustment, …
  fact_kind text NOT NULL ${present('warehouse_fact_ledger', 'fact_kind')},
  -- the warehouse's document (its id) and its line (a line id, or inventory/article)
  document_id text NOT NULL,
  line_key text NOT NULL,
  document_number text NOT NULL,
  product_id integer REFERENCES ${S}.products(id),
  -- the warehouse's cumulative total the integration has accounted for (booked, or raised as an exception)
  booked_total numeric(14,3) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  event_id text,
  PRIMARY KEY (fact_kind, document_id, line_key)
);
CREATE INDEX warehouse_fact_ledger_number_idx ON ${S}.warehouse_fact_ledger (fact_kind, document_number);
`,
  down: `
DROP TABLE ${S}.warehouse_fact_ledger;
DROP TABLE ${S}.document_history;
CREATE TABLE ${S}.stock_discrepancies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id integer NOT NULL REFERENCES ${S}.products(id),
  warehouse_id integer NOT NULL REFERENCES ${S}.warehouses(id),
  reference text NOT NULL,
  quantity_change numeric(14,3) NOT NULL,
  quantity_booked numeric(14,3) NOT NULL,
  quantity_unbooked numeric(14,3) NOT NULL CONSTRAINT stock_discrepancies_unbooked_not_zero CHECK (quantity_unbooked <> 0),
  on_hand_before numeric(14,3) NOT NULL,
  allocated numeric(14,3) NOT NULL,
  cause text,
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  CONSTRAINT stock_discrepancies_adds_up CHECK (quantity_change = quantity_booked + quantity_unbooked)
);
CREATE INDEX stock_discrepancies_reference_idx ON ${S}.stock_discrepancies (reference, product_id, warehouse_id);
CREATE INDEX stock_discrepancies_open_idx ON ${S}.stock_discrepancies (created_at) WHERE resolved_at IS NULL;
INSERT INTO ${S}.stock_discrepancies
  (product_id, warehouse_id, reference, quantity_change, quantity_booked, quantity_unbooked, on_hand_before, allocated, cause, event_id, created_at, resolved_at)
SELECT product_id, warehouse_id, document_number, quantity_reported, quantity_booked, stock_not_booked,
       coalesce((details->>'onHandBefore')::numeric, 0), coalesce((details->>'allocated')::numeric, 0), details->>'cause',
       event_id, created_at, resolved_at
  FROM ${S}.integration_exceptions
 WHERE kind = 'stock_below_zero' AND document_type = 'inventory_adjustment' AND stock_not_booked <> 0
   AND quantity_reported = quantity_booked + stock_not_booked
 ORDER BY id;
DROP TABLE ${S}.integration_exceptions;
`,
};
