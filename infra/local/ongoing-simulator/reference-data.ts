/**
 * Code lists: order, purchase-order and return-order statuses, transporter contracts, ways of
 * delivery with their transporter assignments (transporter-assignment.ts) and warehouses. Installations may rename, renumber or add statuses, so integrations
 * must read them from the `/statuses` endpoints; the simulator serves what was seeded. Its own
 * warehouse workflow (receive, allocate, pick, ship, return) moves records through the default
 * numbers below.
 */
import type { Knex } from 'knex';
import type { ApiRequest, RouteTable } from './context.js';
import { field, idParam, notFound, refused, type Reply } from './http.js';
import type { GoodsOwner } from './store.js';
import { seedTransporterAssignments } from './transporter-assignment.js';

import type { SeedData, StatusEntry, TransporterContract, TransporterService } from './reference-data-seed.js';

export { DEFAULT_SEED } from './reference-data-seed.js';
export type {
  SeedData,
  StatusEntry,
  TransporterAssignmentSeed,
  TransporterContract,
  TransporterService,
  WarehouseSeed,
  WayOfDeliverySeed,
} from './reference-data-seed.js';

export const ORDER_STATUS = {
  error: 150,
  open: 200,
  released: 300,
  allocated: 320,
  picked: 400,
  sent: 450,
  collected: 500,
  returned: 800,
  cancelled: 1000,
} as const;
export const PURCHASE_ORDER_STATUS = {
  notified: 100,
  arrivalSpace: 200,
  inbound: 300,
  deflection: 400,
  received: 500,
  cancelled: 900,
} as const;
/** Ongoing does not publish return-order statuses; these numbers are the simulator's choice. */
export const RETURN_ORDER_STATUS = { notified: 100, arrived: 200, received: 300, cancelled: 900 } as const;

export type StatusKind = 'order' | 'purchaseOrder' | 'returnOrder';

const STATUS_LISTS: [keyof SeedData, StatusKind][] = [
  ['orderStatuses', 'order'],
  ['purchaseOrderStatuses', 'purchaseOrder'],
  ['returnOrderStatuses', 'returnOrder'],
];

/**
 * Writes code lists. `replace` swaps each list given for the new one; `ifEmpty` fills only lists
 * that have nothing yet, so a restart keeps what a test or the demo seeded.
 */
export async function seedReferenceData(
  db: Knex,
  goodsOwners: readonly GoodsOwner[],
  seed: SeedData,
  mode: 'replace' | 'ifEmpty',
): Promise<void> {
  await db.transaction(async (trx) => {
    const isEmpty = async (table: string, where: Record<string, unknown> = {}) => {
      const row = await trx(table).where(where).count<{ n: string }[]>('* as n').first();
      return Number(row?.n ?? 0) === 0;
    };
    for (const [key, kind] of STATUS_LISTS) {
      const list = seed[key] as StatusEntry[] | undefined;
      if (!list) continue;
      if (mode === 'ifEmpty' && !(await isEmpty('statuses', { kind }))) continue;
      await trx('statuses').where({ kind }).delete();
      if (list.length) await trx('statuses').insert(list.map((s) => ({ kind, number: s.number, text: s.text })));
    }
    if (seed.transporterContracts && (mode === 'replace' || (await isEmpty('transporter_contracts')))) {
      await trx('transporter_contracts').delete();
      for (const c of seed.transporterContracts) {
        await trx('transporter_contracts').insert({
          transporter_code: c.transporterCode,
          transporter_name: c.transporterName,
          edi_code: c.ediCode ?? null,
          transporter_service_code:
            c.transporterServiceCode ?? c.transporterServices[0]?.transporterServiceCode ?? null,
          services: JSON.stringify(c.transporterServices),
        });
      }
    }
    if (seed.waysOfDelivery && (mode === 'replace' || (await isEmpty('ways_of_delivery')))) {
      await trx('ways_of_delivery').delete();
      for (const w of seed.waysOfDelivery) {
        const owners = w.goodsOwnerId === undefined ? goodsOwners.map((g) => g.id) : [w.goodsOwnerId];
        for (const goodsOwnerId of owners) {
          await trx('ways_of_delivery')
            .insert({ goods_owner_id: goodsOwnerId, code: w.code, name: w.name })
            .onConflict(['goods_owner_id', 'code'])
            .merge();
        }
      }
    }
    if (seed.transporterAssignments && (mode === 'replace' || (await isEmpty('transporter_assignments')))) {
      await seedTransporterAssignments(trx, goodsOwners, seed.transporterAssignments);
    }
    if (seed.warehouses && (mode === 'replace' || (await isEmpty('warehouses')))) {
      await trx('warehouses').delete();
      if (seed.warehouses.length) await trx('warehouses').insert(seed.warehouses);
    }
  });
}

export async function statusTexts(db: Knex | Knex.Transaction, kind: StatusKind): Promise<Map<number, string>> {
  const rows: { number: number; text: string }[] = await db('statuses').where({ kind }).orderBy('number');
  return new Map(rows.map((r) => [r.number, r.text]));
}

export function statusOf(texts: Map<number, string>, number: number): StatusEntry {
  return { number, text: texts.get(number) ?? '' };
}

interface ContractRow {
  transporter_code: string;
  transporter_name: string;
  edi_code: string | null;
  transporter_service_code: string | null;
  services: TransporterService[];
}

