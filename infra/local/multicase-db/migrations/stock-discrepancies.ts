/**
 * 0011: stock discrepancies. The warehouse holds the physical truth, but Multicase's stock model
 * cannot go below zero on hand, nor below what is allocated to orders. A stock change from the
 * warehouse (flow 8) that would is booked as far as the model allows, and the rest is recorded
 * here for someone to look at (`ops status` lists the open ones). Resolving one is a person's
 * decision (re-allocating, recounting), recorded in resolved_at.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { S } from './sql.js';

export const stockDiscrepancies: SqlMigration = {
  name: '0011_stock_discrepancies',
  up: `
CREATE TABLE ${S}.stock_discrepancies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id integer NOT NULL REFERENCES ${S}.products(id),
  warehouse_id integer NOT NULL REFERENCES ${S}.warehouses(id),
  -- the warehouse's document, as in stock_transactions.reference (e.g. 'inventory 123/article 45')
  reference text NOT NULL,
  -- what the warehouse changed, what was booked, and the rest that was not (quantity_change = booked + unbooked)
  quantity_change numeric(14,3) NOT NULL,
  quantity_booked numeric(14,3) NOT NULL,
  quantity_unbooked numeric(14,3) NOT NULL CONSTRAINT stock_discrepancies_unbooked_not_zero CHECK (quantity_unbooked <> 0),
  -- the stock it met: on hand and allocated before the booking
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
`,
  down: `
DROP TABLE ${S}.stock_discrepancies;
`,
};
