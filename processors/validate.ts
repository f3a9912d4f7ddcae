/**
 * Small checks the mappings share; each throws a ValidationError naming the record and the field.
 */
import { ValidationError } from '../runtime/errors.js';

export function requireText(record: string, field: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value.trim() === '')
    throw new ValidationError(record, field, 'is missing');
  return value.trim();
}

export function requirePositive(record: string, field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(record, field, `must be a positive number, got ${value}`);
  return value;
}

export function requireNonNegative(record: string, field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new ValidationError(record, field, `must not be negative, got ${value}`);
  return value;
}

export function requireUnique<T>(record: string, field: string, items: T[], keyOf: (t: T) => string | number): void {
  const seen = new Set<string | number>();
  items.forEach((item, i) => {
    const k = keyOf(item);
    if (seen.has(k)) throw new ValidationError(record, `${field}[${i}]`, `repeats ${k}`);
    seen.add(k);
  });
}
