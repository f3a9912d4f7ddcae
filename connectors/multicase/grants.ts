/**
 * What the pipeline may do in Multicase's database, per database user and per table: the least a
 * role needs, printed as GRANT statements by `npm run ops -- multicase grants`.
 *
 * Three users, one per kind of work:
 * - `source`: the source-multicase role (change capture): reads the tracked tables, their lines
 *   and what their readers join;
 * - `sink`: the sink-multicase role: books receipts, shipments, invoices, returns, credit notes,
 *   stock and order history, claims commands in applied_events, and reads what the scheduled stock
 *   check reads;
 * - `ops`: the console and the ops commands that read Multicase (reconcile, shipping-map check,
 *   status), read only.
 *
 * Every table the adapter declares (adapter/tables.ts) has an entry in TABLE_ACCESS, even one no
 * user may touch (an empty entry): test/multicase-grants.test.ts names a declared table without
 * one, and runs the pipeline as users that hold these grants and nothing more. What Multicase's own
 * triggers and functions do runs as the user that fired them (they are not SECURITY DEFINER), so
 * their reads and writes are in the entries too (the sink's booking of a line touches its parent
 * document and the stock's allocation).
 */
import { NUMBER_SERIES } from './adapter/number-series.js';
import type { tables } from './adapter/tables.js';

export const MULTICASE_USERS = ['source', 'sink', 'ops'] as const;
export type MulticaseUser = (typeof MULTICASE_USERS)[number];

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
type Access = Partial<Record<MulticaseUser, readonly TablePrivilege[]>>;

const S = 'multicase';

const R = ['SELECT'] as const;
const RI = ['SELECT', 'INSERT'] as const;
/** UPDATE also for SELECT … FOR UPDATE, which needs it. */
const RU = ['SELECT', 'UPDATE'] as const;
const RIU = ['SELECT', 'INSERT', 'UPDATE'] as const;

/**
 * Per table the adapter declares: who does what. Keyed by the declared names, so a table renamed
 * there fails to compile here; a table added there fails the test until it is given an entry.
 */
export const TABLE_ACCESS: Partial<Record<keyof typeof tables, Access>> & Record<string, Access> = {
  // Reference data
  warehouses: { source: R, sink: R, ops: R },
  suppliers: { source: R },
  shipping_methods: { source: R, ops: R },
  // The invoice's due date falls back on the customer's payment terms (multicase.order_due_date).
  customers: { source: R, sink: R },
  products: { source: R, sink: R, ops: R },

  // Purchasing: the receipt booking updates lines and status
  purchase_orders: { source: R, sink: RU, ops: R },
  purchase_order_lines: { source: R, sink: RU, ops: R },

  // Sales: shipments update lines and statuses; a line's change touches its order (change tracking)
  sales_orders: { source: R, sink: RU, ops: R },
  sales_order_lines: { source: R, sink: RU, ops: R },
  picking_lists: { source: R, sink: RU, ops: R },
  picking_list_lines: { source: R, sink: R },
  order_history: { sink: RI },
  deliveries: { sink: RI, ops: R },
  delivery_lines: { sink: RI, ops: R },
  invoices: { sink: RI },
  invoice_lines: { sink: RI },

  // Customer returns
  return_orders: { source: R, sink: RU },
  return_order_lines: { source: R, sink: RU },
  credit_notes: { sink: RI },
  credit_note_lines: { sink: RI },

  // Stock: booked through multicase.book_stock_change, which runs as the sink
  stock: { sink: RIU, ops: R },
  stock_transactions: { sink: RI, ops: R },

  // The integration's own
  applied_events: { sink: RI },
  // Raised by the sink; a person resolves one through the console or `ops exceptions resolve`.
  integration_exceptions: { sink: RIU, ops: RU },
  // Notes on purchase orders and returns, written with an exception (and with its resolution).
  document_history: { sink: RI, ops: RI },
  // What was booked per warehouse line; the stock check reads it.
  warehouse_fact_ledger: { sink: RIU, ops: R },
};

