/** Stock counts. */
import type { Knex } from 'knex';
import { ValidationError } from '../../../../runtime/errors.js';
import { bookStockMovement } from '../../../../connectors/multicase/adapter/stock.js';
import { warehouseId } from './checks.js';

/** Sets the stock of a product in a warehouse (seeding, stock counts), booking the difference as a correction. */
export async function setStock(
  db: Knex,
  productNumber: string,
  warehouseCode: string,
  quantity: number,
  options: { reference?: string; cause?: string } = {},
): Promise<number> {
  const record = `stock of product ${productNumber} in ${warehouseCode}`;
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0)
    throw new ValidationError(record, 'quantity', `must be a number of at least 0, got ${String(quantity)}`);
  return db.transaction(async (trx) => {
    const product = await trx('multicase.products').where({ product_number: productNumber }).first('id', 'is_service');
    if (!product) throw new ValidationError(record, 'productNumber', 'names no known product');
    if (product.is_service)
      throw new ValidationError(record, 'productNumber', 'names a service item, which carries no stock');
    const warehouse = await warehouseId(trx, record, warehouseCode);
    const row = await trx('multicase.stock')
      .where({ product_id: product.id, warehouse_id: warehouse })
      .forUpdate()
      .first('quantity');
    const current = row ? Number(row.quantity) : 0;
    const change = Math.round((quantity - current) * 1000) / 1000;
    if (change === 0) return current;
    return bookStockMovement(trx, {
      productId: product.id as number,
      warehouseId: warehouse,
      quantityChange: change,
      kind: 'correction',
      reference: options.reference ?? null,
      cause: options.cause ?? 'stock set',
    });
  });
}
