/**
 * `ops shipping-map`: the compacted `state.shipping-method-map` topic that tells the order
 * processor how a Multicase shipping method (FreightID) is delivered by Ongoing. Reads go through
 * a table over the topic (what the processors see); writes are records keyed by the FreightID, and
 * a delete is a tombstone.
 */
import { topics } from '../../schemas/catalog.js';
import type { ShippingMethodMapping } from '../../schemas/types.generated.js';
import type { Runtime } from '../../runtime/runtime.js';
import { UsageError } from './errors.js';
import { isoTime, textTable } from './format.js';
import { readTableOnce } from './read-table.js';

const topic = topics.shippingMethodMap;
export const shippingMapKey = (shippingMethodId: number): string => String(shippingMethodId);

/** Fields that `set` may change; undefined keeps the stored value, null clears it. */
export type ShippingMethodChanges = Partial<
  Pick<
    ShippingMethodMapping,
    'shippingMethodCode' | 'wayOfDeliveryCode' | 'wayOfDeliveryName' | 'transporterCode' | 'transporterServiceCode'
  >
>;

const readAll = (rt: Runtime) => readTableOnce(rt, topic);

export async function listShippingMethods(rt: Runtime): Promise<ShippingMethodMapping[]> {
  return [...(await readAll(rt)).values()].sort((a, b) => a.shippingMethodId - b.shippingMethodId);
}

export async function setShippingMethod(
  rt: Runtime,
  shippingMethodId: number,
  changes: ShippingMethodChanges,
): Promise<{ previous?: ShippingMethodMapping; current: ShippingMethodMapping }> {
  const given = Object.entries(changes).filter(([, v]) => v !== undefined);
  if (given.length === 0)
    throw new UsageError(
      'shipping-map set: give at least one of --code, --way-of-delivery, --way-of-delivery-name, --transporter, --service',
    );
  const previous = (await readAll(rt)).get(shippingMapKey(shippingMethodId));
  const current: ShippingMethodMapping = {
    shippingMethodId,
    shippingMethodCode: null,
    wayOfDeliveryCode: null,
    wayOfDeliveryName: null,
    transporterCode: null,
    transporterServiceCode: null,
    ...previous,
    ...Object.fromEntries(given),
    updatedAt: Date.now(),
  };
  const producer = await rt.producer();
  await producer.send([
    { topic: topic.name, key: shippingMapKey(shippingMethodId), value: await rt.serde.encode(topic, current) },
  ]);
  return previous ? { previous, current } : { current };
}

export async function deleteShippingMethod(rt: Runtime, shippingMethodId: number): Promise<ShippingMethodMapping> {
  const all = await readAll(rt);
  const previous = all.get(shippingMapKey(shippingMethodId));
  if (!previous) {
    const ids = [...all.values()].map((m) => m.shippingMethodId).sort((a, b) => a - b);
    throw new UsageError(
      `shipping-map delete: no mapping for --id ${shippingMethodId}; mapped ids are: ${ids.join(', ') || '(none)'}`,
    );
  }
  const producer = await rt.producer();
  await producer.send([{ topic: topic.name, key: shippingMapKey(shippingMethodId), value: null }]);
  return previous;
}

export function formatShippingMethods(list: ShippingMethodMapping[]): string {
  if (list.length === 0) return 'No shipping methods are mapped.';
  return textTable(
    ['id', 'code', 'way of delivery', 'way of delivery name', 'transporter', 'service', 'updated'],
    list.map((m) => [
      m.shippingMethodId,
      m.shippingMethodCode,
      m.wayOfDeliveryCode,
      m.wayOfDeliveryName,
      m.transporterCode,
      m.transporterServiceCode,
      isoTime(m.updatedAt),
    ]),
  );
}
