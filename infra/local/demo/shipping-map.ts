/**
 * The shipping-method map the local stack starts with: every active demo freight method of the
 * Multicase stand-in (infra/local/multicase-db/seed.ts) mapped to the simulator's ways of delivery
 * and transporter contracts (infra/local/ongoing-simulator/reference-data-seed.ts). In production
 * the customer's admin sets these with `npm run ops -- shipping-map set`.
 */
import type { Runtime } from '../../../runtime/runtime.js';
import { setShippingMethod, type ShippingMethodChanges } from '../../../pipeline/ops/shipping-map.js';

export const DEMO_SHIPPING_MAP: ReadonlyArray<{ id: number } & ShippingMethodChanges> = [
  {
    id: 1,
    shippingMethodCode: 'PN-COLLECT',
    wayOfDeliveryCode: 'STANDARD',
    wayOfDeliveryName: 'Standard delivery',
    transporterCode: 'PLAB',
    transporterServiceCode: 'P19',
  },
  {
    id: 2,
    shippingMethodCode: 'BRING-PIP',
    wayOfDeliveryCode: 'STANDARD',
    wayOfDeliveryName: 'Standard delivery',
    transporterCode: 'BRING',
    transporterServiceCode: 'BRINGPARCEL',
  },
  {
    id: 3,
    shippingMethodCode: 'BRING-SP',
    wayOfDeliveryCode: 'SERVICEPOINT',
    wayOfDeliveryName: 'Delivery to service point',
    transporterCode: 'BRING',
    transporterServiceCode: 'BRINGPICKUP',
  },
  {
    id: 4,
    shippingMethodCode: 'DHL-EXP',
    wayOfDeliveryCode: 'EXPRESS',
    wayOfDeliveryName: 'Express delivery',
    transporterCode: 'DHL',
    transporterServiceCode: 'DHLPARCEL',
  },
  {
    id: 5,
    shippingMethodCode: 'PICKUP',
    wayOfDeliveryCode: 'PICKUP',
    wayOfDeliveryName: 'Customer pickup',
    transporterCode: 'PICKUP',
    transporterServiceCode: 'PICKUP',
  },
  {
    id: 7,
    shippingMethodCode: 'PN-LOCKER',
    wayOfDeliveryCode: 'SERVICEPOINT',
    wayOfDeliveryName: 'Delivery to service point',
    transporterCode: 'PLAB',
    transporterServiceCode: 'P19',
  },
];

/** Writes the demo map (all of it, or the given FreightIDs) to state.shipping-method-map. */
export async function seedShippingMap(rt: Runtime, only?: readonly number[]): Promise<number> {
  let n = 0;
  for (const { id, ...changes } of DEMO_SHIPPING_MAP) {
    if (only && !only.includes(id)) continue;
    await setShippingMethod(rt, id, changes);
    n++;
  }
  return n;
}
