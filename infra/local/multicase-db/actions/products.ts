/** Products: create, change and (soft) delete. */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { getProduct, type Product } from '../reads.js';
import { countryCode, notNegative, optionalText, text, type Row } from './checks.js';

export interface ProductFields {
  description?: string;
  description2?: string | null;
  ean?: string | null;
  unit?: string;
  weightKg?: number | null;
  lengthCm?: number | null;
  widthCm?: number | null;
  heightCm?: number | null;
  volumeDm3?: number | null;
  /** A service item (freight, fee) is sold and sent to Ongoing as an article, but never stocked. */
  isService?: boolean;
  isActive?: boolean;
  supplierNumber?: string | null;
  productGroup?: string | null;
  /** ISO 3166 two-letter code of the country the goods were made in. */
  countryOfOrigin?: string | null;
  /** Customs tariff number: HS (6 digits), CN (8) or TARIC (10). */
  customsCode?: string | null;
  netWeightKg?: number | null;
  unitsPerPackage?: number | null;
  /** SupplierCostPrice: what stock is valued at. */
  costPrice?: number | null;
}

export interface ProductInput extends ProductFields {
  productNumber: string;
  description: string;
}

/** Column values for the fields present in `input` (absent fields are left alone). */
async function productColumns(db: Knex, record: string, input: ProductFields): Promise<Row> {
  const row: Row = {};
  const has = (k: keyof ProductFields) => Object.prototype.hasOwnProperty.call(input, k) && input[k] !== undefined;
  if (has('description')) row.description = text(record, 'description', input.description);
  if (has('description2')) row.description2 = optionalText(record, 'description2', input.description2);
  if (has('ean')) {
    const ean = optionalText(record, 'ean', input.ean);
    if (ean !== null && !/^([0-9]{8}|[0-9]{12,14})$/.test(ean))
      throw new ValidationError(record, 'ean', `must be 8, 12, 13 or 14 digits, got ${JSON.stringify(ean)}`);
    row.ean = ean;
  }
  if (has('unit')) row.unit = text(record, 'unit', input.unit);
  if (has('weightKg')) row.weight_kg = notNegative(record, 'weightKg', input.weightKg);
  if (has('lengthCm')) row.length_cm = notNegative(record, 'lengthCm', input.lengthCm);
  if (has('widthCm')) row.width_cm = notNegative(record, 'widthCm', input.widthCm);
  if (has('heightCm')) row.height_cm = notNegative(record, 'heightCm', input.heightCm);
  if (has('volumeDm3')) row.volume_dm3 = notNegative(record, 'volumeDm3', input.volumeDm3);
  for (const k of ['isService', 'isActive'] as const) {
    if (!has(k)) continue;
    if (typeof input[k] !== 'boolean') throw new ValidationError(record, k, 'must be true or false');
    row[k === 'isService' ? 'is_service' : 'is_active'] = input[k];
  }
  if (has('supplierNumber')) {
    const n = optionalText(record, 'supplierNumber', input.supplierNumber);
    if (n === null) row.supplier_id = null;
    else {
      const s = await db('multicase.suppliers').where({ supplier_number: n }).first('id');
      if (!s) throw new ValidationError(record, 'supplierNumber', `names no known supplier (${n})`);
      row.supplier_id = s.id;
    }
  }
  if (has('productGroup')) row.product_group = optionalText(record, 'productGroup', input.productGroup);
  if (has('countryOfOrigin')) {
    const code = optionalText(record, 'countryOfOrigin', input.countryOfOrigin);
    row.country_of_origin = code === null ? null : countryCode(record, 'countryOfOrigin', code);
  }
  if (has('customsCode')) {
    const code = optionalText(record, 'customsCode', input.customsCode);
    if (code !== null && !/^[0-9]{6,10}$/.test(code))
      throw new ValidationError(
        record,
        'customsCode',
        `must be a tariff number of 6 to 10 digits, got ${JSON.stringify(code)}`,
      );
    row.customs_code = code;
  }
  if (has('netWeightKg')) row.net_weight_kg = notNegative(record, 'netWeightKg', input.netWeightKg);
  if (has('unitsPerPackage')) {
    const n = input.unitsPerPackage;
    if (n !== null && (typeof n !== 'number' || !Number.isInteger(n) || n < 1))
      throw new ValidationError(record, 'unitsPerPackage', `must be a whole number from 1, got ${String(n)}`);
    row.units_per_package = n;
  }
  if (has('costPrice')) row.cost_price = notNegative(record, 'costPrice', input.costPrice);
  return row;
}

export async function createProduct(db: Knex, input: ProductInput): Promise<Product> {
  const number = text('product', 'productNumber', input.productNumber);
  const record = `product ${number}`;
  return db.transaction(async (trx) => {
    const row = await productColumns(trx, record, input);
    if (row.description === undefined)
      throw new ValidationError(record, 'description', 'is required and must be non-empty text');
    if (await trx('multicase.products').where({ product_number: number }).first('id'))
      throw new ValidationError(record, 'productNumber', 'already exists');
    await trx('multicase.products').insert({ ...row, product_number: number });
    return (await getProduct(trx, number))!;
  });
}

/** Changes the given fields; `isActive: false` deactivates, `isService: true` makes it a service item. */
export async function updateProduct(db: Knex, productNumber: string, changes: ProductFields): Promise<Product> {
  const record = `product ${productNumber}`;
  return db.transaction(async (trx) => {
    const current = await trx('multicase.products')
      .where({ product_number: productNumber })
      .forUpdate()
      .first('id', 'is_service', 'is_deleted');
    if (!current) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (current.is_deleted)
      throw new ValidationError(record, 'isDeleted', 'is true: a deleted product cannot be changed');
    const row = await productColumns(trx, record, changes);
    if (row.is_service === true && !current.is_service) {
      const stocked: Row | undefined = await trx('multicase.stock as s')
        .join('multicase.warehouses as w', 'w.id', 's.warehouse_id')
        .where('s.product_id', current.id)
        .where('s.quantity', '<>', 0)
        .first('s.quantity', 'w.code');
      if (stocked)
        throw new ValidationError(
          record,
          'isService',
          `cannot be set while the product has stock (${Number(stocked.quantity)} in ${String(stocked.code)})`,
        );
    }
    if (Object.keys(row).length > 0) await trx('multicase.products').where({ id: current.id }).update(row);
    return (await getProduct(trx, productNumber))!;
  });
}

/** Soft delete: the row stays (is_deleted, inactive) so change capture reports the deletion. Deleting twice changes nothing. */
export async function deleteProduct(db: Knex, productNumber: string): Promise<Product> {
  const record = `product ${productNumber}`;
  return db.transaction(async (trx) => {
    const current = await trx('multicase.products')
      .where({ product_number: productNumber })
      .forUpdate()
      .first('id', 'is_deleted');
    if (!current) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (!current.is_deleted)
      await trx('multicase.products').where({ id: current.id }).update({ is_deleted: true, is_active: false });
    return (await getProduct(trx, productNumber))!;
  });
}
