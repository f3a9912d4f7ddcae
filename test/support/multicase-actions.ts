/** Shared by the Multicase user-action tests (multicase-db-actions-products.test.ts and multicase-db-actions-orders.test.ts). */
import { expect } from 'vitest';
import { ValidationError } from '../../runtime/errors.js';

/** Refused as the user would be told: a ValidationError naming the record and the field, so the screen can point at it. */
export async function refused(
  action: Promise<unknown>,
  record: string | RegExp,
  field: string,
  message?: RegExp,
): Promise<void> {
  const err = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${record} / ${field} to be refused`).toBeInstanceOf(ValidationError);
  expect(err).toMatchObject({ record: typeof record === 'string' ? record : expect.stringMatching(record), field });
  if (message) expect((err as Error).message).toMatch(message);
}
