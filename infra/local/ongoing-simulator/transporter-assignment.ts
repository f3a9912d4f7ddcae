/**
 * Transporter assignment (reference §5.4): in Ongoing, warehouse staff map each way of delivery to
 * a transporter service, so a client may send only its own way-of-delivery code and the warehouse
 * still knows the carrier. The simulator keeps that map per goods owner and fills in the
 * transporter of an order that names a way of delivery but no transporter, when the order is
 * saved and again when it is sent (the map may have been set in between). Parcels and tracking
 * URLs then follow that transporter.
 */
import type { Knex } from 'knex';
import type { Json } from './http.js';
import type { OrderRow } from './order-shape.js';
import { requireTransporter } from './reference-data.js';
import type { TransporterAssignmentSeed } from './reference-data-seed.js';
import type { GoodsOwner } from './store.js';

export interface AssignedTransporter {
  transporterCode: string;
  transporterServiceCode?: string;
}

interface AssignmentRow {
  transporter_code: string;
  transporter_service_code: string | null;
}

/** Replaces the assignments; every transporter and service named must be in the transporter contracts. */
export async function seedTransporterAssignments(
  trx: Knex.Transaction,
  goodsOwners: readonly GoodsOwner[],
  list: readonly TransporterAssignmentSeed[],
): Promise<void> {
  await trx('transporter_assignments').delete();
  for (const a of list) {
    const contract = await requireTransporter(trx, a.transporterCode, a.transporterServiceCode ?? undefined);
    const owners = a.goodsOwnerId === undefined ? goodsOwners.map((g) => g.id) : [a.goodsOwnerId];
    for (const goodsOwnerId of owners) {
      await trx('transporter_assignments')
        .insert({
          goods_owner_id: goodsOwnerId,
          way_of_delivery_code: a.wayOfDeliveryCode.toLowerCase(),
          transporter_code: contract.transporterCode,
          transporter_service_code: a.transporterServiceCode ?? null,
        })
        .onConflict(['goods_owner_id', 'way_of_delivery_code'])
        .merge();
    }
  }
}

/** The transporter assigned to a way of delivery, if staff assigned one whose contract still exists. */
export async function assignedTransporter(
  db: Knex | Knex.Transaction,
  goodsOwnerId: number,
  wayOfDeliveryCode: string,
): Promise<AssignedTransporter | undefined> {
  const row: AssignmentRow | undefined = await db('transporter_assignments as a')
    .join('transporter_contracts as c', 'c.transporter_code', 'a.transporter_code')
    .where({ 'a.goods_owner_id': goodsOwnerId, 'a.way_of_delivery_code': wayOfDeliveryCode.toLowerCase() })
    .first('a.transporter_code', 'a.transporter_service_code');
  if (!row) return undefined;
  return {
    transporterCode: row.transporter_code,
    ...(row.transporter_service_code ? { transporterServiceCode: row.transporter_service_code } : {}),
  };
}

function wayOfDeliveryCode(data: Json): string | undefined {
  const w = data.wayOfDelivery as { code?: unknown } | null | undefined;
  return typeof w?.code === 'string' && w.code ? w.code : undefined;
}

function namedTransporter(data: Json): AssignedTransporter | undefined {
  const t = data.transporter as { transporterCode?: unknown } | null | undefined;
  return typeof t?.transporterCode === 'string' && t.transporterCode ? (t as AssignedTransporter) : undefined;
}

/** Marks a transporter the warehouse assigned, as opposed to one the client named. */
const ASSIGNED = 'transporterAssignedByWarehouse';

/**
 * Stored order data a PUT starts from: a transporter the warehouse assigned follows the way of
 * delivery, so it is dropped (and assigned again from the way of delivery the order then has,
 * unless the PUT names one).
 */
export function withoutAssignedTransporter(stored: Json): Json {
  if (stored[ASSIGNED] !== true) return stored;
  const { transporter: _t, [ASSIGNED]: _a, ...rest } = stored;
  return rest;
}

/** Order data (as PUT) with the assigned transporter filled in where the order names none. */
export async function withAssignedTransporter(trx: Knex.Transaction, goodsOwnerId: number, data: Json): Promise<Json> {
  const code = wayOfDeliveryCode(data);
  if (namedTransporter(data) || !code) return data;
  const assigned = await assignedTransporter(trx, goodsOwnerId, code);
  return assigned ? { ...data, transporter: { ...assigned }, [ASSIGNED]: true } : data;
}

/** The order's transporter, assigning (and storing) it from the way of delivery if it has none yet. */
export async function transporterOfOrder(
  trx: Knex.Transaction,
  order: OrderRow,
): Promise<AssignedTransporter | undefined> {
  const named = namedTransporter(order.data);
  if (named) return named;
  const data = await withAssignedTransporter(trx, order.goods_owner_id, order.data);
  if (data === order.data) return undefined;
  await trx('orders')
    .where({ order_id: order.order_id })
    .update({ data: JSON.stringify(data) });
  order.data = data;
  return namedTransporter(data);
}
