/**
 * The stand-in Multicase database schema, as knex migrations kept in code.
 *
 * The migrations are plain SQL in a list rather than files on disk, so `tsx`, vitest and the
 * compiled `dist/` all run exactly the same thing without knex having to find and load files.
 * Every table lives in the PostgreSQL schema `multicase`; knex's own bookkeeping
 * (`multicase_knex_migrations`) lives in `public`, so rolling everything back leaves the
 * `multicase` schema gone entirely.
 *
 * 0001-0007 stand in for Multicase's own schema; 0008 and 0009 are what the integration installs
 * in it, and live with the connector (connectors/multicase/install.ts). 0010 adds allocation,
 * pickup points and payment terms to the stand-in (Multicase's own schema again); 0011 the stock
 * discrepancies flow 8 records where the warehouse's stock change does not fit Multicase's model;
 * 0012 return handling (to stock or in Multicase only), settlement and the invoice line billed;
 * 0013 integration exceptions (which replace the stock discrepancies), notes on purchase orders
 * and returns, and the ledger of what the integration booked per warehouse line.
 * 0018 the fields a warehouse needs (customs, valuation, invoice address, VAT and organisation
 * number, terms of delivery, remarks, cash on delivery) and closing a purchase order short; 0019
 * is the integration's again (install.ts: a change of a sent order's data reaches its picking lists).
 *
 * Conventions the sinks and sources rely on (see README.md in the folder above):
 * - ids are `integer` identities (stock_transactions and order_history: `bigint`); business keys
 *   (product_number, order_number, …) are `text` and unique;
 * - quantities are numeric(14,3), money numeric(14,2); pg returns both as strings;
 * - CHECK constraints carry names that say what they protect, so a violation names the rule;
 * - the five tables the change-data-capture source reads carry change_xid / change_seq, set by
 *   triggers (migration 0008 and change-tracking.ts), and refuse hard deletes.
 */
import type { Knex } from 'knex';
import {
  changeTrackingMigration,
  notifyOnChangeMigration,
  sentPickingListsFollowTheirOrderMigration,
  type SqlMigration,
} from '../../../../connectors/multicase/install.js';
import { allocationAndOrderTerms } from './allocation-and-order-terms.js';
import { idempotencyAndNumbers } from './idempotency-and-number-series.js';
import { integrationExceptions } from './integration-exceptions.js';
import { purchasing } from './purchasing.js';
import { referenceData } from './reference-data.js';
import { returnHandling } from './return-handling.js';
import { returns } from './returns.js';
import { salesOrders } from './sales-orders.js';
import { shippingAndInvoicing } from './shipping-and-invoicing.js';
import { stock } from './stock.js';
import { stockDiscrepancies } from './stock-discrepancies.js';
import { warehouseFields } from './warehouse-fields.js';

export type { SqlMigration };

/** Every migration, oldest first. Append only: never edit one that has shipped. */
export const multicaseMigrations: readonly SqlMigration[] = [
  referenceData,
  purchasing,
  salesOrders,
  stock,
  shippingAndInvoicing,
  returns,
  idempotencyAndNumbers,
  changeTrackingMigration,
  notifyOnChangeMigration,
  allocationAndOrderTerms,
  stockDiscrepancies,
  returnHandling,
  integrationExceptions,
  warehouseFields,
  sentPickingListsFollowTheirOrderMigration,
];

/** Feeds the list above to knex's migrator; knex runs each migration in its own transaction. */
export const migrationSource: Knex.MigrationSource<SqlMigration> = {
  getMigrations: async () => [...multicaseMigrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => ({
    up: async (knex: Knex) => {
      await knex.raw(m.up);
    },
    down: async (knex: Knex) => {
      await knex.raw(m.down);
    },
  }),
};
