/**
 * Stock per product and warehouse, its history, and the one function every stock change goes
 * through.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { S } from './sql.js';

export const stock: SqlMigration = {
  name: '0004_stock',
  up: `
CREATE TABLE ${S}.stock (
  product_id integer NOT NULL REFERENCES ${S}.products(id),
  warehouse_id integer NOT NULL REFERENCES ${S}.warehouses(id),
  quantity numeric(14,3) NOT NULL DEFAULT 0 CONSTRAINT stock_quantity_not_negative CHECK (quantity >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, warehouse_id)
);

-- The stock history: one row per change, with the balance it left. Every stock change goes
-- through ${S}.book_stock_change() so the two never disagree.
CREATE TABLE ${S}.stock_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id integer NOT NULL,
  warehouse_id integer NOT NULL,
  quantity_change numeric(14,3) NOT NULL CONSTRAINT stock_transactions_quantity_change_not_zero CHECK (quantity_change <> 0),
  balance_after numeric(14,3) NOT NULL CONSTRAINT stock_transactions_balance_not_negative CHECK (balance_after >= 0),
  kind text NOT NULL
    CONSTRAINT stock_transactions_kind_known CHECK (kind IN ('receipt', 'shipment', 'return', 'adjustment', 'correction')),
  -- the business document: PO number, order number, return number, Ongoing inventory id, …
  reference text,
  cause text,
  event_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (product_id, warehouse_id) REFERENCES ${S}.stock (product_id, warehouse_id)
);
CREATE INDEX stock_transactions_stock_idx ON ${S}.stock_transactions (product_id, warehouse_id, id);
CREATE INDEX stock_transactions_event_idx ON ${S}.stock_transactions (event_id) WHERE event_id IS NOT NULL;

-- Service items carry no stock: a trigger, because a CHECK cannot look at another table.
CREATE FUNCTION ${S}.refuse_stock_of_service_item() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_number text;
BEGIN
  IF TG_TABLE_NAME = 'stock' THEN
    -- (nested: PL/pgSQL does not short-circuit AND, and stock_transactions has no quantity)
    IF NEW.quantity = 0 THEN
      RETURN NEW;
    END IF;
  END IF;
  SELECT product_number INTO v_number FROM ${S}.products WHERE id = NEW.product_id AND is_service;
  IF FOUND THEN
    RAISE EXCEPTION 'product % is a service item and carries no stock', v_number
      USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_not_for_service_items', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER stock_not_for_service_items BEFORE INSERT OR UPDATE ON ${S}.stock
  FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_stock_of_service_item();
CREATE TRIGGER stock_transactions_not_for_service_items BEFORE INSERT ON ${S}.stock_transactions
  FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_stock_of_service_item();

-- …and a product that has stock cannot silently become a service item.
CREATE FUNCTION ${S}.refuse_service_item_with_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.is_service AND NOT OLD.is_service
     AND EXISTS (SELECT 1 FROM ${S}.stock WHERE product_id = NEW.id AND quantity <> 0) THEN
    RAISE EXCEPTION 'product % has stock and cannot become a service item', NEW.product_number
      USING ERRCODE = 'check_violation', CONSTRAINT = 'products_service_item_without_stock', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER products_service_item_without_stock BEFORE UPDATE OF is_service ON ${S}.products
  FOR EACH ROW EXECUTE FUNCTION ${S}.refuse_service_item_with_stock();

-- Changes the stock of one product in one warehouse and writes the history row, returning the
-- new balance. Sinks call this instead of updating stock themselves. The row lock taken here
-- serialises concurrent bookings of the same product and warehouse.
CREATE FUNCTION ${S}.book_stock_change(
  p_product_id integer, p_warehouse_id integer, p_quantity_change numeric, p_kind text,
  p_reference text, p_cause text DEFAULT NULL, p_event_id text DEFAULT NULL
) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  v_current numeric;
  v_balance numeric;
BEGIN
  INSERT INTO ${S}.stock (product_id, warehouse_id, quantity) VALUES (p_product_id, p_warehouse_id, 0)
    ON CONFLICT (product_id, warehouse_id) DO NOTHING;
  SELECT quantity INTO v_current FROM ${S}.stock
    WHERE product_id = p_product_id AND warehouse_id = p_warehouse_id FOR UPDATE;
  v_balance := v_current + p_quantity_change;
  IF v_balance < 0 THEN
    RAISE EXCEPTION 'stock of product % in warehouse % cannot go below zero: % % % would leave %',
        (SELECT product_number FROM ${S}.products WHERE id = p_product_id),
        (SELECT code FROM ${S}.warehouses WHERE id = p_warehouse_id),
        v_current, CASE WHEN p_quantity_change < 0 THEN '-' ELSE '+' END, abs(p_quantity_change), v_balance
      USING ERRCODE = 'check_violation', CONSTRAINT = 'stock_quantity_not_negative', TABLE = 'stock';
  END IF;
  UPDATE ${S}.stock SET quantity = v_balance, updated_at = now()
    WHERE product_id = p_product_id AND warehouse_id = p_warehouse_id;
  INSERT INTO ${S}.stock_transactions (product_id, warehouse_id, quantity_change, balance_after, kind, reference, cause, event_id)
    VALUES (p_product_id, p_warehouse_id, p_quantity_change, v_balance, p_kind, p_reference, p_cause, p_event_id);
  RETURN v_balance;
END $$;
`,
  down: `
DROP FUNCTION ${S}.book_stock_change(integer, integer, numeric, text, text, text, text);
DROP TRIGGER products_service_item_without_stock ON ${S}.products;
DROP FUNCTION ${S}.refuse_service_item_with_stock();
DROP TABLE ${S}.stock_transactions;
DROP TABLE ${S}.stock;
DROP FUNCTION ${S}.refuse_stock_of_service_item();
`,
};
