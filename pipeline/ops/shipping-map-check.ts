/**
 * Checks of the shipping-method map against the two systems: a mapping may only name Ongoing codes
 * that exist (`/transporterContracts`, `/orders/wayOfDeliveryTypes`), and every Multicase freight
 * method in use needs a mapping, or its picking lists are held.
 */
import type { ShippingMethodMapping } from '../../schemas/types.generated.js';
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import { freightMethods } from '../../connectors/multicase/adapter/freight-methods.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';
import { textTable } from './format.js';

/** What Ongoing knows: its ways of delivery, and its transporters with their services. */
export interface OngoingCodes {
  waysOfDelivery: Set<string>;
  transporters: Map<string, Set<string>>;
}

export async function ongoingCodes(api: OngoingApi): Promise<OngoingCodes> {
  const [ways, contracts] = await Promise.all([api.getWaysOfDelivery(), api.getTransporterContracts()]);
  return {
    waysOfDelivery: new Set(ways.map((w) => w.code)),
    transporters: new Map(
      contracts.map((c) => [
        c.transporterCode,
        new Set((c.transporterServices ?? []).map((s) => s.transporterServiceCode)),
      ]),
    ),
  };
}

/** The problems of one mapping (empty when it is fine), each naming the field and the code. */
export function mappingProblems(
  m: Pick<ShippingMethodMapping, 'wayOfDeliveryCode' | 'transporterCode' | 'transporterServiceCode'>,
  codes: OngoingCodes,
): string[] {
  const problems: string[] = [];
  if (!m.wayOfDeliveryCode && !m.transporterCode) problems.push('names neither a way of delivery nor a transporter');
  if (m.wayOfDeliveryCode && !codes.waysOfDelivery.has(m.wayOfDeliveryCode)) {
    problems.push(
      `way of delivery ${m.wayOfDeliveryCode} is not one of Ongoing's (${[...codes.waysOfDelivery].sort().join(', ') || 'none'})`,
    );
  }
  if (m.transporterCode) {
    const services = codes.transporters.get(m.transporterCode);
    if (!services)
      problems.push(
        `transporter ${m.transporterCode} has no contract in Ongoing (${[...codes.transporters.keys()].sort().join(', ') || 'none'})`,
      );
    else if (m.transporterServiceCode && !services.has(m.transporterServiceCode)) {
      problems.push(
        `service ${m.transporterServiceCode} is not a service of ${m.transporterCode} (${[...services].sort().join(', ') || 'none'})`,
      );
    }
  } else if (m.transporterServiceCode) {
    problems.push(`service ${m.transporterServiceCode} is given without a transporter`);
  }
  return problems;
}

export interface MapCheck {
  /** Freight methods in use in Multicase without a mapping: their picking lists are held. */
  unmapped: Array<{ id: number; code: string; name: string }>;
  /** Mappings that name codes Ongoing does not have (any more). */
  stale: Array<{ id: number; problems: string[] }>;
}

export async function checkShippingMap(
  mappings: ShippingMethodMapping[],
  db: MulticaseDb,
  api: OngoingApi,
): Promise<MapCheck> {
  const codes = await ongoingCodes(api);
  const methods = await freightMethods(db, { activeOnly: true });
  const mapped = new Set(mappings.map((m) => m.shippingMethodId));
  return {
    unmapped: methods.filter((m) => !mapped.has(m.id)).map((m) => ({ id: m.id, code: m.code, name: m.name })),
    stale: mappings
      .map((m) => ({ id: m.shippingMethodId, problems: mappingProblems(m, codes) }))
      .filter((s) => s.problems.length > 0),
  };
}

export function formatMapCheck(c: MapCheck): string {
  const parts: string[] = [];
  parts.push(
    c.unmapped.length === 0
      ? 'Every active Multicase freight method has a mapping.'
      : `Active Multicase freight methods without a mapping (their picking lists are held):\n${textTable(
          ['id', 'code', 'name'],
          c.unmapped.map((u) => [u.id, u.code, u.name]),
        )}`,
  );
  parts.push(
    c.stale.length === 0
      ? 'Every mapping names codes Ongoing has.'
      : `Mappings Ongoing cannot follow:\n${c.stale.map((s) => `  ${s.id}: ${s.problems.join('; ')}`).join('\n')}`,
  );
  return parts.join('\n');
}
