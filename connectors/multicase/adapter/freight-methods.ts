/**
 * Multicase's freight (shipping) methods, which the shipping-method map translates into Ongoing's
 * ways of delivery and transporters (`ops shipping-map`, the console's map editor).
 */
import type { MulticaseDb } from './commands.js';
import { pick, readFirst, readRows } from './columns.js';
import { tables } from './tables.js';

export interface FreightMethod {
  /** Multicase's FreightID. */
  readonly id: number;
  /** Its short name, the code users know it by. */
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
}

const METHOD = pick(tables.shipping_methods, 'id', 'short_name', 'name', 'active');

/** The freight methods by id (only those in use, with `activeOnly`). */
export async function freightMethods(
  db: MulticaseDb,
  options: { activeOnly?: boolean } = {},
): Promise<FreightMethod[]> {
  const rows = await db('multicase.shipping_methods')
    .modify((q) => {
      if (options.activeOnly) void q.where({ active: true });
    })
    .orderBy('id')
    .select('id', 'short_name', 'name', 'active');
  return readRows(METHOD, rows).map((m) => ({ id: m.id, code: m.short_name, name: m.name, active: m.active }));
}

/** The code of freight method `id`; null when Multicase has no such method. */
export async function freightMethodCode(db: MulticaseDb, id: number): Promise<string | null> {
  const found = readFirst(
    pick(tables.shipping_methods, 'short_name'),
    await db('multicase.shipping_methods').where({ id }).first('short_name'),
  );
  return found?.short_name ?? null;
}
