/**
 * The numbers of Multicase's documents, named for what they are. pg hands numeric columns over as
 * strings (exact); they become these values where the adapter reads a row (columns.ts), and sums
 * are rounded to the database's precision here, against float noise. Quantities and money are
 * plain numbers for now: moving them to exact decimals means changing this file (and columns.ts,
 * which calls it), not the operations.
 */

/** A quantity of goods, as Multicase keeps it: numeric(14,3). */
export type Quantity = number;

/** An amount in a document's currency: numeric(14,2). */
export type Money = number;

/** A VAT rate in percent: numeric(5,2). */
export type Percent = number;

function decimal(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new TypeError(`Multicase returned ${String(value)} where a ${what} belongs`);
  return n;
}

export const toQuantity = (value: unknown): Quantity => decimal(value, 'quantity');
export const toMoney = (value: unknown): Money => decimal(value, 'amount');
export const toPercent = (value: unknown): Percent => decimal(value, 'rate');
export const toNumber = (value: unknown): number => decimal(value, 'number');

/** Epoch milliseconds of a timestamptz (pg gives a Date; a string when read through JSON). */
export function toTime(value: unknown): number {
  const t = value instanceof Date ? value.getTime() : Date.parse(String(value));
  if (Number.isNaN(t)) throw new TypeError(`Multicase returned ${String(value)} where a time belongs`);
  return t;
}

/** Three decimals, as Multicase keeps stock; + 0 turns -0 into 0. */
export const roundQuantity = (n: number): Quantity => Math.round(n * 1000) / 1000 + 0;

/** Rounded to cents. */
export const roundMoney = (n: number): Money => Math.round(n * 100) / 100;

/** What a document line comes to: quantity at the unit price, rounded to cents. */
export const lineAmount = (quantity: Quantity, unitPrice: Money): Money => roundMoney(quantity * unitPrice);

/** Net amount and VAT of an invoice's or a credit note's lines, each line's VAT at its own rate. */
export function documentTotals(lines: readonly { line_amount: Money; vat_rate: Percent }[]): {
  net: Money;
  vat: Money;
} {
  return {
    net: roundMoney(lines.reduce((sum, l) => sum + l.line_amount, 0)),
    vat: roundMoney(lines.reduce((sum, l) => sum + (l.line_amount * l.vat_rate) / 100, 0)),
  };
}
