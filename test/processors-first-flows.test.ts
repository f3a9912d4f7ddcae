import { describe, expect, it } from 'vitest';
import { NotYetAvailableError } from '../runtime/errors.js';
import type {
  GoodsReceiptReceived,
  IdMapping,
  Product,
  ProductChanged,
  PurchaseOrder,
  PurchaseOrderChanged,
} from '../schemas/types.generated.js';
import { goodsReceiptToBooking } from '../processors/goods-receipt-to-booking.js';
import { productToArticle } from '../processors/product-to-article.js';
import { purchaseOrderToInbound } from '../processors/purchase-order-to-inbound.js';

const envelope = {
  operation: 'UPDATE' as const,
  source: { system: 'multicase', entity: 'x', position: '1' },
  occurredAt: 1,
  capturedAt: 2,
};

const baseProduct: Product = {
  productId: 1,
  productNumber: 'MUG-1',
  description: 'Blue mug',
  description2: 'Stoneware',
  ean: '7310000000017',
  unit: 'pcs',
  weightKg: 0.35,
  lengthCm: 12,
  widthCm: 9,
  heightCm: 10.5,
  volumeDm3: 1.2,
  isService: false,
  isActive: true,
  isDeleted: false,
  supplierNumber: 'S-1',
  productGroup: 'Kitchen',
  countryOfOrigin: 'PT',
  customsCode: '69120010',
  netWeightKg: 0.3,
  unitsPerPackage: 6,
  costPrice: 21.5,
};
const productEvent = (p: Partial<Product>): ProductChanged => ({
  ...envelope,
  eventId: 'e',
  entityKey: p.productNumber ?? 'MUG-1',
  after: { ...baseProduct, ...p },
});

describe('product → article', () => {
  it('maps a stock product with units converted to what Ongoing expects', () => {
    expect(productToArticle(productEvent({}))).toEqual({
      articleNumber: 'MUG-1',
      articleName: 'Blue mug',
      productCode: 'MUG-1',
      unitCode: 'pcs',
      description: 'Stoneware',
      isStockArticle: true,
      isActive: true,
      barCode: '7310000000017',
      weight: 0.35,
      length: 0.12,
      width: 0.09,
      height: 0.105,
      volume: 0.0012,
      supplierNumber: 'S-1',
      articleGroup: 'Kitchen',
      countryOfOriginCode: 'PT',
      statisticsNumber: '69120010',
      netWeight: 0.3,
      quantityPerPackage: 6,
      purchasePrice: 21.5,
      stockValuationPrice: 21.5,
    });
  });
  it('carries a field Multicase has cleared as null, for the sink to clear it in Ongoing', () => {
    const cleared = productToArticle(
      productEvent({ ean: null, countryOfOrigin: null, customsCode: null, costPrice: null, netWeightKg: null }),
    );
    expect(cleared).toMatchObject({
      barCode: null,
      countryOfOriginCode: null,
      statisticsNumber: null,
      purchasePrice: null,
      stockValuationPrice: null,
      netWeight: null,
    });
  });
  it('sends a service item as a non-stock article', () => {
    expect(productToArticle(productEvent({ isService: true }))).toMatchObject({
      isStockArticle: false,
      isActive: true,
    });
  });
  it('deactivates the article of an inactive or deleted product', () => {
    expect(productToArticle(productEvent({ isActive: false }))?.isActive).toBe(false);
    expect(productToArticle(productEvent({ isDeleted: true }))?.isActive).toBe(false);
  });
  it('rejects a product without a number or a name, naming the record and field', () => {
    expect(() => productToArticle(productEvent({ productNumber: ' ' }))).toThrow(
      'product  : field productNumber is missing',
    );
    expect(() => productToArticle(productEvent({ description: '' }))).toThrow(
      'product MUG-1: field description is missing',
    );
  });
});