/** Functions the adapter calls (their argument types name them). */
const FUNCTIONS: Record<string, { signature: string; users: readonly MulticaseUser[] }> = {
  book_stock_change: { signature: 'integer, integer, numeric, text, text, text, text', users: ['sink'] },
  order_due_date: { signature: 'integer, date', users: ['sink'] },
};

/**
 * Sequences a user draws from: the document-number series the sink allocates (invoices, packing
 * slips, credit notes; Multicase's users allocate the others), and the change sequence the
 * change-tracking trigger draws from whenever the sink writes a tracked table.
 */
const SEQUENCES: Record<MulticaseUser, readonly string[]> = {
  source: [],
  sink: [...(['invoice', 'packing_slip', 'credit_note'] as const).map((k) => NUMBER_SERIES[k].sequence), 'change_seq'],
  ops: [],
};

export const DEFAULT_USER_NAMES: Record<MulticaseUser, string> = {
  source: 'multicase_pipeline_source',
  sink: 'multicase_pipeline_sink',
  ops: 'multicase_pipeline_ops',
};

/** Who uses each user, for the comments of the printed grants. */
export const USED_BY: Record<MulticaseUser, string> = {
  source: 'the source-multicase role (change capture)',
  sink: 'the sink-multicase role (bookings, and the scheduled stock check)',
  ops: 'the console and the ops commands that read Multicase (reconcile, shipping-map check, status)',
};

const ident = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) return `"${name.replace(/"/g, '""')}"`;
  return name;
};

/** The privileges of one user on every table, in the order of TABLE_ACCESS. */
export function tablePrivilegesOf(user: MulticaseUser): Array<{ table: string; privileges: TablePrivilege[] }> {
  return Object.entries(TABLE_ACCESS)
    .map(([table, access]) => ({ table, privileges: [...(access[user] ?? [])] }))
    .filter((t) => t.privileges.length > 0);
}

/**
 * The GRANT statements that give `names[user]` what that user needs and nothing more, one per
 * table (and sequence, function), after the database and schema. Users given the same name get
 * the union of their grants.
 */
export function grantStatements(
  database: string,
  names: Record<MulticaseUser, string> = DEFAULT_USER_NAMES,
): Array<{ user: MulticaseUser; name: string; statements: string[] }> {
  return MULTICASE_USERS.map((user) => {
    const to = ident(names[user]);
    return {
      user,
      name: names[user],
      statements: [
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${to};`,
        `GRANT USAGE ON SCHEMA ${S} TO ${to};`,
        ...tablePrivilegesOf(user).map(
          ({ table, privileges }) => `GRANT ${privileges.join(', ')} ON ${S}.${table} TO ${to};`,
        ),
        ...SEQUENCES[user].map((seq) => `GRANT USAGE ON SEQUENCE ${S}.${seq} TO ${to};`),
        ...Object.entries(FUNCTIONS)
          .filter(([, f]) => f.users.includes(user))
          .map(([name, f]) => `GRANT EXECUTE ON FUNCTION ${S}.${name}(${f.signature}) TO ${to};`),
      ],
    };
  });
}

/** The grants as one SQL script, with a comment per user saying who connects as it. */
export function grantScript(database: string, names: Record<MulticaseUser, string> = DEFAULT_USER_NAMES): string {
  const lines = [
    `-- Least privilege for the Multicase ↔ Ongoing pipeline in database ${database}.`,
    '-- Create the users first (CREATE ROLE … LOGIN PASSWORD …), run this as the owner of schema multicase,',
    "-- and put each user's name and password in the MULTICASE_DATABASE_URL of the roles that use it.",
    '-- Installing the change tracking (ops multicase install-change-tracking) needs the owner, not these.',
  ];
  for (const g of grantStatements(database, names)) {
    lines.push('', `-- ${g.name}: ${USED_BY[g.user]}`, ...g.statements);
    if (g.user === 'source')
      lines.push(
        '-- Optional: lets it name what an open transaction runs when one holds change capture back.',
        `-- GRANT pg_read_all_stats TO ${ident(g.name)};`,
      );
  }
  return `${lines.join('\n')}\n`;
}
