/** Flows 4 and 5 as pure mappings: a picking list to an Ongoing order, its freight method translated. */
import { describe, expect, it } from 'vitest';
import type { IdMapping, OrderReleased, ReleasedOrder, ShippingMethodMapping } from '../schemas/types.generated.js';
import { NotYetAvailableError } from '../runtime/errors.js';
import { pickingListToOrder } from '../processors/picking-list-to-order.js';

const released: ReleasedOrder = {
  pickingListNumber: '300001',
  orderNumber: '100001',
  status: 'sent',
  customerNumber: 'C10001',
  customerName: 'Fjellsport AS',
  shippingMethodId: 7,
  shippingMethodCode: 'PN-LOCKER',
  shippingMethodActive: true,
  deliveryAddress: {
    name: 'Kari Nordmann',
    address1: 'Storgata 1',
    address2: null,
    address3: null,
    postCode: '0155',
    city: 'Oslo',
    countryCode: 'NO',
    email: 'kari@example.no',
    phone: '+4790000000',
  },
  deliveryDate: '2026-12-03',
  reference: 'web 42',
  warehouseCode: 'MAIN',
  pickupPointCode: 'PUP-123',
  currency: 'NOK',
  invoiceAddress: {
    name: 'Nordmann Consulting AS',
    address1: 'Postboks 12',
    address2: null,
    address3: null,
    postCode: '0101',
    city: 'Oslo',
    countryCode: 'NO',
  },
  vatNumber: 'NO987654321MVA',
  organisationNumber: '987654321',
  termsOfDelivery: 'DAP',
  orderRemark: 'Fragile: glass',
  cashOnDeliveryAmount: 5097,
  lines: [
    { position: 1, productNumber: 'TENT-2P', quantity: 2, unitPrice: 2499 },
    { position: 2, productNumber: 'MUG', quantity: 1, unitPrice: null },
  ],
};
const event = (p: Partial<ReleasedOrder> = {}): OrderReleased => ({
  eventId: 'multicase:picking-list:300001:9',
  entityKey: '300001',
  operation: 'CREATE',
  source: { system: 'multicase', entity: 'picking-list', position: '1/9' },
  occurredAt: 0,
  capturedAt: Date.parse('2026-12-01T10:00:00Z'),
  after: { ...released, ...p },
});
const mapped: ShippingMethodMapping = {
  shippingMethodId: 7,
  shippingMethodCode: 'PN-LOCKER',
  wayOfDeliveryCode: 'PNL',
  wayOfDeliveryName: 'Postnord locker',
  transporterCode: 'PNL',
  transporterServiceCode: 'PUP',
  updatedAt: 0,
};
const known = (k: string): IdMapping => ({
  system: 'ongoing',
  entityType: k.split(':')[1]!,
  businessKey: k,
  externalId: '1',
  updatedAt: 0,
  contentHash: null,
});
const lookups = (
  over: {
    shipping?: ShippingMethodMapping | undefined;
    idMap?: (k: string) => IdMapping | undefined;
    warehouse?: string;
  } = {},
) => ({
  graceMs: 1_000,
  integratedWarehouse: over.warehouse ?? 'MAIN',
  idMap: { get: over.idMap ?? known },
  shippingMethods: {
    get: () => ('shipping' in over ? over.shipping : mapped),
    entries: () => [][Symbol.iterator]() as IterableIterator<[string, ShippingMethodMapping]>,
  },
});

