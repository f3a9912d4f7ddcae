/**
 * Input checks shared by the actions. Each throws a ValidationError naming the record and the
 * field, so a caller learns what to fix before the database's constraints would refuse it.
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';

export type Row = Record<string, unknown>;

export function text(record: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(record, field, 'is required and must be non-empty text');
  return value.trim();
}

export function optionalText(record: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError(record, field, 'must be text');
  return value.trim() === '' ? null : value.trim();
}

export function positive(record: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ValidationError(record, field, `must be a number above 0, got ${String(value)}`);
  return value;
}

export function notNegative(record: string, field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(record, field, `must be a number of at least 0, got ${String(value)}`);
  return value;
}

export function position(record: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ValidationError(record, field, `must be a whole number from 1, got ${String(value)}`);
  return value;
}

export function isoDate(record: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new ValidationError(record, field, `must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

export function countryCode(record: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Z]{2}$/.test(value))
    throw new ValidationError(
      record,
      field,
      `must be an ISO 3166 two-letter country code, got ${JSON.stringify(value)}`,
    );
  return value;
}

export function uniquePositions(record: string, positions: number[]): void {
  const seen = new Set<number>();
  for (const p of positions) {
    if (seen.has(p)) throw new ValidationError(record, `lines[position ${p}]`, 'appears more than once');
    seen.add(p);
  }
}

export const lineField = (pos: number, field: string) => `lines[position ${pos}].${field}`;

export async function warehouseId(db: Knex, record: string, code: unknown): Promise<number> {
  const c = text(record, 'warehouseCode', code);
  const w = await db('multicase.warehouses').where({ code: c }).first('id');
  if (!w) throw new ValidationError(record, 'warehouseCode', `names no known warehouse (${c})`);
  return w.id as number;
}

/** Looks up products by number for order lines; refuses unknown and deleted ones. */
export async function productsByNumber(
  db: Knex,
  record: string,
  lines: { position: number; productNumber: string }[],
  use: 'sell' | 'purchase',
): Promise<Map<string, Row>> {
  const numbers = [...new Set(lines.map((l) => l.productNumber))];
  const rows: Row[] = await db('multicase.products')
    .whereIn('product_number', numbers)
    .select('id', 'product_number', 'is_service', 'is_active', 'is_deleted');
  const found = new Map(rows.map((r) => [r.product_number as string, r]));
  for (const l of lines) {
    const p = found.get(l.productNumber);
    const field = lineField(l.position, 'productNumber');
    if (!p) throw new ValidationError(record, field, `names no known product (${l.productNumber})`);
    if (p.is_deleted) throw new ValidationError(record, field, `names a deleted product (${l.productNumber})`);
    if (!p.is_active) throw new ValidationError(record, field, `names an inactive product (${l.productNumber})`);
    if (use === 'purchase' && p.is_service)
      throw new ValidationError(
        record,
        field,
        `names a service item (${l.productNumber}), which is never received into stock`,
      );
  }
  return found;
}