function contractOut(r: ContractRow): TransporterContract {
  return {
    ediCode: r.edi_code,
    transporterName: r.transporter_name,
    transporterCode: r.transporter_code,
    transporterServiceCode: r.transporter_service_code,
    transporterServices: r.services,
  };
}

/** The contract for a transporter code, refusing codes that are not in the transporter contracts. */
export async function requireTransporter(
  db: Knex | Knex.Transaction,
  transporterCode: string,
  serviceCode: string | undefined,
): Promise<TransporterContract> {
  const row: ContractRow | undefined = await db('transporter_contracts')
    .whereRaw('lower(transporter_code) = lower(?)', [transporterCode])
    .first();
  if (!row)
    throw refused(
      `Transporter code '${transporterCode}' does not exist. Valid codes are listed by GET /transporterContracts.`,
    );
  const contract = contractOut(row);
  if (
    serviceCode &&
    !contract.transporterServices.some((s) => s.transporterServiceCode.toLowerCase() === serviceCode.toLowerCase())
  ) {
    throw refused(
      `Transporter service code '${serviceCode}' does not exist for transporter '${contract.transporterCode}'.`,
    );
  }
  return contract;
}

/**
 * Makes sure the goods owner has a way-of-delivery type with this code. Whether Ongoing creates an
 * unknown code on the fly is not documented; the simulator does, and says so in the reply message.
 */
export async function ensureWayOfDelivery(
  trx: Knex.Transaction,
  goodsOwnerId: number,
  code: string,
  name: string | undefined,
): Promise<boolean> {
  const existing = await trx('ways_of_delivery')
    .where({ goods_owner_id: goodsOwnerId })
    .whereRaw('lower(code) = lower(?)', [code])
    .first();
  if (existing) return false;
  await trx('ways_of_delivery').insert({ goods_owner_id: goodsOwnerId, code, name: name ?? code });
  return true;
}

function statusesReply(key: string, kind: StatusKind) {
  return async (req: ApiRequest): Promise<Reply> => {
    const rows: StatusEntry[] = await req.store
      .db('statuses')
      .where({ kind })
      .orderBy('number')
      .select('number', 'text');
    return { body: { [key]: rows } };
  };
}

export function registerReferenceDataRoutes(router: RouteTable): void {
  router.add('GET', '/orders/statuses', statusesReply('orderStatuses', 'order'));
  // The purchase-order statuses model reuses the name `orderStatuses` in Ongoing's own spec.
  router.add('GET', '/purchaseOrders/statuses', statusesReply('orderStatuses', 'purchaseOrder'));
  router.add('GET', '/returnOrders/statuses', statusesReply('returnOrderStatuses', 'returnOrder'));

  router.add('GET', '/transporterContracts', async (req) => {
    req.goodsOwnerFromQuery();
    const rows: ContractRow[] = await req.store.db('transporter_contracts').orderBy('transporter_code');
    return { body: rows.map(contractOut) };
  });

  router.add('GET', '/warehouses', async (req) => {
    const rows = await req.store.db('warehouses').orderBy('id').select('id', 'code', 'name');
    return { body: rows };
  });

  router.add('GET', '/orders/wayOfDeliveryTypes', async (req) => {
    const goodsOwnerId = req.goodsOwnerFromQuery();
    const rows = await req.store
      .db('ways_of_delivery')
      .where({ goods_owner_id: goodsOwnerId })
      .orderBy('id')
      .select('id', 'code', 'name');
    return { body: { wayOfDeliveryTypes: rows } };
  });

  const putWayOfDelivery = async (req: ApiRequest, id: number | undefined): Promise<Reply> => {
    const body = req.body();
    const goodsOwnerId = req.goodsOwnerFromBody(body);
    const code = field.requiredString(body, 'code');
    const name = field.string(body, 'name') ?? code;
    return req.store.write(goodsOwnerId, async (trx) => {
      if (id !== undefined) {
        const n = await trx('ways_of_delivery').where({ id, goods_owner_id: goodsOwnerId }).update({ code, name });
        if (!n) throw notFound(`No way of delivery type with id ${id} was found.`);
        return { body: { wayOfDeliveryTypeId: id, success: true, message: 'Way of delivery type updated.' } };
      }
      const [row] = await trx('ways_of_delivery')
        .insert({ goods_owner_id: goodsOwnerId, code, name })
        .onConflict(['goods_owner_id', 'code'])
        .merge({ name })
        .returning('id');
      return {
        body: {
          wayOfDeliveryTypeId: (row as { id: number }).id,
          success: true,
          message: 'Way of delivery type saved.',
        },
      };
    });
  };
  router.add('PUT', '/orders/wayOfDeliveryTypes', (req) => putWayOfDelivery(req, undefined));
  router.add('PUT', '/orders/wayOfDeliveryTypes/{id}', (req) => putWayOfDelivery(req, idParam(req.params, 'id')));
  router.add('DELETE', '/orders/wayOfDeliveryTypes/{id}', async (req) => {
    const id = idParam(req.params, 'id');
    const row: { goods_owner_id: number } | undefined = await req.store.db('ways_of_delivery').where({ id }).first();
    if (!row || !req.mayAccess(row.goods_owner_id)) throw notFound(`No way of delivery type with id ${id} was found.`);
    return req.store.write(row.goods_owner_id, async (trx) => {
      await trx('ways_of_delivery').where({ id }).delete();
      return { body: { wayOfDeliveryTypeId: id, success: true, message: 'Way of delivery type deleted.' } };
    });
  });
}
