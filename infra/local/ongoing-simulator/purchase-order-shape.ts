/**
 * Rows of the purchase-order tables and the PurchaseOrder GET shape built from them
 * (`purchaseOrderInfo`, `supplierInfo`, `purchaseOrderLines[]` with `articleItems[]`).
 */
import type { Knex } from 'knex';
import { utc, type Json } from './http.js';
import { statusOf, statusTexts } from './reference-data.js';
import type { Store } from './store.js';

export interface ReceivedItem {
  originalArticleItemId: number;
  numberOfItems: number;
  inDate: string;
  serial: string | null;
  batchNumber: string | null;
  expiryDate: string | null;
  location: string | null;
  comment: string | null;
}

export interface PurchaseOrderRow {
  purchase_order_id: number;
  goods_owner_id: number;
  purchase_order_number: string;
  status_number: number;
  status_changed_at: Date;
  in_date: Date | null;
  data: Json;
  last_receive_time: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface PurchaseOrderLineRow {
  id: number;
  purchase_order_id: number;
  row_number: string;
  article_system_id: number;
  advised: number;
  received: number;
  reported: number | null;
  article_items: ReceivedItem[];
  data: Json;
}

interface LineWithArticle extends PurchaseOrderLineRow {
  article_number: string;
  article_name: string | null;
  product_code: string | null;
}

export async function purchaseOrderOut(
  store: Store,
  db: Knex | Knex.Transaction,
  rows: PurchaseOrderRow[],
): Promise<Json[]> {
  if (rows.length === 0) return [];
  const lines: LineWithArticle[] = await db('purchase_order_lines as l')
    .join('articles as a', 'a.article_system_id', 'l.article_system_id')
    .whereIn(
      'l.purchase_order_id',
      rows.map((r) => r.purchase_order_id),
    )
    .orderBy('l.id')
    .select(
      'l.*',
      'a.article_number',
      db.raw(`a.data->>'articleName' AS article_name`),
      db.raw(`a.data->>'productCode' AS product_code`),
    );
  const texts = await statusTexts(db, 'purchaseOrder');
  return rows.map((p) => {
    const d = p.data;
    return {
      goodsOwner: { id: p.goods_owner_id, name: store.goodsOwner(p.goods_owner_id)?.name ?? null },
      purchaseOrderInfo: {
        purchaseOrderId: p.purchase_order_id,
        purchaseOrderNumber: p.purchase_order_number,
        supplierOrderNumber: d.supplierOrderNumber ?? null,
        goodsOwnerReference: d.goodsOwnerReference ?? null,
        referenceNumber: d.referenceNumber ?? null,
        purchaseOrderStatus: statusOf(texts, p.status_number),
        purchaseOrderType: d.purchaseOrderType ?? null,
        inDate: utc(p.in_date),
        purchaseOrderRemark: d.purchaseOrderRemark ?? null,
        createdDate: utc(p.created_at),
        advanced: d.advanced ?? null,
      },
      supplierInfo: d.supplierInfo ?? null,
      purchaseOrderLines: lines
        .filter((l) => l.purchase_order_id === p.purchase_order_id)
        .map((l) => ({
          id: l.id,
          rowNumber: l.row_number,
          article: {
            articleSystemId: l.article_system_id,
            articleNumber: l.article_number,
            articleName: l.article_name,
            productCode: l.product_code,
          },
          comment: l.data.comment ?? null,
          advisedNumberOfItems: l.advised,
          receivedNumberOfItems: l.received,
          reportedNumberOfItems: l.reported,
          articleItems: l.article_items,
        })),
    };
  });
}
