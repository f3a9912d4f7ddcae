/**
 * What the generator can see in Multicase before each action: the documents a user could act on
 * next, read fresh from the database (so whatever the pipeline booked meanwhile counts, and a new
 * run continues where an earlier one stopped). Lists are ordered by id, so two fresh databases
 * driven by the same seed read the same world.
 */
import type { Knex } from 'knex';

/** The warehouse the generator works in: Multicase's view of the Ongoing 3PL warehouse. */
export const GENERATOR_WAREHOUSE = 'MAIN';
/** Products the generator creates are numbered GEN-00001, GEN-00002, … */
export const GENERATED_PRODUCT_PREFIX = 'GEN-';

export interface ProductInfo {
  id: number;
  productNumber: string;
  description: string;
  weightKg: number | null;
  isService: boolean;
  supplierNumber: string | null;
  productGroup: string | null;
  /** Created by the generator (GEN-…). */
  generated: boolean;
  /** On any purchase- or sales-order line. */
  onDocuments: boolean;
  /** Stock in the warehouse less what open orders still need. */
  available: number;
  /**
   * May be put on new documents. Set by the runner: products that existed before the run, and
   * products created since once Ongoing has the article (so a document never outruns its article).
   */
  usable: boolean;
}

export interface PurchaseOrderInfo {
  purchaseOrderNumber: string;
  supplierNumber: string;
  status: 'open' | 'partly_received';
  expectedDate: string | null;
  reference: string | null;
  note: string | null;
  lines: {
    position: number;
    productNumber: string;
    quantityOrdered: number;
    quantityReceived: number;
    unitPrice: number | null;
  }[];
}

export interface PickingListInfo {
  pickingListNumber: string;
  orderNumber: string;
}

export interface ReturnableOrderInfo {
  orderNumber: string;
  lines: { position: number; productNumber: string; returnable: number }[];
}

export interface CustomerInfo {
  customerNumber: string;
  preferredShippingMethodId: number | null;
}

export interface World {
  /** UTC date the world was read, YYYY-MM-DD (base for expected and delivery dates). */
  today: string;
  /** Serial of the next GEN- product. */
  nextProductSerial: number;
  /** Active, not deleted products, oldest first (the most recent 500). */
  products: ProductInfo[];
  suppliers: string[];
  customers: CustomerInfo[];
  /** Active shipping methods (FreightIDs) that need no pickup point. */
  shippingMethodIds: number[];
  /** Open or partly received purchase orders of the warehouse. */
  purchaseOrders: PurchaseOrderInfo[];
  /** Orders with open quantities and no picking list at the warehouse. */
  sendableOrders: string[];
  /** Picking lists sent to the warehouse and not shipped yet. */
  pickingListsAtWarehouse: PickingListInfo[];
  /** Delivered orders with goods that can still be returned. */
  returnableOrders: ReturnableOrderInfo[];
  registeredReturns: string[];
  returnsAtWarehouse: string[];
}

type Row = Record<string, any>;
const S = 'multicase';

/** connectMulticase returns dates as 'YYYY-MM-DD'; a plain knex gives a local-midnight Date. */
function isoDate(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v);
}

