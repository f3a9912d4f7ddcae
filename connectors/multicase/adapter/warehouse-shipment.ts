/**
 * A shipment as the warehouse reports it (flow 6's command, for the adapter), the fact-ledger line
 * of each of its Ongoing order lines, and the lookups its booking shares.
 */
import { ConfigurationFault } from '../../../runtime/errors.js';
import type { MulticaseTransaction } from './commands.js';
import { pick, readFirst } from './columns.js';
import type { WarehouseLine } from './fact-ledger.js';
import type { OrderLine, PickingListLine } from './sales-orders.js';
import { tables } from './tables.js';
import type { Quantity } from './values.js';

export interface WarehouseShipmentLine {
  /** Ongoing's order line: the ledger's key (older commands lack it, then the row number is). */
  ongoingLineId: number | null;
  rowNumber: string | null;
  /** The picking-list position the row number names, if any. */
  position: number | null;
  productNumber: string;
  /** Total shipped so far on the line. */
  totalShipped: Quantity;
}

export interface WarehouseShipment {
  /** Null: an order the pipeline did not create. */
  pickingListNumber: string | null;
  ongoingOrderId: number;
  /** Ongoing's number of the order: the picking list's, or a back order's, or one the pipeline did not create. */
  ongoingOrderNumber: string;
  /** Why it is taken for an order the pipeline did not create. */
  notCreatedByPipeline: string | null;
  /** The Multicase warehouse Ongoing runs (for an order Multicase does not know). */
  warehouseCode: string | null;
  /** Null: now. */
  shippedAt: number | null;
  carrier: string | null;
  waybill: string | null;
  trackingUrl: string | null;
  lines: readonly WarehouseShipmentLine[];
}

export const shipmentLedgerLine = (
  s: Pick<WarehouseShipment, 'ongoingOrderId' | 'ongoingOrderNumber'>,
  line: Pick<WarehouseShipmentLine, 'ongoingLineId' | 'rowNumber' | 'position'>,
  productId: number | null,
): WarehouseLine => ({
  kind: 'shipment',
  documentId: s.ongoingOrderId,
  lineKey: line.ongoingLineId ?? `row ${line.rowNumber ?? line.position}`,
  documentNumber: s.ongoingOrderNumber,
  productId,
});

export interface Product {
  id: number;
  isService: boolean;
}

/** A Multicase product by number; null when Multicase has none. */
export async function productOf(trx: MulticaseTransaction, productNumber: string): Promise<Product | null> {
  const row = readFirst(
    pick(tables.products, 'id', 'is_service'),
    await trx('multicase.products').where('product_number', productNumber).first('id', 'is_service'),
  );
  return row ? { id: row.id, isService: row.is_service } : null;
}

/** The Multicase warehouse Ongoing runs, by its code (MULTICASE_ONGOING_WAREHOUSE). */
export async function integratedWarehouseId(trx: MulticaseTransaction, code: string | null, record: string) {
  const row = code
    ? readFirst(pick(tables.warehouses, 'id'), await trx('multicase.warehouses').where('code', code).first('id'))
    : undefined;
  // The code comes from configuration: no record can pass until it is fixed.
  if (!row)
    throw new ConfigurationFault(
      `${record}: warehouse ${code ?? '(none)'} (MULTICASE_ONGOING_WAREHOUSE) is not a Multicase warehouse`,
    );
  return row.id;
}

/**
 * The order line an Ongoing line is for: the picking-list position its row number names when that
 * holds the same article, else the one line of the picking list, or of the order, with that article.
 */
export function orderLineFor(
  line: { position: number | null; productNumber: string },
  listLines: readonly PickingListLine[],
  orderLines: readonly OrderLine[],
): OrderLine | null {
  const byId = (id: number) => orderLines.find((l) => l.id === id) ?? null;
  const atPosition = listLines.find((l) => l.position === line.position && l.product_number === line.productNumber);
  if (atPosition) return byId(atPosition.sales_order_line_id);
  const onList = listLines.filter((l) => l.product_number === line.productNumber);
  if (onList.length === 1) return byId(onList[0]!.sales_order_line_id);
  const onOrder = orderLines.filter((l) => l.product_number === line.productNumber);
  return onOrder.length === 1 ? onOrder[0]! : null;
}
