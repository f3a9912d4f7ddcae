/**
 * 0018: what a warehouse needs besides goods and addresses, where Multicase keeps it, and closing
 * a purchase order short.
 *
 * - Products: country of origin, customs code (HS / statistics number), net weight, units per
 *   package (Multicase's UnitsPerPackage) and the cost price (Multicase's SupplierCostPrice): a
 *   3PL shipping abroad declares these, and values stock at cost.
 * - Customers and sales orders: VAT and organisation number (the order keeps the customer's as
 *   they were when it was taken, like its addresses); orders also get an invoice address (the
 *   customer's by default), terms of delivery (an Incoterms code), a remark for the warehouse and a
 *   cash-on-delivery amount.
 * - Purchase orders: the delivery text (Multicase's DeliveryTxt: receiving instructions), and the
 *   status 'closed': closed short by a user, or cancelled after goods arrived; what arrived stays
 *   booked and nothing more is expected.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { S, countryCode, present } from './sql.js';

const INVOICE = ['name', 'address1', 'address2', 'address3', 'post_code', 'city', 'country_code'];

export const warehouseFields: SqlMigration = {
  name: '0018_warehouse_fields_and_closing_short',
  up: `
ALTER TABLE ${S}.products
  ADD COLUMN country_of_origin text ${countryCode('products', 'country_of_origin')},
  -- the customs tariff number: HS (6 digits), the EU's CN (8) or TARIC (10)
  ADD COLUMN customs_code text CONSTRAINT products_customs_code_format CHECK (customs_code ~ '^[0-9]{6,10}$'),
  ADD COLUMN net_weight_kg numeric(12,3) CONSTRAINT products_net_weight_not_negative CHECK (net_weight_kg >= 0),
  ADD COLUMN units_per_package integer CONSTRAINT products_units_per_package_positive CHECK (units_per_package > 0),
  ADD COLUMN cost_price numeric(14,2) CONSTRAINT products_cost_price_not_negative CHECK (cost_price >= 0);

ALTER TABLE ${S}.customers
  ADD COLUMN vat_number text ${present('customers', 'vat_number')},
  ADD COLUMN organisation_number text ${present('customers', 'organisation_number')};

ALTER TABLE ${S}.sales_orders
  ADD COLUMN invoice_name text ${present('sales_orders', 'invoice_name')},
  ADD COLUMN invoice_address1 text,
  ADD COLUMN invoice_address2 text,
  ADD COLUMN invoice_address3 text,
  ADD COLUMN invoice_post_code text,
  ADD COLUMN invoice_city text,
  ADD COLUMN invoice_country_code text ${countryCode('sales_orders', 'invoice_country_code')},
  ADD COLUMN vat_number text ${present('sales_orders', 'vat_number')},
  ADD COLUMN organisation_number text ${present('sales_orders', 'organisation_number')},
  -- an Incoterms code (EXW, FCA, DAP, DDP, …)
  ADD COLUMN terms_of_delivery text CONSTRAINT sales_orders_terms_of_delivery_code CHECK (terms_of_delivery ~ '^[A-Z]{3}$'),
  -- what the warehouse should know about the order (printed on the picking list)
  ADD COLUMN order_remark text,
  -- NULL: not cash on delivery; in the order's currency
  ADD COLUMN cash_on_delivery_amount numeric(14,2) CONSTRAINT sales_orders_cash_on_delivery_positive CHECK (cash_on_delivery_amount > 0),
  ADD CONSTRAINT sales_orders_invoice_address_named CHECK (invoice_name IS NOT NULL OR num_nonnulls(${INVOICE.map((c) => `invoice_${c}`).join(', ')}) = 0);

-- Orders taken before: the customer's address is where the invoice went.
UPDATE ${S}.sales_orders o
   SET ${INVOICE.map((c) => `invoice_${c} = c.${c}`).join(', ')}
  FROM ${S}.customers c WHERE c.id = o.customer_id;

ALTER TABLE ${S}.purchase_orders
  -- Multicase's DeliveryTxt: what the warehouse must know when the goods arrive
  ADD COLUMN delivery_text text,
  DROP CONSTRAINT purchase_orders_status_known,
  ADD CONSTRAINT purchase_orders_status_known CHECK (status IN ('open', 'partly_received', 'received', 'closed', 'cancelled'));
`,
  down: `
UPDATE ${S}.purchase_orders SET status = 'cancelled' WHERE status = 'closed';
ALTER TABLE ${S}.purchase_orders
  DROP CONSTRAINT purchase_orders_status_known,
  ADD CONSTRAINT purchase_orders_status_known CHECK (status IN ('open', 'partly_received', 'received', 'cancelled')),
  DROP COLUMN delivery_text;
ALTER TABLE ${S}.sales_orders
  DROP CONSTRAINT sales_orders_invoice_address_named,
  ${INVOICE.map((c) => `DROP COLUMN invoice_${c}`).join(',\n  ')},
  DROP COLUMN vat_number,
  DROP COLUMN organisation_number,
  DROP COLUMN terms_of_delivery,
  DROP COLUMN order_remark,
  DROP COLUMN cash_on_delivery_amount;
ALTER TABLE ${S}.customers DROP COLUMN vat_number, DROP COLUMN organisation_number;
ALTER TABLE ${S}.products
  DROP COLUMN country_of_origin,
  DROP COLUMN customs_code,
  DROP COLUMN net_weight_kg,
  DROP COLUMN units_per_package,
  DROP COLUMN cost_price;
`,
};
