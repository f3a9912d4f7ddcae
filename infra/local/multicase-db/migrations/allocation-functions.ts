/**
 * The PL/pgSQL of migration 0010 (allocation-and-order-terms.ts), kept apart so each file stays
 * readable: the trigger that keeps stock.allocated equal to what the order lines hold, the
 * trigger that releases allocation as goods are delivered, the due-date helper, and both versions of
 * book_stock_change (0004's, restored on rollback, and 0010's, which also refuses to take on
 * hand below what is allocated).
 */
import { S } from './sql.js';

/**
 * stock.allocated is never written by hand: this trigger applies every change of a line's
 * quantity_allocated to the stock of the line's product in the order's warehouse, refusing
 * allocation of service items and allocation beyond what is available.
 */
export const allocationTrigger = `
CREATE FUNCTION ${S}.allocate_stock_for_order_line() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_line ${S}.sales_order_lines;
  v_delta numeric;
  v_warehouse integer;
  v_on_hand numeric;
  v_allocated numeric;
BEGIN
  IF TG_OP = 'DELETE' THEN
    v_line := OLD;
    v_delta := -OLD.quantity_allocated;
  ELSIF TG_OP = 'INSERT' THEN
    v_line := NEW;
    v_delta := NEW.quantity_allocated;
  ELSE
    v_line := NEW;
    IF NEW.product_id <> OLD.product_id THEN
      IF OLD.quantity_allocated <> 0 OR NEW.quantity_allocated <> 0 THEN
        RAISE EXCEPTION 'sales order line % holds an allocation: its product cannot change', OLD.id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'sales_order_lines_allocated_product_fixed', TABLE = 'sales_order_lines';
      END IF;
      RETURN NULL;
    END IF;
    v_delta := NEW.quantity_allocated - OLD.quantity_allocated;
  END IF;
  IF v_delta = 0 THEN
    RETURN NULL;
  END IF;
  IF v_delta > 0 AND EXISTS (SELECT 1 FROM ${S}.products WHERE id = v_line.product_id AND is_service) THEN
    RAISE EXCEPTION 'product % is a service item and is never allocated', (SELECT product_number FROM ${S}.products WHERE id = v_line.product_id)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'sales_order_lines_service_items_not_allocated', TABLE = 'sales_order_lines';
  END IF;
  SELECT warehouse_id INTO v_warehouse FROM ${S}.sales_orders WHERE id = v_line.sales_order_id;
  SELECT quantity, allocated INTO v_on_hand, v_allocated FROM ${S}.stock
    WHERE product_id = v_line.product_id AND warehouse_id = v_warehouse FOR UPDATE;
  IF NOT FOUND OR v_allocated + v_delta > v_on_hand THEN
    RAISE EXCEPTION 'available stock of product % in warehouse % cannot go below zero: on hand %, allocated %, allocating % more',
        (SELECT product_number FROM ${S}.products WHERE id = v_line.product_id),
        (SELECT code FROM ${S}.warehouses WHERE id = v_warehouse),
        coalesce(v_on_hand, 0), coalesce(v_allocated, 0), v_delta
      USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_unallocated_not_negative', TABLE = 'stock';
  END IF;
  UPDATE ${S}.stock SET allocated = allocated + v_delta, updated_at = now()
    WHERE product_id = v_line.product_id AND warehouse_id = v_warehouse;
  RETURN NULL;
END $$;
-- (on every UPDATE, not UPDATE OF: release_allocation_on_delivery changes quantity_allocated in a
-- BEFORE trigger, which an UPDATE OF trigger would not see)
CREATE TRIGGER sales_order_lines_allocate_stock AFTER INSERT OR DELETE OR UPDATE ON ${S}.sales_order_lines
  FOR EACH ROW EXECUTE FUNCTION ${S}.allocate_stock_for_order_line();
`;

/**
 * Delivering releases: when a line's quantity_delivered rises (a shipment sink books it), the
 * delivered quantity leaves the line's sent and allocated quantities too, unless the same UPDATE
 * sets those itself. The allocation trigger then releases the stock's allocation, so the sink's
 * book_stock_change taking the goods off hand never runs into stock still allocated to them.
 */
