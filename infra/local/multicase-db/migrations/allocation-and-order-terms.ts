/**
 * 0010: allocation, freight methods with pickup points, and payment terms (orders to the
 * warehouse).
 *
 * Stock per product and warehouse is on hand (`stock.quantity`), allocated (`stock.allocated`)
 * and available (`stock.available`, generated: on hand − allocated, never negative). Every unit
 * of an order line is in exactly one bucket:
 *
 *   quantity (ordered) = delivered + allocated + not allocated (when not over-delivered)
 *   allocated          = sent (on picking lists still at the warehouse) + allocated, not yet sent
 *   back order         = quantity − delivered − sent
 *
 * `stock.allocated` is the sum of its lines' `quantity_allocated` (orders of that warehouse),
 * kept so by the trigger `sales_order_lines_allocate_stock`; nobody writes it directly. A shipment
 * sink raises `quantity_delivered` (the trigger `sales_order_lines_delivery_releases_allocation`
 * takes the delivered quantity off sent and allocated) and then books the goods off hand through
 * `book_stock_change`, which refuses to leave less on hand than is allocated.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { allocationTrigger, bookStockChange, deliveryTrigger, dueDateFunction } from './allocation-functions.js';
import { S } from './sql.js';

export const allocationAndOrderTerms: SqlMigration = {
  name: '0010_allocation_and_order_terms',
  up: `
-- Stock: on hand, allocated, available.
ALTER TABLE ${S}.stock
  ADD COLUMN allocated numeric(14,3) NOT NULL DEFAULT 0 CONSTRAINT stock_allocated_not_negative CHECK (allocated >= 0);
ALTER TABLE ${S}.stock
  -- available = on hand − allocated never goes below zero
  ADD CONSTRAINT stock_unallocated_not_negative CHECK (allocated <= quantity),
  ADD COLUMN available numeric(14,3) GENERATED ALWAYS AS (quantity - allocated) STORED;

-- Order lines: allocated (reserved, not yet delivered) and sent (on picking lists at the warehouse).
ALTER TABLE ${S}.sales_order_lines
  ADD COLUMN quantity_allocated numeric(14,3) NOT NULL DEFAULT 0
    CONSTRAINT sales_order_lines_quantity_allocated_not_negative CHECK (quantity_allocated >= 0),
  ADD COLUMN quantity_sent numeric(14,3) NOT NULL DEFAULT 0
    CONSTRAINT sales_order_lines_quantity_sent_not_negative CHECK (quantity_sent >= 0);

-- What is at the warehouse already was sent, so it counts as sent and allocated (service lines
-- are no longer picked). Stock rows are created where missing, so a shortfall fails loudly on
-- stock_unallocated_not_negative instead of leaving stock.allocated short.
UPDATE ${S}.sales_order_lines l SET quantity_sent = s.q, quantity_allocated = s.q
  FROM (SELECT pll.sales_order_line_id AS line_id, sum(pll.quantity) AS q
          FROM ${S}.picking_list_lines pll JOIN ${S}.picking_lists pl ON pl.id = pll.picking_list_id
         WHERE pl.status = 'sent' GROUP BY pll.sales_order_line_id) s,
       ${S}.products p
 WHERE l.id = s.line_id AND p.id = l.product_id AND NOT p.is_service;
INSERT INTO ${S}.stock (product_id, warehouse_id, quantity)
  SELECT DISTINCT l.product_id, o.warehouse_id, 0
    FROM ${S}.sales_order_lines l JOIN ${S}.sales_orders o ON o.id = l.sales_order_id
   WHERE l.quantity_allocated > 0
  ON CONFLICT (product_id, warehouse_id) DO NOTHING;
UPDATE ${S}.stock st SET allocated = a.q
  FROM (SELECT l.product_id, o.warehouse_id, sum(l.quantity_allocated) AS q
          FROM ${S}.sales_order_lines l JOIN ${S}.sales_orders o ON o.id = l.sales_order_id
         GROUP BY l.product_id, o.warehouse_id HAVING sum(l.quantity_allocated) > 0) a
 WHERE st.product_id = a.product_id AND st.warehouse_id = a.warehouse_id;

ALTER TABLE ${S}.sales_order_lines
  -- allocation reserves what is still to be delivered, no more
  ADD CONSTRAINT sales_order_lines_allocated_within_open CHECK (quantity_allocated <= greatest(quantity - quantity_delivered, 0)),
  -- only allocated quantities can be sent
  ADD CONSTRAINT sales_order_lines_sent_within_allocated CHECK (quantity_sent <= quantity_allocated);
${allocationTrigger}
${deliveryTrigger}
${bookStockChange(true)}

-- Freight methods that deliver to a pickup point (parcel locker, post office) need its code.
ALTER TABLE ${S}.shipping_methods ADD COLUMN needs_pickup_point boolean NOT NULL DEFAULT false;

-- Payment terms: days from invoice date to due date; the customer's, overridable per order.
ALTER TABLE ${S}.customers ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 14
  CONSTRAINT customers_payment_terms_days_range CHECK (payment_terms_days BETWEEN 0 AND 365);
ALTER TABLE ${S}.sales_orders
  ADD COLUMN pickup_point_code text CONSTRAINT sales_orders_pickup_point_code_present CHECK (btrim(pickup_point_code) <> ''),
  -- NULL: the customer's payment terms
  ADD COLUMN payment_terms_days integer CONSTRAINT sales_orders_payment_terms_days_range CHECK (payment_terms_days BETWEEN 0 AND 365);

CREATE FUNCTION ${S}.require_pickup_point() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_method text;
BEGIN
  IF NEW.pickup_point_code IS NULL THEN
    SELECT short_name INTO v_method FROM ${S}.shipping_methods WHERE id = NEW.shipping_method_id AND needs_pickup_point;
    IF FOUND THEN
      RAISE EXCEPTION 'sales order %: shipping method % needs a pickup point (pickup_point_code)', NEW.order_number, v_method
        USING ERRCODE = 'check_violation', CONSTRAINT = 'sales_orders_pickup_point_when_needed', TABLE = 'sales_orders';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sales_orders_pickup_point_when_needed BEFORE INSERT OR UPDATE OF shipping_method_id, pickup_point_code ON ${S}.sales_orders
  FOR EACH ROW EXECUTE FUNCTION ${S}.require_pickup_point();
${dueDateFunction}`,
  down: `
DROP TRIGGER sales_orders_pickup_point_when_needed ON ${S}.sales_orders;
DROP FUNCTION ${S}.require_pickup_point();
ALTER TABLE ${S}.sales_orders DROP COLUMN payment_terms_days, DROP COLUMN pickup_point_code;
ALTER TABLE ${S}.customers DROP COLUMN payment_terms_days;
ALTER TABLE ${S}.shipping_methods DROP COLUMN needs_pickup_point;
DROP FUNCTION ${S}.order_due_date(integer, date);
${bookStockChange(false)}
DROP TRIGGER sales_order_lines_delivery_releases_allocation ON ${S}.sales_order_lines;
DROP FUNCTION ${S}.release_allocation_on_delivery();
DROP TRIGGER sales_order_lines_allocate_stock ON ${S}.sales_order_lines;
DROP FUNCTION ${S}.allocate_stock_for_order_line();
ALTER TABLE ${S}.sales_order_lines
  DROP CONSTRAINT sales_order_lines_sent_within_allocated,
  DROP CONSTRAINT sales_order_lines_allocated_within_open,
  DROP COLUMN quantity_sent,
  DROP COLUMN quantity_allocated;
ALTER TABLE ${S}.stock DROP COLUMN available, DROP CONSTRAINT stock_unallocated_not_negative, DROP COLUMN allocated;
`,
};
