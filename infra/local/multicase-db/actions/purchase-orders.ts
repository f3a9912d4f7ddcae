/** Purchase orders: save (create or replace), close short and cancel. */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { allocateNumber } from '../../../../connectors/multicase/adapter/number-series.js';
import { getPurchaseOrder, type PurchaseOrder } from '../reads.js';
import {
  isoDate,
  lineField,
  notNegative,
  optionalText,
  position,
  positive,
  productsByNumber,
  text,
  uniquePositions,
  warehouseId,
  type Row,
} from './checks.js';

export interface PurchaseOrderLineInput {
  position: number;
  productNumber: string;
  quantityOrdered: number;
  unitPrice?: number | null;
}

export interface PurchaseOrderInput {
  /** Omit to create a new PO with the next number; give an existing number to change that PO. */
  purchaseOrderNumber?: string;
  supplierNumber: string;
  warehouseCode: string;
  expectedDate?: string | null;
  reference?: string | null;
  note?: string | null;
  /** DeliveryTxt: receiving instructions for the warehouse. */
  deliveryText?: string | null;
  /** The complete set of lines: lines are matched by position; positions left out are removed. */
  lines: PurchaseOrderLineInput[];
}

/**
 * Saves a purchase order as the user's form: creates it, or replaces its header and lines
 * (matched by position). Refuses a received or cancelled PO, and removing or re-pointing a line
 * that has goods received against it.
 */
export async function savePurchaseOrder(db: Knex, input: PurchaseOrderInput): Promise<PurchaseOrder> {
  return db.transaction(async (trx) => {
    const number =
      input.purchaseOrderNumber === undefined
        ? await allocateNumber(trx, 'purchase_order')
        : text('purchase order', 'purchaseOrderNumber', input.purchaseOrderNumber);
    const record = `purchase order ${number}`;

    const supplierNumber = text(record, 'supplierNumber', input.supplierNumber);
    const supplier = await trx('multicase.suppliers').where({ supplier_number: supplierNumber }).first('id');
    if (!supplier) throw new ValidationError(record, 'supplierNumber', `names no known supplier (${supplierNumber})`);
    const header = {
      supplier_id: supplier.id as number,
      warehouse_id: await warehouseId(trx, record, input.warehouseCode),
      expected_date: isoDate(record, 'expectedDate', input.expectedDate),
      reference: optionalText(record, 'reference', input.reference),
      note: optionalText(record, 'note', input.note),
      delivery_text: optionalText(record, 'deliveryText', input.deliveryText),
    };

    if (!Array.isArray(input.lines) || input.lines.length === 0)
      throw new ValidationError(record, 'lines', 'must hold at least one line');
    const lines = input.lines.map((l, i) => {
      const pos = position(record, `lines[${i}].position`, l.position);
      return {
        position: pos,
        productNumber: text(record, lineField(pos, 'productNumber'), l.productNumber),
        quantityOrdered: positive(record, lineField(pos, 'quantityOrdered'), l.quantityOrdered),
        unitPrice: notNegative(record, lineField(pos, 'unitPrice'), l.unitPrice),
      };
    });
    uniquePositions(
      record,
      lines.map((l) => l.position),
    );
    const products = await productsByNumber(trx, record, lines, 'purchase');

    const existing = await trx('multicase.purchase_orders')
      .where({ purchase_order_number: number })
      .forUpdate()
      .first('id', 'status');
    let poId: number;
    if (existing) {
      if (['received', 'closed', 'cancelled'].includes(existing.status as string))
        throw new ValidationError(
          record,
          'status',
          `is ${existing.status as string}: a received, closed or cancelled purchase order cannot be changed`,
        );
      poId = existing.id as number;
      await trx('multicase.purchase_orders').where({ id: poId }).update(header);
    } else {
      const [created] = await trx('multicase.purchase_orders')
        .insert({ ...header, purchase_order_number: number })
        .returning('id');
      poId = created.id as number;
    }

    const current: Row[] = await trx('multicase.purchase_order_lines')
      .where({ purchase_order_id: poId })
      .select('id', 'position', 'product_id', 'quantity_received');
    const byPosition = new Map(current.map((r) => [r.position as number, r]));
    const wanted = new Set(lines.map((l) => l.position));
    for (const old of current) {
      if (wanted.has(old.position as number)) continue;
      if (Number(old.quantity_received) > 0)
        throw new ValidationError(
          record,
          lineField(old.position as number, 'position'),
          'has goods received and cannot be removed',
        );
      await trx('multicase.purchase_order_lines').where({ id: old.id }).delete();
    }
    for (const l of lines) {
      const productId = products.get(l.productNumber)!.id as number;
      const old = byPosition.get(l.position);
      const values = { product_id: productId, quantity_ordered: l.quantityOrdered, unit_price: l.unitPrice };
      if (!old) {
        await trx('multicase.purchase_order_lines').insert({
          ...values,
          purchase_order_id: poId,
          position: l.position,
        });
        continue;
      }
      if (old.product_id !== productId && Number(old.quantity_received) > 0)
        throw new ValidationError(
          record,
          lineField(l.position, 'productNumber'),
          'cannot change on a line with goods received',
        );
      await trx('multicase.purchase_order_lines').where({ id: old.id }).update(values);
    }
    return (await getPurchaseOrder(trx, number))!;
  });
}

/**
 * Ends a purchase order that is not fully received. With nothing received it is cancelled; once
 * goods have arrived it is closed: what arrived stays booked, and the warehouse is told to expect
 * nothing more. Ending an ended one changes nothing.
 */
async function endPurchaseOrder(db: Knex, purchaseOrderNumber: string): Promise<PurchaseOrder> {
  const record = `purchase order ${purchaseOrderNumber}`;
  return db.transaction(async (trx) => {
    const po = await trx('multicase.purchase_orders')
      .where({ purchase_order_number: purchaseOrderNumber })
      .forUpdate()
      .first('id', 'status');
    if (!po) throw new ValidationError(record, 'purchaseOrderNumber', 'names no known purchase order');
    if (po.status === 'received')
      throw new ValidationError(record, 'status', 'is received: a fully received purchase order cannot be ended');
    if (po.status !== 'cancelled' && po.status !== 'closed') {
      const received = await trx('multicase.purchase_order_lines')
        .where({ purchase_order_id: po.id })
        .where('quantity_received', '>', 0)
        .first('id');
      await trx('multicase.purchase_orders')
        .where({ id: po.id })
        .update({ status: received ? 'closed' : 'cancelled' });
    }
    return (await getPurchaseOrder(trx, purchaseOrderNumber))!;
  });
}

/** Closes a purchase order short: nothing more is expected (cancelled when nothing arrived yet). */
export const closePurchaseOrder = endPurchaseOrder;

/** Cancels a purchase order; one with goods received is closed instead, as a cancel cannot take back what arrived. */
export const cancelPurchaseOrder = endPurchaseOrder;
