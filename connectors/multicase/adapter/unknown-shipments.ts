/**
 * A shipment of an order the pipeline did not create (made by hand in Ongoing, or by another
 * system; no picking list of Multicase matches it): the goods left the warehouse, so they are taken
 * off hand in Multicase, referenced "Ongoing order <number>", and an integration exception,
 * shipment_of_unknown_order, names the lines. Nothing is invoiced: there is no Multicase order to
 * invoice, the user decides. Each report books the difference to what the fact ledger has for the
 * order's lines, so a repeat books nothing and a later part books its own.
 */
import type { MulticaseTransaction } from './commands.js';
import { raiseException, type RaisedBy } from './exceptions.js';
import { accountFor, lineDelta } from './fact-ledger.js';
import { integratedWarehouseId, productOf, shipmentLedgerLine, type WarehouseShipment } from './warehouse-shipment.js';
import { bookStockMovement } from './stock.js';
import { takeOffHand } from './stock-out.js';
import { roundQuantity } from './values.js';

export const ongoingOrderReference = (ongoingOrderNumber: string) => `Ongoing order ${ongoingOrderNumber}`;

export async function bookShipmentOfUnknownOrder(
  trx: MulticaseTransaction,
  shipment: WarehouseShipment,
  why: string,
  by: RaisedBy,
): Promise<void> {
  const reference = ongoingOrderReference(shipment.ongoingOrderNumber);
  const warehouseId = await integratedWarehouseId(trx, shipment.warehouseCode, `shipment of ${reference}`);
  const shipped: { productNumber: string; productId: number | null; quantity: number }[] = [];
  for (const line of shipment.lines) {
    const product = await productOf(trx, line.productNumber);
    const ledger = shipmentLedgerLine(shipment, line, product?.id ?? null);
    const total = roundQuantity(line.totalShipped);
    const { delta } = await lineDelta(trx, ledger, total);
    if (delta !== 0 && product && !product.isService) {
      if (delta > 0)
        await takeOffHand(
          trx,
          {
            productId: product.id,
            productNumber: line.productNumber,
            warehouseId,
            quantity: delta,
            reference,
            cause: `shipped by the warehouse on ${reference}, not created by the integration`,
            document: { type: 'ongoing_order', number: shipment.ongoingOrderNumber },
          },
          by,
        );
      else
        await bookStockMovement(trx, {
          productId: product.id,
          warehouseId,
          quantityChange: -delta,
          kind: 'correction',
          reference,
          cause: 'the warehouse lowered what it shipped',
          eventId: by.eventId,
        });
    }
    if (delta > 0) shipped.push({ productNumber: line.productNumber, productId: product?.id ?? null, quantity: delta });
    await accountFor(trx, ledger, total, by.eventId);
  }
  if (shipped.length === 0) return;
  const total = roundQuantity(shipped.reduce((s, l) => s + l.quantity, 0));
  const what = shipped
    .map(
      (l) =>
        `${l.quantity} × ${l.productNumber}${l.productId === null ? ' (not a Multicase product: not booked)' : ''}`,
    )
    .join(', ');
  await raiseException(
    trx,
    {
      kind: 'shipment_of_unknown_order',
      document: { type: 'ongoing_order', number: shipment.ongoingOrderNumber },
      productId: shipped.length === 1 ? shipped[0]!.productId : null,
      warehouseId,
      reported: total,
      booked: total,
      reason:
        `The warehouse shipped ${reference}, which the integration did not create (${why}): ${what}. ` +
        `The goods were taken off stock (reference "${reference}"); nothing was invoiced.`,
      details: {
        ongoingOrderId: shipment.ongoingOrderId,
        why,
        lines: shipped,
        waybill: shipment.waybill,
        trackingUrl: shipment.trackingUrl,
      },
    },
    by,
  );
}