export async function readWorld(db: Knex): Promise<World> {
  const warehouse = await db(`${S}.warehouses`).where({ code: GENERATOR_WAREHOUSE }).first('id');
  if (!warehouse)
    throw new Error(`the Multicase database has no warehouse ${GENERATOR_WAREHOUSE}: seed it first (seedDemoData)`);
  const wid = warehouse.id as number;

  const [productRows, reservedRows, onDocumentRows, serialRow, suppliers, customers, methods] = await Promise.all([
    db.raw(
      `SELECT * FROM (
         SELECT p.id, p.product_number, p.description, p.weight_kg, p.is_service, p.product_group, s.supplier_number,
                coalesce(st.quantity, 0) AS stock
           FROM ${S}.products p
           LEFT JOIN ${S}.suppliers s ON s.id = p.supplier_id
           LEFT JOIN ${S}.stock st ON st.product_id = p.id AND st.warehouse_id = ?
          WHERE p.is_active AND NOT p.is_deleted
          ORDER BY p.id DESC LIMIT 500) x
        ORDER BY id`,
      [wid],
    ),
    db.raw(
      `SELECT l.product_id, sum(l.quantity - l.quantity_delivered) AS reserved
         FROM ${S}.sales_order_lines l JOIN ${S}.sales_orders o ON o.id = l.sales_order_id
        WHERE o.warehouse_id = ? AND o.status IN ('open', 'sent_to_warehouse', 'partly_shipped')
        GROUP BY l.product_id`,
      [wid],
    ),
    db.raw(
      `SELECT product_id FROM ${S}.purchase_order_lines WHERE product_id IN (SELECT id FROM ${S}.products WHERE product_number LIKE ?)
       UNION
       SELECT product_id FROM ${S}.sales_order_lines WHERE product_id IN (SELECT id FROM ${S}.products WHERE product_number LIKE ?)`,
      [`${GENERATED_PRODUCT_PREFIX}%`, `${GENERATED_PRODUCT_PREFIX}%`],
    ),
    db.raw(`SELECT max((regexp_match(product_number, ?))[1]::int) AS serial FROM ${S}.products`, [
      `^${GENERATED_PRODUCT_PREFIX}([0-9]{1,9})$`,
    ]),
    db(`${S}.suppliers`).orderBy('id').select('supplier_number'),
    db(`${S}.customers`).orderBy('id').limit(500).select('customer_number', 'preferred_shipping_method_id'),
    // methods that need a pickup point are left out: the generator's orders carry none
    db(`${S}.shipping_methods`).where({ active: true, needs_pickup_point: false }).orderBy('id').select('id'),
  ]);
  const reserved = new Map<number, number>(
    (reservedRows.rows as Row[]).map((r) => [r.product_id as number, Number(r.reserved)]),
  );
  const onDocuments = new Set<number>((onDocumentRows.rows as Row[]).map((r) => r.product_id as number));
  const products: ProductInfo[] = (productRows.rows as Row[]).map((r) => ({
    id: r.id,
    productNumber: r.product_number,
    description: r.description,
    weightKg: r.weight_kg === null ? null : Number(r.weight_kg),
    isService: r.is_service,
    supplierNumber: r.supplier_number ?? null,
    productGroup: r.product_group ?? null,
    generated: String(r.product_number).startsWith(GENERATED_PRODUCT_PREFIX),
    onDocuments: onDocuments.has(r.id),
    available: Number(r.stock) - (reserved.get(r.id) ?? 0),
    usable: true,
  }));

  const [purchaseOrders, sendable, pickingLists, returnable, returns] = await Promise.all([
    readOpenPurchaseOrders(db, wid),
    db.raw(
      `SELECT o.order_number FROM ${S}.sales_orders o
        WHERE o.warehouse_id = ? AND o.status IN ('open', 'partly_shipped')
          AND NOT EXISTS (SELECT 1 FROM ${S}.picking_lists pl WHERE pl.sales_order_id = o.id AND pl.status = 'sent')
          AND EXISTS (SELECT 1 FROM ${S}.sales_order_lines l WHERE l.sales_order_id = o.id AND l.quantity > l.quantity_delivered)
        ORDER BY o.id DESC LIMIT 200`,
      [wid],
    ),
    db.raw(
      `SELECT pl.picking_list_number, o.order_number FROM ${S}.picking_lists pl JOIN ${S}.sales_orders o ON o.id = pl.sales_order_id
        WHERE o.warehouse_id = ? AND pl.status = 'sent' ORDER BY pl.id DESC LIMIT 300`,
      [wid],
    ),
    db.raw(
      `SELECT o.id, o.order_number, l.position, p.product_number,
              l.quantity_delivered - l.quantity_returned - coalesce((
                SELECT sum(rl.quantity - rl.quantity_received) FROM ${S}.return_order_lines rl
                  JOIN ${S}.return_orders r ON r.id = rl.return_order_id
                 WHERE rl.sales_order_line_id = l.id AND r.status IN ('registered', 'sent_to_warehouse', 'partly_received')), 0) AS returnable
         FROM (SELECT id, order_number FROM ${S}.sales_orders
                WHERE warehouse_id = ? AND status IN ('partly_shipped', 'shipped', 'invoiced') ORDER BY id DESC LIMIT 200) o
         JOIN ${S}.sales_order_lines l ON l.sales_order_id = o.id
         JOIN ${S}.products p ON p.id = l.product_id AND NOT p.is_service
        ORDER BY o.id, l.position`,
      [wid],
    ),
    db(`${S}.return_orders`)
      .where({ warehouse_id: wid })
      .whereIn('status', ['registered', 'sent_to_warehouse', 'partly_received'])
      .orderBy('id', 'desc')
      .limit(400)
      .select('return_number', 'status'),
  ]);

  const returnableOrders = new Map<string, ReturnableOrderInfo>();
  for (const r of returnable.rows as Row[]) {
    const n = Number(r.returnable);
    if (!(n > 0)) continue;
    const order: ReturnableOrderInfo = returnableOrders.get(r.order_number) ?? {
      orderNumber: r.order_number,
      lines: [],
    };
    order.lines.push({ position: r.position, productNumber: r.product_number, returnable: n });
    returnableOrders.set(r.order_number, order);
  }
  const oldestFirst = <T>(rows: T[]) => [...rows].reverse();
  const returnRows = oldestFirst(returns as Row[]);

  return {
    today: new Date().toISOString().slice(0, 10),
    nextProductSerial: Number((serialRow.rows as Row[])[0]?.serial ?? 0) + 1,
    products,
    suppliers: (suppliers as Row[]).map((r) => r.supplier_number),
    customers: (customers as Row[]).map((r) => ({
      customerNumber: r.customer_number,
      preferredShippingMethodId: r.preferred_shipping_method_id ?? null,
    })),
    shippingMethodIds: (methods as Row[]).map((r) => r.id),
    purchaseOrders,
    sendableOrders: oldestFirst(sendable.rows as Row[]).map((r) => r.order_number),
    pickingListsAtWarehouse: oldestFirst(pickingLists.rows as Row[]).map((r) => ({
      pickingListNumber: r.picking_list_number,
      orderNumber: r.order_number,
    })),
    returnableOrders: [...returnableOrders.values()],
    registeredReturns: returnRows.filter((r) => r.status === 'registered').map((r) => r.return_number),
    returnsAtWarehouse: returnRows
      .filter((r) => r.status === 'sent_to_warehouse' || r.status === 'partly_received')
      .map((r) => r.return_number),
  };
}

