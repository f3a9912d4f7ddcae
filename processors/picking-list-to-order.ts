/**
 * Flows 4 and 5: a picking list a Multicase user sent becomes an Ongoing outbound order, with its
 * freight method translated into Ongoing's way of delivery and transporter.
 *
 * - The picking-list number is Ongoing's order number; the Multicase order number is its reference.
 * - Only the warehouse Ongoing runs (MULTICASE_ONGOING_WAREHOUSE). A picking list of another
 *   warehouse (moved away after it was sent, or never there) and a cancelled one become a cancel,
 *   always: the Ongoing sink sees the commands of one order in order and knows whether it reached
 *   Ongoing, so a cancel is not lost while the sink is behind with the upsert it cancels.
 * - A change of the order after it was sent (address, freight method, pickup point, delivery
 *   date, invoice address, remark, …) reaches the picking list (the source reads it again) and goes
 *   out as an upsert of the whole order, which Ongoing refuses once the warehouse has started.
 * - A freight method without a mapping in `state.shipping-method-map`, or one taken out of use,
 *   holds the picking list: it is parked (other picking lists go on) until the mapping appears,
 *   then goes out by itself. It is never dead-lettered for that: the record is fine, the setup is not.
 * - A line whose article has not reached Ongoing yet waits for it, ID_MAP_GRACE_MS at most.
 */
import { topics } from '../schemas/catalog.js';
import type { OrderReleased, OrderUpsert } from '../schemas/types.generated.js';
import { NotYetAvailableError, ValidationError } from '../runtime/errors.js';
import { requireArticlesInOngoing, type Lookups, type ProcessorSpec } from './processor.js';
import { requirePositive, requireText, requireUnique } from './validate.js';

/** Until the mapping is there: held, not given up. */
const HELD = Number.POSITIVE_INFINITY;

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Incoterms 2020, the terms of delivery Multicase records by code; Ongoing shows the name beside it. */
const INCOTERMS: Record<string, string> = {
  EXW: 'Ex Works',
  FCA: 'Free Carrier',
  CPT: 'Carriage Paid To',
  CIP: 'Carriage and Insurance Paid To',
  DAP: 'Delivered at Place',
  DPU: 'Delivered at Place Unloaded',
  DDP: 'Delivered Duty Paid',
  FAS: 'Free Alongside Ship',
  FOB: 'Free on Board',
  CFR: 'Cost and Freight',
  CIF: 'Cost, Insurance and Freight',
};

export function pickingListToOrder(
  event: OrderReleased,
  lookups: Pick<Lookups, 'idMap' | 'shippingMethods' | 'graceMs' | 'integratedWarehouse'>,
): OrderUpsert | null {
  const p = event.after;
  if (p === null) return null;
  const record = `picking list ${event.entityKey}`;
  const number = requireText(record, 'pickingListNumber', p.pickingListNumber);
  if (!['sent', 'shipped', 'cancelled'].includes(p.status))
    throw new ValidationError(record, 'status', `is unknown: ${p.status}`);
  // Shipped means the warehouse reported it: nothing is left to tell Ongoing.
  if (p.status === 'shipped') return null;
  const cancel = p.status === 'cancelled' || p.warehouseCode !== lookups.integratedWarehouse;
  requireUnique(record, 'lines', p.lines, (l) => l.position);
  if (!cancel && p.lines.length === 0) throw new ValidationError(record, 'lines', 'is empty');
  const lines = p.lines.map((l, i) => {
    const numberOfItems = requirePositive(record, `lines[${i}].quantity`, l.quantity);
    return {
      rowNumber: String(l.position),
      articleNumber: requireText(record, `lines[${i}].productNumber`, l.productNumber),
      numberOfItems,
      // The line's amount, in the order's currency: Ongoing prints the accompanying documents from it.
      linePrice: l.unitPrice === null ? null : Math.round(l.unitPrice * numberOfItems * 100) / 100,
    };
  });
  const a = p.deliveryAddress;
  const order: OrderUpsert = {
    orderNumber: number,
    cancel,
    goodsOwnerOrderId: p.orderNumber,
    deliveryDate: p.deliveryDate ?? isoDate(event.capturedAt),
    referenceNumber: p.reference ? `${p.orderNumber} / ${p.reference}` : p.orderNumber,
    wayOfDeliveryCode: null,
    wayOfDeliveryName: null,
    transporterCode: null,
    transporterServiceCode: null,
    servicePointCode: p.pickupPointCode,
    currency: p.currency,
    consignee: {
      customerNumber: requireText(record, 'customerNumber', p.customerNumber),
      name: requireText(record, 'deliveryAddress.name', a.name),
      address1: a.address1,
      address2: a.address2,
      address3: a.address3,
      postCode: a.postCode,
      city: a.city,
      countryCode: requireText(record, 'deliveryAddress.countryCode', a.countryCode),
      email: a.email,
      mobilePhone: a.phone,
      invoiceAddress: p.invoiceAddress,
      vatNumber: p.vatNumber,
      organisationNumber: p.organisationNumber,
    },
    orderRemark: p.orderRemark,
    termsOfDeliveryCode: p.termsOfDelivery,
    termsOfDeliveryName: p.termsOfDelivery === null ? null : (INCOTERMS[p.termsOfDelivery] ?? null),
    cashOnDeliveryAmount: p.cashOnDeliveryAmount,
    lines,
  };
  if (cancel) return order;

  const method = `freight method ${p.shippingMethodId}${p.shippingMethodCode ? ` (${p.shippingMethodCode})` : ''}`;
  if (p.shippingMethodActive === false)
    throw new NotYetAvailableError(
      `${record}: field shippingMethodId is ${method}, which is not in use; held until the order gets another one`,
      HELD,
    );
  const mapping = lookups.shippingMethods.get(String(p.shippingMethodId));
  if (!mapping || (!mapping.wayOfDeliveryCode && !mapping.transporterCode)) {
    throw new NotYetAvailableError(
      `${record}: field shippingMethodId is ${method}, which has no mapping to Ongoing; held until it is mapped (npm run ops -- shipping-map set --id ${p.shippingMethodId} …)`,
      HELD,
    );
  }
  requireArticlesInOngoing(record, lines, lookups);
  return {
    ...order,
    wayOfDeliveryCode: mapping.wayOfDeliveryCode,
    wayOfDeliveryName: mapping.wayOfDeliveryName,
    transporterCode: mapping.transporterCode,
    transporterServiceCode: mapping.transporterServiceCode,
  };
}

export const pickingListToOrderProcessor: ProcessorSpec<OrderReleased> = {
  name: 'processor.picking-list-to-order',
  input: topics.orderReleased,
  output: topics.orderUpsert,
  map: (event, lookups) => pickingListToOrder(event, lookups),
};