const basePo: PurchaseOrder = {
  purchaseOrderNumber: 'PO-1',
  status: 'open',
  supplierNumber: 'S-1',
  supplierName: 'Supplier',
  warehouseCode: 'MAIN',
  expectedDate: '2026-12-01',
  reference: 'ref',
  note: null,
  deliveryText: 'Ring the bell at gate 3',
  lines: [
    { position: 1, productNumber: 'MUG-1', quantityOrdered: 10, quantityReceived: 0, unitPrice: 2 },
    { position: 2, productNumber: 'CUP-1', quantityOrdered: 5, quantityReceived: 0, unitPrice: 1 },
  ],
};
const poEvent = (p: Partial<PurchaseOrder>): PurchaseOrderChanged => ({
  ...envelope,
  eventId: 'e',
  entityKey: 'PO-1',
  after: { ...basePo, ...p },
});

const articlesKnown = {
  graceMs: 1_000,
  integratedWarehouse: 'MAIN',
  idMap: {
    get: (k: string): IdMapping | undefined => ({
      system: 'ongoing',
      entityType: 'article',
      businessKey: k,
      externalId: '1',
      updatedAt: 0,
      contentHash: null,
    }),
  },
};
const noArticles = {
  graceMs: 1_000,
  integratedWarehouse: 'MAIN',
  idMap: { get: (): IdMapping | undefined => undefined },
};

describe('purchase order → Ongoing purchase order', () => {
  it('maps positions to row numbers and ordered quantities to items', () => {
    expect(purchaseOrderToInbound(poEvent({}), articlesKnown)).toEqual({
      purchaseOrderNumber: 'PO-1',
      cancel: false,
      supplierNumber: 'S-1',
      supplierName: 'Supplier',
      inDate: '2026-12-01',
      referenceNumber: 'ref',
      comment: null,
      purchaseOrderRemark: 'Ring the bell at gate 3',
      isReturn: null,
      close: false,
      lines: [
        { rowNumber: '1', articleNumber: 'MUG-1', numberOfItems: 10 },
        { rowNumber: '2', articleNumber: 'CUP-1', numberOfItems: 5 },
      ],
    });
  });
  it('closes short a closed order: every line advises what was received, 0 where nothing came', () => {
    const closed = poEvent({
      status: 'closed',
      lines: [
        { ...basePo.lines[0]!, quantityReceived: 5 },
        { ...basePo.lines[1]!, quantityReceived: 0 },
      ],
    });
    expect(purchaseOrderToInbound(closed, articlesKnown)).toMatchObject({
      cancel: false,
      close: true,
      lines: [
        { rowNumber: '1', articleNumber: 'MUG-1', numberOfItems: 5 },
        { rowNumber: '2', articleNumber: 'CUP-1', numberOfItems: 0 },
      ],
    });
    // Closed with nothing received: nothing to close short, the purchase order is cancelled.
    expect(purchaseOrderToInbound(poEvent({ status: 'closed' }), noArticles)).toMatchObject({
      cancel: true,
      close: false,
    });
  });
  it('re-sends a partly received order, cancels a cancelled one, and leaves a received one alone', () => {
    expect(purchaseOrderToInbound(poEvent({ status: 'partly_received' }), articlesKnown)?.cancel).toBe(false);
    expect(purchaseOrderToInbound(poEvent({ status: 'cancelled' }), noArticles)?.cancel).toBe(true);
    expect(purchaseOrderToInbound(poEvent({ status: 'received' }), articlesKnown)).toBeNull();
  });
  it('sends only purchase orders of the warehouse Ongoing runs; one of another warehouse is always a cancel, for the sink to decide', () => {
    // Whether it ever reached Ongoing is the sink's to know (it sees the commands in order), not the id map's here.
    expect(purchaseOrderToInbound(poEvent({ warehouseCode: 'STORE' }), noArticles)?.cancel).toBe(true);
    expect(purchaseOrderToInbound(poEvent({ warehouseCode: null }), noArticles)?.cancel).toBe(true);
    expect(purchaseOrderToInbound(poEvent({ warehouseCode: 'STORE' }), articlesKnown)?.cancel).toBe(true);
    expect(
      purchaseOrderToInbound(poEvent({ warehouseCode: 'STORE' }), { ...articlesKnown, integratedWarehouse: 'STORE' })
        ?.cancel,
    ).toBe(false);
  });
  it('rejects a negative quantity or a missing article number, naming the line', () => {
    const neg = poEvent({ lines: [{ ...basePo.lines[0]!, quantityOrdered: -3 }] });
    expect(() => purchaseOrderToInbound(neg, articlesKnown)).toThrow(
      'purchase order PO-1: field lines[0].quantityOrdered must be a positive number, got -3',
    );
    const missing = poEvent({ lines: [basePo.lines[0]!, { ...basePo.lines[1]!, productNumber: '' }] });
    expect(() => purchaseOrderToInbound(missing, articlesKnown)).toThrow(
      'purchase order PO-1: field lines[1].productNumber is missing',
    );
    const dup = poEvent({ lines: [basePo.lines[0]!, { ...basePo.lines[1]!, position: 1 }] });
    expect(() => purchaseOrderToInbound(dup, articlesKnown)).toThrow('field lines[1] repeats 1');
  });
  it('waits for an article that has not reached Ongoing yet', () => {
    expect(() => purchaseOrderToInbound(poEvent({}), noArticles)).toThrow(
      expect.objectContaining({
        name: 'NotYetAvailableError',
        message:
          'purchase order PO-1: field lines[0].productNumber MUG-1 is not an article in Ongoing yet (no id-map entry)',
      }),
    );
  });
});

