/**
 * Rows of the orders tables and the Order GET shape built from them (`orderInfo`, `consignee`,
 * `orderLines[]` with `pickedArticleItems[]`, `parcels[]`, `tracking[]`, `transporter`).
 */
import type { Knex } from 'knex';
import { utc, type Json } from './http.js';
import { statusOf, statusTexts, type TransporterService } from './reference-data.js';
import type { Store } from './store.js';

export interface PickedItem {
  articleItemId: number;
  numberOfItems: number;
  inDate: string | null;
  pickedTime: string;
  location: string | null;
  batchNumber: string | null;
  serial: string | null;
  isReturned: boolean;
  returnDate: string | null;
  returnCause: { code: string; name: string } | null;
}

export interface Tracking {
  waybill: string | null;
  trackingUrl: string | null;
  created: string;
}

export interface Parcel {
  id: number;
  parcelNumber: string;
  isReturnParcel: boolean;
  tracking: { trackingUrl: string | null } | null;
}

export interface OrderRow {
  order_id: number;
  goods_owner_id: number;
  order_number: string;
  status_number: number;
  status_changed_at: Date;
  delivery_date: Date | null;
  data: Json;
  way_bill: string | null;
  return_way_bill: string | null;
  shipped_time: Date | null;
  last_picking_time: Date | null;
  last_returned_at: Date | null;
  tracking: Tracking[];
  parcels: Parcel[];
  created_at: Date;
  updated_at: Date;
}

export interface OrderLineRow {
  id: number;
  order_id: number;
  row_number: string;
  article_system_id: number;
  ordered: number;
  allocated: number;
  picked: number;
  packed: number;
  reported: number | null;
  returned: number;
  reported_returned: number | null;
  data: Json;
  picked_items: PickedItem[];
}

export interface OrderLineWithArticle extends OrderLineRow {
  article_number: string;
  article_name: string | null;
  product_code: string | null;
}

export async function linesOf(
  db: Knex | Knex.Transaction,
  orderIds: number[],
): Promise<Map<number, OrderLineWithArticle[]>> {
  const rows: OrderLineWithArticle[] = await db('order_lines as l')
    .join('articles as a', 'a.article_system_id', 'l.article_system_id')
    .whereIn('l.order_id', orderIds)
    .orderBy('l.id')
    .select(
      'l.*',
      'a.article_number',
      db.raw(`a.data->>'articleName' AS article_name`),
      db.raw(`a.data->>'productCode' AS product_code`),
    );
  const out = new Map<number, OrderLineWithArticle[]>();
  for (const r of rows) {
    const list = out.get(r.order_id) ?? [];
    list.push(r);
    out.set(r.order_id, list);
  }
  return out;
}

function lineOut(l: OrderLineWithArticle): Json {
  const d = l.data;
  return {
    id: l.id,
    rowNumber: l.row_number,
    article: {
      articleSystemId: l.article_system_id,
      articleNumber: l.article_number,
      articleName: l.article_name,
      productCode: l.product_code,
    },
    comment: d.comment ?? null,
    orderedNumberOfItems: l.ordered,
    allocatedNumberOfItems: l.allocated,
    pickedNumberOfItems: l.picked,
    packedNumberOfItems: l.packed,
    reportedNumberOfItems: l.reported,
    shouldBePicked: d.shouldBePicked ?? true,
    pickedArticleItems: l.picked_items.map((i) => ({ ...i, isPicked: true })),
    serialNumber: d.serialNumber ?? null,
    batchNumber: d.batchNumber ?? null,
    reportedReturnedNumberOfItems: l.reported_returned,
    prices: d.prices ?? null,
    externalId: d.externalId ?? null,
    returnedNumberOfItems: l.returned,
  };
}

interface ContractNames {
  transporter_code: string;
  transporter_name: string;
  services: TransporterService[];
}

