/**
 * Whether an Ongoing outbound order is one this pipeline created: the picking list of that number
 * is in the id map, with the id Ongoing gave it (flow 4 writes the entry). The mapping can lag
 * behind what the warehouse reports, so a missing one is waited for, ID_MAP_GRACE_MS at most; an
 * order still unknown then, or one whose Ongoing id differs from ours (made by hand in Ongoing with
 * our number, or made again), is not ours. What the warehouse did with it is booked all the same
 * (flows 6 and 7), as an order the pipeline did not create, with an integration exception.
 */
import { idMapKey } from '../schemas/catalog.js';
import { NotYetAvailableError } from '../runtime/errors.js';
import type { Lookups } from './processor.js';

export type Ownership = { ours: true } | { ours: false; why: string };

/** Ours, not ours (and why), or null while the id map has no entry for the number. */
export function ownershipOf(idMap: Lookups['idMap'], orderNumber: string, orderId: number): Ownership | null {
  const known = idMap.get(idMapKey('ongoing', 'order', orderNumber));
  if (!known) return null;
  if (known.externalId === String(orderId)) return { ours: true };
  return {
    ours: false,
    why: `Ongoing order ${orderNumber} has id ${orderId}, but the picking list ${orderNumber} the pipeline sent has id ${known.externalId}`,
  };
}

/**
 * While the id map has no entry for the order: wait for it (the record is parked), and once the
 * grace is over map it as an order the pipeline did not create (`notOurs`).
 */
export function waitForTheOrder<P>(
  record: string,
  orderNumber: string,
  lookups: Pick<Lookups, 'graceMs'>,
  notOurs: (why: string) => P,
): never {
  throw new NotYetAvailableError(
    `${record}: field orderNumber ${orderNumber} was not created by this pipeline (no id-map entry)`,
    lookups.graceMs,
    () =>
      notOurs(
        `no picking list ${orderNumber} was sent by the pipeline (no id-map entry after ${Math.round(lookups.graceMs / 1000)} s)`,
      ),
  );
}
