/**
 * The kinds of column Multicase's tables hold, each with how it is read into TypeScript. A table is
 * declared once as its columns (tables.ts); its row type follows from them, and every row the
 * adapter reads goes through `readRow`, so pg's strings (numeric, bigint) become numbers in one
 * place. Each kind names its SQL type as information_schema does, which a test compares with the
 * database.
 */
import { toMoney, toNumber, toPercent, toQuantity, toTime, type Money, type Percent, type Quantity } from './values.js';

export interface Column<T> {
  /** As information_schema.columns gives it (numeric with its precision and scale). */
  readonly sqlType: string;
  readonly nullable: boolean;
  read(value: unknown): T;
}

const column = <T>(sqlType: string, read: (value: unknown) => T): Column<T> => ({ sqlType, nullable: false, read });

export const integer: Column<number> = column('integer', toNumber);
/** Identities of the long tables (stock history, order history); they stay below 2^53. */
export const bigint: Column<number> = column('bigint', toNumber);
export const text: Column<string> = column('text', String);
/** A text column holding one of a known set of codes (statuses, kinds). */
export const code = <T extends string>(): Column<T> => column('text', (v) => String(v) as T);
export const boolean: Column<boolean> = column('boolean', (v) => v === true);
export const quantity: Column<Quantity> = column('numeric(14,3)', toQuantity);
export const money: Column<Money> = column('numeric(14,2)', toMoney);
export const percent: Column<Percent> = column('numeric(5,2)', toPercent);
/** A measure of a product (weight, a dimension, volume). */
export const measure = (precision: number, scale: number): Column<number> =>
  column(`numeric(${precision},${scale})`, toNumber);
/** 'YYYY-MM-DD': connectMulticase keeps dates as text, so no time zone can shift them. */
export const date: Column<string> = column('date', String);
/** A JSON object (jsonb; pg parses it). */
export const json: Column<Record<string, unknown>> = column('jsonb', (v) =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : JSON.parse(String(v)),
);
/** Epoch milliseconds. */
export const timestamp: Column<number> = column('timestamp with time zone', toTime);

export const nullable = <T>(c: Column<T>): Column<T | null> => ({
  sqlType: c.sqlType,
  nullable: true,
  read: (v) => (v === null || v === undefined ? null : c.read(v)),
});

export type Columns = Record<string, Column<unknown>>;

export type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

/** A row as pg returns it, read by `columns` (what the query selected, by the names it selected them as). */
export function readRow<C extends Columns>(columns: C, raw: Record<string, unknown>): RowOf<C> {
  const row: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(columns)) {
    if (!(name in raw)) throw new Error(`a Multicase query did not select ${name}, which its reader expects`);
    row[name] = c.read(raw[name]);
  }
  return row as RowOf<C>;
}

export const readRows = <C extends Columns>(columns: C, raws: readonly Record<string, unknown>[]): RowOf<C>[] =>
  raws.map((raw) => readRow(columns, raw));

/** `first()` answers undefined when nothing matched. */
export const readFirst = <C extends Columns>(
  columns: C,
  raw: Record<string, unknown> | undefined,
): RowOf<C> | undefined => (raw === undefined ? undefined : readRow(columns, raw));

/** Some columns of a table, to read what a query selected of it. */
export function pick<C extends Columns, K extends keyof C & string>(columns: C, ...names: K[]): Pick<C, K> {
  return Object.fromEntries(names.map((n) => [n, columns[n]])) as Pick<C, K>;
}