function transporterOut(t: unknown, contracts: Map<string, ContractNames>): Json | null {
  if (!t || typeof t !== 'object') return null;
  const { transporterCode, transporterServiceCode } = t as {
    transporterCode?: string;
    transporterServiceCode?: string;
  };
  if (!transporterCode) return null;
  const c = contracts.get(transporterCode.toLowerCase());
  const service = c?.services.find(
    (s) => s.transporterServiceCode.toLowerCase() === transporterServiceCode?.toLowerCase(),
  );
  return {
    transporterName: c?.transporter_name ?? null,
    name: service?.transporterServiceName ?? null,
    code: c?.transporter_code ?? transporterCode,
    serviceCode: service?.transporterServiceCode ?? transporterServiceCode ?? null,
  };
}

/** Ongoing's GET model of the consignee has no VAT or organisation number, though a PUT takes both. */
function consigneeOut(consignee: unknown, stored: boolean): Json | null {
  if (!consignee || typeof consignee !== 'object') return null;
  if (stored) return consignee as Json;
  const { vatNumber: _v, organisationNumber: _o, ...rest } = consignee as Json;
  return rest;
}

/**
 * Orders in the API's GET shape; `stored: true` (the control path's state dump) adds what a PUT
 * stored but the GET model leaves out.
 */
export async function orderOut(
  store: Store,
  db: Knex | Knex.Transaction,
  orders: OrderRow[],
  opts: { stored?: boolean } = {},
): Promise<Json[]> {
  if (orders.length === 0) return [];
  const lines = await linesOf(
    db,
    orders.map((o) => o.order_id),
  );
  const texts = await statusTexts(db, 'order');
  const contractRows: ContractNames[] = await db('transporter_contracts').select(
    'transporter_code',
    'transporter_name',
    'services',
  );
  const contracts = new Map(contractRows.map((c) => [c.transporter_code.toLowerCase(), c]));
  const warehouse = await db('warehouses').orderBy('id').first('id', 'code', 'name');
  return orders.map((o) => {
    const d = o.data;
    const ls = lines.get(o.order_id) ?? [];
    const sum = (k: 'ordered' | 'allocated' | 'picked') => ls.reduce((s, l) => s + l[k], 0);
    return {
      goodsOwner: { id: o.goods_owner_id, name: store.goodsOwner(o.goods_owner_id)?.name ?? null },
      orderInfo: {
        orderId: o.order_id,
        orderNumber: o.order_number,
        goodsOwnerOrderId: d.goodsOwnerOrderId ?? null,
        referenceNumber: d.referenceNumber ?? null,
        orderRemark: d.orderRemark ?? null,
        deliveryInstruction: d.deliveryInstruction ?? null,
        servicePointCode: d.servicePointCode ?? null,
        freeText1: d.freeText1 ?? null,
        freeText2: d.freeText2 ?? null,
        freeText3: d.freeText3 ?? null,
        orderType: d.orderType ?? null,
        termsOfDeliveryType: d.termsOfDeliveryType ?? null,
        wayOfDelivery: d.wayOfDelivery ?? null,
        deliveryDate: utc(o.delivery_date),
        createdDate: utc(o.created_at),
        shippedTime: utc(o.shipped_time),
        wayBill: o.way_bill,
        returnWayBill: o.return_way_bill,
        orderStatus: statusOf(texts, o.status_number),
        emailNotification: d.emailNotification ?? null,
        smsNotification: d.smsNotification ?? null,
        telephoneNotification: d.telephoneNotification ?? null,
        orderedNumberOfItems: sum('ordered'),
        allocatedNumberOfItems: sum('allocated'),
        pickedNumberOfItems: sum('picked'),
        warehouse: warehouse ?? null,
        consigneeOrderNumber: d.consigneeOrderNumber ?? null,
        warehouseInstruction: d.warehouseInstruction ?? null,
        advanced: {
          backOrderInfo: d.backOrderForOrderId ? { backOrderForOrderId: d.backOrderForOrderId } : null,
        },
      },
      consignee: consigneeOut(d.consignee, opts.stored === true),
      parcels: o.parcels,
      orderLines: ls.map(lineOut),
      transporter: transporterOut(d.transporter, contracts),
      returnTransporter: transporterOut(d.returnTransporter, contracts),
      tracking: o.tracking,
      shipmentInfo: null,
    };
  });
}