describe('picking list → Ongoing order', () => {
  it('numbers it by the picking list, refers to the order, translates the freight method and prices the lines', () => {
    expect(pickingListToOrder(event(), lookups())).toEqual({
      orderNumber: '300001',
      cancel: false,
      goodsOwnerOrderId: '100001',
      deliveryDate: '2026-12-03',
      referenceNumber: '100001 / web 42',
      wayOfDeliveryCode: 'PNL',
      wayOfDeliveryName: 'Postnord locker',
      transporterCode: 'PNL',
      transporterServiceCode: 'PUP',
      servicePointCode: 'PUP-123',
      currency: 'NOK',
      consignee: {
        customerNumber: 'C10001',
        name: 'Kari Nordmann',
        address1: 'Storgata 1',
        address2: null,
        address3: null,
        postCode: '0155',
        city: 'Oslo',
        countryCode: 'NO',
        email: 'kari@example.no',
        mobilePhone: '+4790000000',
        invoiceAddress: released.invoiceAddress,
        vatNumber: 'NO987654321MVA',
        organisationNumber: '987654321',
      },
      orderRemark: 'Fragile: glass',
      termsOfDeliveryCode: 'DAP',
      termsOfDeliveryName: 'Delivered at Place',
      cashOnDeliveryAmount: 5097,
      lines: [
        { rowNumber: '1', articleNumber: 'TENT-2P', numberOfItems: 2, linePrice: 4998 },
        { rowNumber: '2', articleNumber: 'MUG', numberOfItems: 1, linePrice: null },
      ],
    });
  });

  it('holds a picking list whose freight method has no mapping, or is out of use, naming both, and never gives up on it', () => {
    const unmapped = () => pickingListToOrder(event(), lookups({ shipping: undefined }));
    expect(unmapped).toThrow(NotYetAvailableError);
    expect(unmapped).toThrow(
      'picking list 300001: field shippingMethodId is freight method 7 (PN-LOCKER), which has no mapping to Ongoing',
    );
    try {
      unmapped();
    } catch (err) {
      expect((err as NotYetAvailableError).giveUpAfterMs).toBe(Number.POSITIVE_INFINITY);
    }
    expect(() => pickingListToOrder(event({ shippingMethodActive: false }), lookups())).toThrow(
      /freight method 7 \(PN-LOCKER\), which is not in use/,
    );
  });

  it('waits for an article that has not reached Ongoing yet', () => {
    const noArticles = (k: string) => (k.includes(':article:') ? undefined : known(k));
    expect(() => pickingListToOrder(event(), lookups({ idMap: noArticles }))).toThrow(
      /lines\[0\]\.productNumber TENT-2P is not an article in Ongoing yet/,
    );
  });

  it('cancels a cancelled one and one of another warehouse (always: the sink decides), leaves a shipped one alone', () => {
    expect(pickingListToOrder(event({ status: 'cancelled' }), lookups({ shipping: undefined }))?.cancel).toBe(true);
    expect(pickingListToOrder(event({ status: 'shipped' }), lookups())).toBeNull();
    // Whether Ongoing ever got it is not the id map's to say here: the sink may be behind with the upsert.
    expect(pickingListToOrder(event({ warehouseCode: 'STORE' }), lookups({ idMap: () => undefined }))?.cancel).toBe(
      true,
    );
    expect(pickingListToOrder(event({ warehouseCode: 'STORE' }), lookups())?.cancel).toBe(true);
  });

  it('carries a cleared field as null and an unknown Incoterms code without a name', () => {
    const o = pickingListToOrder(
      event({ invoiceAddress: null, vatNumber: null, termsOfDelivery: 'XYZ', cashOnDeliveryAmount: null }),
      lookups(),
    );
    expect(o?.consignee).toMatchObject({ invoiceAddress: null, vatNumber: null });
    expect(o).toMatchObject({ termsOfDeliveryCode: 'XYZ', termsOfDeliveryName: null, cashOnDeliveryAmount: null });
  });

  it('rejects bad lines, naming the field', () => {
    expect(() =>
      pickingListToOrder(
        event({ lines: [{ position: 1, productNumber: 'TENT-2P', quantity: 0, unitPrice: null }] }),
        lookups(),
      ),
    ).toThrow('picking list 300001: field lines[0].quantity must be a positive number, got 0');
    expect(() => pickingListToOrder(event({ status: 'lost' }), lookups())).toThrow(
      'picking list 300001: field status is unknown: lost',
    );
  });
});
