/**
 * Multicase products as change events (flow 1, master data). Products are polled at a set
 * interval (default one minute): master data runs on a schedule, not on every save.
 */
import { topics } from '../../schemas/catalog.js';
import type { Product, ProductChanged } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { RejectedRow, SourceEvent } from '../../runtime/source.js';
import { envelope, num, operationOf, rejectOrEvent, str, type Row, type TableReader } from './table-source.js';

export const productSourceSettings = {
  productIntervalMs: setting.int('MULTICASE_PRODUCT_POLL_MS', {
    default: 60_000,
    min: 100,
    description: 'how often products are polled (master data runs on a schedule)',
  }),
};

/** A product row as an event; a row that cannot be one (no product number) is rejected. */
export function productRowToEvent(row: Row, snapshot: boolean, capturedAt: number): SourceEvent<ProductChanged> {
  const key = str(row.product_number)?.trim();
  if (!key) throw new ValidationError(`product row id ${String(row.id)}`, 'product_number', 'is missing');
  const after: Product = {
    productId: Number(row.id),
    productNumber: key,
    description: str(row.description) ?? '',
    description2: str(row.description2),
    ean: str(row.ean),
    unit: str(row.unit),
    weightKg: num(row.weight_kg),
    lengthCm: num(row.length_cm),
    widthCm: num(row.width_cm),
    heightCm: num(row.height_cm),
    volumeDm3: num(row.volume_dm3),
    isService: Boolean(row.is_service),
    isActive: Boolean(row.is_active),
    isDeleted: Boolean(row.is_deleted),
    supplierNumber: str(row.supplier_number),
    productGroup: str(row.product_group),
    countryOfOrigin: str(row.country_of_origin),
    customsCode: str(row.customs_code),
    netWeightKg: num(row.net_weight_kg),
    unitsPerPackage: num(row.units_per_package),
    costPrice: num(row.cost_price),
  };
  return {
    topic: topics.productChanged,
    key,
    value: { ...envelope('product', key, row, operationOf(row, snapshot, after.isDeleted), capturedAt), after },
  };
}

export const productReader: TableReader = {
  source: 'multicase.products',
  table: 'products',
  topic: topics.productChanged,
  async toEvents(trx, rows, snapshot) {
    const supplierIds = [...new Set(rows.map((r) => r.supplier_id).filter((v) => v !== null))];
    const suppliers = new Map<unknown, string>(
      supplierIds.length
        ? (
            await trx('multicase.suppliers')
              .whereIn('id', supplierIds as number[])
              .select('id', 'supplier_number')
          ).map((s: Row) => [s.id, String(s.supplier_number)])
        : [],
    );
    const events: SourceEvent[] = [];
    const rejected: RejectedRow[] = [];
    const now = Date.now();
    for (const row of rows) {
      const full = { ...row, supplier_number: suppliers.get(row.supplier_id) ?? null };
      rejectOrEvent(
        topics.productChanged as RejectedRow['topic'],
        full,
        str(row.product_number),
        () => productRowToEvent(full, snapshot, now) as SourceEvent,
        events,
        rejected,
      );
    }
    return { events, rejected };
  },
};