describe('goods receipt → receipt booking', () => {
  const idMap = (entries: Record<string, string>) => ({
    get: (k: string): IdMapping | undefined =>
      entries[k]
        ? {
            system: 'ongoing',
            entityType: 'purchaseOrder',
            businessKey: k,
            externalId: entries[k]!,
            updatedAt: 0,
            contentHash: null,
          }
        : undefined,
  });
  const receipt: GoodsReceiptReceived = {
    ...envelope,
    eventId: 'e',
    entityKey: 'PO-1',
    after: {
      purchaseOrderId: 17,
      purchaseOrderNumber: 'PO-1',
      statusNumber: 400,
      lastReceivedAt: 5,
      isReturn: false,
      lines: [
        {
          lineId: 1,
          rowNumber: '1',
          articleNumber: 'MUG-1',
          advisedNumberOfItems: 10,
          receivedNumberOfItems: 4,
          reportedNumberOfItems: 0,
        },
      ],
    },
  };

  const lookups = (entries: Record<string, string>) => ({
    idMap: idMap(entries),
    graceMs: 0,
    integratedWarehouse: 'MAIN',
    returnNumberPrefix: 'R-',
  });

  it('books the cumulative received quantity per warehouse line, naming the Multicase position', () => {
    expect(goodsReceiptToBooking(receipt, lookups({ 'ongoing:purchaseOrder:PO-1': '17' }))).toEqual({
      purchaseOrderNumber: 'PO-1',
      ongoingPurchaseOrderId: 17,
      receivedAt: 5,
      notOurs: null,
      warehouseCode: 'MAIN',
      lines: [{ position: 1, rowNumber: '1', productNumber: 'MUG-1', totalReceived: 4 }],
    });
    const odd = { ...receipt, after: { ...receipt.after!, lines: [{ ...receipt.after!.lines[0]!, rowNumber: 'X7' }] } };
    expect(goodsReceiptToBooking(odd, lookups({ 'ongoing:purchaseOrder:PO-1': '17' }))?.lines).toEqual([
      { position: null, rowNumber: 'X7', productNumber: 'MUG-1', totalReceived: 4 },
    ]);
  });

  it('waits a grace period for a mapping that may be late, then books it as not ours; one of another Ongoing id is not ours at once', () => {
    let thrown: unknown;
    try {
      goodsReceiptToBooking(receipt, { ...lookups({}), graceMs: 5_000 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({
      name: 'NotYetAvailableError',
      giveUpAfterMs: 5_000,
      message: expect.stringMatching(/PO-1 was not created by this pipeline/),
    });
    expect((thrown as NotYetAvailableError).afterGrace!()).toMatchObject({
      purchaseOrderNumber: 'PO-1',
      notOurs:
        'Ongoing purchase order PO-1 was not created by the integration (no purchase order of that number in the id map)',
    });
    expect(goodsReceiptToBooking(receipt, lookups({ 'ongoing:purchaseOrder:PO-1': '99' }))).toMatchObject({
      notOurs:
        "Ongoing purchase order PO-1 has id 17, but the integration's purchase order of that number is Ongoing's 99",
    });
  });
});