async function readOpenPurchaseOrders(db: Knex, warehouseId: number): Promise<PurchaseOrderInfo[]> {
  const heads: Row[] = await db(`${S}.purchase_orders as po`)
    .join(`${S}.suppliers as s`, 's.id', 'po.supplier_id')
    .where('po.warehouse_id', warehouseId)
    .whereIn('po.status', ['open', 'partly_received'])
    .orderBy('po.id', 'desc')
    .limit(300)
    .select(
      'po.id',
      'po.purchase_order_number',
      'po.status',
      'po.expected_date',
      'po.reference',
      'po.note',
      's.supplier_number',
    );
  if (heads.length === 0) return [];
  const lines: Row[] = await db(`${S}.purchase_order_lines as l`)
    .join(`${S}.products as p`, 'p.id', 'l.product_id')
    .whereIn(
      'l.purchase_order_id',
      heads.map((h) => h.id),
    )
    .orderBy(['l.purchase_order_id', 'l.position'])
    .select(
      'l.purchase_order_id',
      'l.position',
      'l.quantity_ordered',
      'l.quantity_received',
      'l.unit_price',
      'p.product_number',
    );
  return heads.reverse().map((h) => ({
    purchaseOrderNumber: h.purchase_order_number,
    supplierNumber: h.supplier_number,
    status: h.status,
    expectedDate: isoDate(h.expected_date),
    reference: h.reference ?? null,
    note: h.note ?? null,
    lines: lines
      .filter((l) => l.purchase_order_id === h.id)
      .map((l) => ({
        position: l.position,
        productNumber: l.product_number,
        quantityOrdered: Number(l.quantity_ordered),
        quantityReceived: Number(l.quantity_received),
        unitPrice: l.unit_price === null ? null : Number(l.unit_price),
      })),
  }));
}
