/**
 * Quantities the warehouse delivered on one picking list that the user had meanwhile sent again on
 * another (after a refused cancel, or as the back order of a list shipped short) can no longer be
 * delivered twice: they come off those other picking lists, newest first. A list left with nothing
 * is cancelled. Either way the list changes, so flow 4 tells the warehouse (an update of the
 * order, or its cancel, which Ongoing refuses once picking started; the refusal is noted in the
 * order's history as any other).
 */
import type { MulticaseTransaction } from './commands.js';
import { pick, readRows } from './columns.js';
import { tables } from './tables.js';
import { roundQuantity, type Quantity } from './values.js';

export interface Withdrawn {
  pickingListNumber: string;
  pickingListId: number;
  quantity: Quantity;
  /** Nothing was left on it. */
  cancelled: boolean;
}

const SENT_LINE = {
  ...pick(tables.picking_list_lines, 'id', 'quantity', 'picking_list_id'),
  ...pick(tables.picking_lists, 'picking_list_number'),
};

/**
 * Takes `quantity` of order line `orderLineId` off the order's picking lists at the warehouse
 * other than `exceptListId`, newest first; returns what came off which list. The order line's own
 * sent quantity is the caller's to set.
 */
export async function withdrawFromOtherLists(
  trx: MulticaseTransaction,
  orderLineId: number,
  quantity: Quantity,
  exceptListId: number,
): Promise<Withdrawn[]> {
  const lines = readRows(
    SENT_LINE,
    await trx('multicase.picking_list_lines as pll')
      .join('multicase.picking_lists as pl', 'pl.id', 'pll.picking_list_id')
      .where({ 'pll.sales_order_line_id': orderLineId, 'pl.status': 'sent' })
      .whereNot('pl.id', exceptListId)
      .orderBy('pl.id', 'desc')
      .forUpdate('pl', 'pll')
      .select('pll.id', 'pll.quantity', 'pll.picking_list_id', 'pl.picking_list_number'),
  );
  const withdrawn: Withdrawn[] = [];
  let left = quantity;
  for (const line of lines) {
    if (left <= 0) break;
    const take = Math.min(left, line.quantity);
    left = roundQuantity(left - take);
    if (take < line.quantity)
      await trx('multicase.picking_list_lines')
        .where('id', line.id)
        .update({ quantity: roundQuantity(line.quantity - take) });
    else await trx('multicase.picking_list_lines').where('id', line.id).delete();
    const rest = await trx('multicase.picking_list_lines').where('picking_list_id', line.picking_list_id).first('id');
    await trx('multicase.picking_lists')
      .where('id', line.picking_list_id)
      .update({ ...(rest ? {} : { status: 'cancelled' }), updated_at: trx.fn.now() });
    withdrawn.push({
      pickingListNumber: line.picking_list_number,
      pickingListId: line.picking_list_id,
      quantity: roundQuantity(take),
      cancelled: !rest,
    });
  }
  return withdrawn;
}
