/**
 * Flow 8, Multicase side: a stock change the warehouse made (a count, damage, a picking
 * discrepancy) is booked into stock and stock history, kind 'adjustment', referenced by the Ongoing
 * adjustment and caused by Ongoing's cause code and name (and, for a picking discrepancy, the
 * picking list and order it was found on). What is booked is what is not yet accounted for under
 * that reference, so a repeat books nothing. A fall is booked in full, releasing allocation if need
 * be; what Multicase cannot reconcile is raised as an integration exception, never dead-lettered
 * (bookWarehouseAdjustment).
 */
import { topics } from '../../schemas/catalog.js';
import type { StockAdjustment } from '../../schemas/types.generated.js';
import type { MulticaseTransaction } from '../../connectors/multicase/adapter/commands.js';
import {
  bookWarehouseAdjustment,
  withWhereFound,
  type AdjustmentBooked,
  type WarehouseAdjustment,
} from '../../connectors/multicase/adapter/stock-adjustments.js';
import { roundQuantity } from '../../connectors/multicase/adapter/values.js';
import type { MulticaseCommandHandler } from './sink.js';

const STAGE = 'sink.multicase.stock-adjustment';

/** Ongoing's cause code and name, as the stock history gives the cause. */
const ongoingCause = (a: Pick<StockAdjustment, 'causeCode' | 'causeName'>): string =>
  [a.causeCode, a.causeName].filter((x) => x && x.trim() !== '').join(' ') || 'stock changed in the warehouse';

/** The stock-history cause: Ongoing's cause code and name, and where a picking discrepancy was found. */
export const causeText = (
  a: Pick<StockAdjustment, 'causeCode' | 'causeName' | 'pickingListNumber'>,
  orderNumber: string | null,
): string => withWhereFound(ongoingCause(a), a.pickingListNumber, orderNumber);

const adjustmentOf = (a: StockAdjustment): WarehouseAdjustment => ({
  adjustmentId: a.adjustmentId,
  productNumber: a.productNumber,
  warehouseCode: a.warehouseCode,
  // Rounded to Multicase's precision once, here, where the command is read.
  quantityChange: roundQuantity(a.quantityChange),
  cause: ongoingCause(a),
  pickingListNumber: a.pickingListNumber,
});

/** What was booked, released and not booked; null when the adjustment was booked already. */
export const bookStockAdjustment = (
  trx: MulticaseTransaction,
  a: StockAdjustment,
  eventId: string,
): Promise<AdjustmentBooked | null> => bookWarehouseAdjustment(trx, adjustmentOf(a), { stage: STAGE, eventId });

export const stockAdjustmentHandler: MulticaseCommandHandler<StockAdjustment> = {
  name: STAGE,
  input: topics.stockAdjust,
  apply: async (trx, payload, command) => {
    await bookStockAdjustment(trx, payload, command.commandId);
  },
};
