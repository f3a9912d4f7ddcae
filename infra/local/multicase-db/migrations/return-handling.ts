/**
 * 0012: returns as the warehouse receives them (flow 7). Each return line has a handling: to stock
 * (the warehouse receives it) or handled in Multicase only (scrapped, sent for repair); the return
 * has a settlement, credit or replace; a line remembers the invoice line the goods were billed on,
 * whose price and VAT a credit note uses. Statuses follow the goods: sent to the warehouse, partly
 * received, received (every to-stock line arrived), or closed by the user before that.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { S } from './sql.js';

export const returnHandling: SqlMigration = {
  name: '0012_return_handling_and_settlement',
  up: `
ALTER TABLE ${S}.return_orders DROP CONSTRAINT return_orders_status_known;
ALTER TABLE ${S}.return_orders
  ADD CONSTRAINT return_orders_status_known
    CHECK (status IN ('registered', 'sent_to_warehouse', 'partly_received', 'received', 'closed', 'cancelled')),
  ADD COLUMN settlement text NOT NULL DEFAULT 'credit'
    CONSTRAINT return_orders_settlement_known CHECK (settlement IN ('credit', 'replace'));

ALTER TABLE ${S}.return_order_lines
  ADD COLUMN handling text NOT NULL DEFAULT 'to_stock'
    CONSTRAINT return_order_lines_handling_known CHECK (handling IN ('to_stock', 'scrap', 'repair')),
  ADD COLUMN invoice_line_id integer REFERENCES ${S}.invoice_lines(id),
  ADD CONSTRAINT return_order_lines_received_not_above_quantity CHECK (quantity_received <= quantity);

-- One credit note per return and invoice: settling a return twice finds the first.
CREATE UNIQUE INDEX credit_notes_return_invoice_unique ON ${S}.credit_notes (return_order_id, coalesce(invoice_id, 0)) WHERE return_order_id IS NOT NULL;
`,
  down: `
DROP INDEX ${S}.credit_notes_return_invoice_unique;
ALTER TABLE ${S}.return_order_lines DROP CONSTRAINT return_order_lines_received_not_above_quantity, DROP COLUMN invoice_line_id, DROP COLUMN handling;
ALTER TABLE ${S}.return_orders DROP COLUMN settlement, DROP CONSTRAINT return_orders_status_known;
ALTER TABLE ${S}.return_orders
  ADD CONSTRAINT return_orders_status_known CHECK (status IN ('registered', 'sent_to_warehouse', 'received', 'credited', 'cancelled'));
`,
};