export const deliveryTrigger = `
CREATE FUNCTION ${S}.release_allocation_on_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_delivered numeric := NEW.quantity_delivered - OLD.quantity_delivered;
BEGIN
  IF v_delivered > 0 THEN
    IF NEW.quantity_sent = OLD.quantity_sent THEN
      NEW.quantity_sent := greatest(OLD.quantity_sent - v_delivered, 0);
    END IF;
    IF NEW.quantity_allocated = OLD.quantity_allocated THEN
      NEW.quantity_allocated := greatest(OLD.quantity_allocated - v_delivered, 0);
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sales_order_lines_delivery_releases_allocation BEFORE UPDATE OF quantity_delivered ON ${S}.sales_order_lines
  FOR EACH ROW EXECUTE FUNCTION ${S}.release_allocation_on_delivery();
`;

export const dueDateFunction = `
-- The due date of an invoice of an order: the order's payment terms, else its customer's.
CREATE FUNCTION ${S}.order_due_date(p_sales_order_id integer, p_invoice_date date) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT p_invoice_date + coalesce(o.payment_terms_days, c.payment_terms_days)
    FROM ${S}.sales_orders o JOIN ${S}.customers c ON c.id = o.customer_id
   WHERE o.id = p_sales_order_id
$$;
`;

/** book_stock_change; with `guardAllocated` it also refuses to leave less on hand than is allocated. */
export function bookStockChange(guardAllocated: boolean): string {
  const guard = guardAllocated
    ? `
  IF p_quantity_change < 0 AND v_balance < v_allocated THEN
    RAISE EXCEPTION 'stock of product % in warehouse % cannot go below what is allocated: % - % would leave % with % allocated',
        (SELECT product_number FROM ${S}.products WHERE id = p_product_id),
        (SELECT code FROM ${S}.warehouses WHERE id = p_warehouse_id),
        v_current, abs(p_quantity_change), v_balance, v_allocated
      USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_unallocated_not_negative', TABLE = 'stock';
  END IF;`
    : '';
  return `
CREATE OR REPLACE FUNCTION ${S}.book_stock_change(
  p_product_id integer, p_warehouse_id integer, p_quantity_change numeric, p_kind text,
  p_reference text, p_cause text DEFAULT NULL, p_event_id text DEFAULT NULL
) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  v_current numeric;
  v_balance numeric;${guardAllocated ? '\n  v_allocated numeric;' : ''}
BEGIN
  INSERT INTO ${S}.stock (product_id, warehouse_id, quantity) VALUES (p_product_id, p_warehouse_id, 0)
    ON CONFLICT (product_id, warehouse_id) DO NOTHING;
  SELECT quantity${guardAllocated ? ', allocated' : ''} INTO v_current${guardAllocated ? ', v_allocated' : ''} FROM ${S}.stock
    WHERE product_id = p_product_id AND warehouse_id = p_warehouse_id FOR UPDATE;
  v_balance := v_current + p_quantity_change;
  IF v_balance < 0 THEN
    RAISE EXCEPTION 'stock of product % in warehouse % cannot go below zero: % % % would leave %',
        (SELECT product_number FROM ${S}.products WHERE id = p_product_id),
        (SELECT code FROM ${S}.warehouses WHERE id = p_warehouse_id),
        v_current, CASE WHEN p_quantity_change < 0 THEN '-' ELSE '+' END, abs(p_quantity_change), v_balance
      USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_quantity_not_negative', TABLE = 'stock';
  END IF;${guard}
  UPDATE ${S}.stock SET quantity = v_balance, updated_at = now()
    WHERE product_id = p_product_id AND warehouse_id = p_warehouse_id;
  INSERT INTO ${S}.stock_transactions (product_id, warehouse_id, quantity_change, balance_after, kind, reference, cause, event_id)
    VALUES (p_product_id, p_warehouse_id, p_quantity_change, v_balance, p_kind, p_reference, p_cause, p_event_id);
  RETURN v_balance;
END $$;
`;
}
