/**
 * Flow 8: a stock change booked in the warehouse becomes a stock adjustment of the Multicase
 * warehouse Ongoing runs. Ongoing holds the physical truth, so the change is passed on as it is;
 * what Multicase's model cannot take (stock below zero or below what is allocated) is the sink's
 * to flag. An adjustment in another Ongoing warehouse (Ongoing names its warehouse by its own code,
 * ONGOING_WAREHOUSE_CODE) is not ours.
 */
import { topics } from '../schemas/catalog.js';
import type { InventoryAdjusted, StockAdjustment } from '../schemas/types.generated.js';
import { ValidationError } from '../runtime/errors.js';
import type { Lookups, ProcessorSpec } from './processor.js';
import { requireText } from './validate.js';

/** The reference of an Ongoing adjustment in Multicase's stock history. */
export const adjustmentReference = (inventoryId: number, articleSystemId: number): string =>
  `inventory ${inventoryId}/article ${articleSystemId}`;

export function inventoryAdjustmentToStock(
  event: InventoryAdjusted,
  lookups: Pick<Lookups, 'integratedWarehouse' | 'integratedWarehouseOngoingCode'>,
): StockAdjustment | null {
  const a = event.after;
  if (a === null) return null;
  const record = `Ongoing inventory adjustment ${a.inventoryId}/${a.articleSystemId}`;
  // Ongoing names its warehouse by its own code (ONGOING_WAREHOUSE_CODE), not necessarily Multicase's.
  const ours = lookups.integratedWarehouseOngoingCode ?? lookups.integratedWarehouse;
  if (a.warehouse !== null && a.warehouse.trim() !== '' && a.warehouse.trim() !== ours) return null;
  const productNumber = requireText(record, 'articleNumber', a.articleNumber);
  if (!Number.isFinite(a.numberOfItems))
    throw new ValidationError(record, 'numberOfItems', `is not a number: ${a.numberOfItems}`);
  return {
    adjustmentId: adjustmentReference(a.inventoryId, a.articleSystemId),
    productNumber,
    quantityChange: a.numberOfItems,
    adjustedAt: a.adjustedAt,
    causeCode: a.causeCode,
    causeName: a.causeName,
    comment: a.comment,
    // Ongoing's order number is the Multicase picking-list number (flow 4).
    pickingListNumber: a.pickedOrderNumber,
    warehouseCode: lookups.integratedWarehouse,
  };
}

export const inventoryAdjustmentToStockProcessor: ProcessorSpec<InventoryAdjusted> = {
  name: 'processor.inventory-adjustment-to-stock',
  input: topics.inventoryAdjusted,
  output: topics.stockAdjust,
  map: (event, lookups) => inventoryAdjustmentToStock(event, lookups),
};
