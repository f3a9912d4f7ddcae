/** What the operator's actions (operator.ts) share: a refusal, finding a line, checking a quantity. */
import { ApiError, notFound } from './http.js';

/** A control-path refusal (the operator can not do that now). */
export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}

export const now = () => new Date().toISOString();

export function pickLineFor<L extends { id: number; row_number: string }>(
  lines: L[],
  ref: { rowNumber?: string; orderLineId?: number; purchaseOrderLineId?: number },
  what: string,
): L {
  const id = ref.orderLineId ?? ref.purchaseOrderLineId;
  const line = lines.find((l) => (id !== undefined ? l.id === id : l.row_number === String(ref.rowNumber)));
  if (!line) throw notFound(`${what} has no line ${id ?? ref.rowNumber}.`);
  return line;
}

export function quantity(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new ApiError(400, `${what}: numberOfItems must be a non-negative number.`);
  return n;
}
