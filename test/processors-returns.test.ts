/** Flow 7 as pure mappings: a return to an Ongoing return receipt, a received return to a booking; and the refusal note of flow 4. */
import { describe, expect, it } from 'vitest';
import type { GoodsReceiptReceived, IdMapping, ReturnOrder, ReturnOrderChanged } from '../schemas/types.generated.js';
import { NotYetAvailableError, RejectedError, ValidationError } from '../runtime/errors.js';
import { returnToInbound } from '../processors/return-to-inbound.js';
import { returnReceiptToBooking } from '../processors/return-receipt-to-booking.js';
import { goodsReceiptToBooking } from '../processors/goods-receipt-to-booking.js';
import { refusalNote } from '../sinks/ongoing/order-upsert.js';
import { topics } from '../schemas/catalog.js';

const ret: ReturnOrder = {
  returnNumber: '400001',
  orderNumber: '100001',
  status: 'sent_to_warehouse',
  reason: 'wrong size',
  settlement: 'credit',
  warehouseCode: 'MAIN',
  customerNumber: 'C10001',
  customerName: 'Fjellsport AS',
  lines: [
    {
      position: 1,
      orderLinePosition: 1,
      productNumber: 'TENT-2P',
      quantity: 2,
      cause: 'too heavy',
      handling: 'to_stock',
      quantityReceived: 0,
    },
    {
      position: 2,
      orderLinePosition: 3,
      productNumber: 'WOOL-SOCK',
      quantity: 1,
      cause: 'torn',
      handling: 'scrap',
      quantityReceived: 0,
    },
  ],
};
const event = (p: Partial<ReturnOrder> = {}): ReturnOrderChanged => ({
  eventId: 'multicase:return:400001:3',
  entityKey: '400001',
  operation: 'UPDATE',
  source: { system: 'multicase', entity: 'return', position: '1/3' },
  occurredAt: 0,
  capturedAt: 0,
  after: { ...ret, ...p },
});
const known = (k: string): IdMapping => ({
  system: 'ongoing',
  entityType: k.split(':')[1]!,
  businessKey: k,
  externalId: '77',
  updatedAt: 0,
  contentHash: null,
});
const lookups = (idMap: (k: string) => IdMapping | undefined = known) => ({
  graceMs: 1_000,
  integratedWarehouse: 'MAIN',
  returnNumberPrefix: 'R-',
  idMap: { get: idMap },
});
const onlyArticles = (k: string) => (k.startsWith('ongoing:article:') ? known(k) : undefined);

describe('return → Ongoing return receipt', () => {
  it('sends only the to-stock lines, as a purchase order marked as a return, numbered by the return with its prefix, from the customer', () => {
    expect(returnToInbound(event(), lookups(onlyArticles))).toEqual({
      purchaseOrderNumber: 'R-400001',
      cancel: false,
      isReturn: true,
      supplierNumber: 'C10001',
      supplierName: 'Fjellsport AS',
      inDate: null,
      referenceNumber: '100001',
      comment: 'wrong size',
      purchaseOrderRemark: null,
      close: false,
      lines: [{ rowNumber: '1', articleNumber: 'TENT-2P', numberOfItems: 2 }],
    });
  });

  it('sends nothing for a registered or received return, or one with nothing for the warehouse that was never sent', () => {
    expect(returnToInbound(event({ status: 'registered' }), lookups())).toBeNull();
    expect(returnToInbound(event({ status: 'received' }), lookups())).toBeNull();
    expect(returnToInbound(event({ lines: [ret.lines[1]!] }), lookups(onlyArticles))).toBeNull();
    expect(returnToInbound(event({ warehouseCode: 'STORE' }), lookups(onlyArticles))).toBeNull();
  });

  it('cancels in Ongoing a sent return that is cancelled, or closed before anything arrived; leaves one closed after goods arrived', () => {
    expect(returnToInbound(event({ status: 'cancelled' }), lookups())).toMatchObject({ cancel: true });
    expect(returnToInbound(event({ status: 'closed' }), lookups())).toMatchObject({ cancel: true });
    const arrived = ret.lines.map((l) => (l.position === 1 ? { ...l, quantityReceived: 1 } : l));
    expect(returnToInbound(event({ status: 'closed', lines: arrived }), lookups())).toBeNull();
  });

  it('waits for an article not in Ongoing yet; refuses an unknown status or handling, naming the field', () => {
    expect(() =>
      returnToInbound(
        event(),
        lookups(() => undefined),
      ),
    ).toThrow(NotYetAvailableError);
    expect(() => returnToInbound(event({ status: 'lost' }), lookups())).toThrow(
      new ValidationError('return 400001', 'status', 'is unknown: lost'),
    );
    const odd = [{ ...ret.lines[0]!, handling: 'burn' }];
    expect(() => returnToInbound(event({ lines: odd }), lookups())).toThrow(
      new ValidationError('return 400001', 'lines[0].handling', 'is unknown: burn'),
    );
  });

  it('accepts a return without the optional fields (absent handling means to stock)', () => {
    const bare = ret.lines.map((l) => ({ ...l, handling: null, cause: null, quantityReceived: null }));
    const out = returnToInbound(
      event({ lines: bare, settlement: null, customerName: null, reason: null }),
      lookups(onlyArticles),
    );
    expect(out!.lines).toHaveLength(2);
  });
});

describe('received return → return booking', () => {
  const receipt = (isReturn: boolean | null, purchaseOrderNumber = 'R-400001'): GoodsReceiptReceived => ({
    eventId: 'e',
    entityKey: purchaseOrderNumber,
    operation: 'UPDATE',
    source: { system: 'ongoing', entity: 'purchase-order', position: 'v' },
    occurredAt: 0,
    capturedAt: 0,
    after: {
      purchaseOrderId: 77,
      purchaseOrderNumber,
      statusNumber: 400,
      lastReceivedAt: 5,
      isReturn,
      lines: [
        {
          lineId: 1,
          rowNumber: '1',
          articleNumber: 'TENT-2P',
          advisedNumberOfItems: 2,
          receivedNumberOfItems: 1,
          reportedNumberOfItems: 0,
        },
      ],
    },
  });
  const onlyReturn = (k: string) => (k === 'ongoing:return:400001' ? known(k) : undefined);
  const booked = {
    returnNumber: '400001',
    ongoingPurchaseOrderId: 77,
    receivedAt: 5,
    purchaseOrderNumber: 'R-400001',
    notOurs: null,
    warehouseCode: 'MAIN',
    lines: [{ position: 1, rowNumber: '1', productNumber: 'TENT-2P', totalReceived: 1 }],
  };

  it('books a return the integration sent (its prefix and the id map say so, whatever the marker); the goods-receipt mapping leaves it alone', () => {
    for (const marker of [true, null, false]) {
      expect(returnReceiptToBooking(receipt(marker), lookups(onlyReturn))).toEqual(booked);
      expect(goodsReceiptToBooking(receipt(marker), lookups(onlyReturn))).toBeNull();
    }
  });

  it('takes a purchase order of the same number as a purchase order: a return never stands in for one', () => {
    const po = receipt(false, '400001');
    expect(returnReceiptToBooking(po, lookups(onlyReturn))).toBeNull();
    expect(
      goodsReceiptToBooking(
        po,
        lookups((k) => (k === 'ongoing:purchaseOrder:400001' ? known(k) : undefined)),
      ),
    ).toMatchObject({ purchaseOrderNumber: '400001', notOurs: null });
  });

  it('books a return purchase order the integration did not send, once the grace is over, as not ours', () => {
    let thrown: unknown;
    try {
      returnReceiptToBooking(
        receipt(true, 'HAND-RET-1'),
        lookups(() => undefined),
      );
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NotYetAvailableError);
    expect((thrown as NotYetAvailableError).afterGrace!()).toMatchObject({
      returnNumber: 'HAND-RET-1',
      purchaseOrderNumber: 'HAND-RET-1',
      notOurs: expect.stringMatching(/HAND-RET-1 was not created by the integration/),
    });
    const other = (k: string) => (k === 'ongoing:return:400001' ? { ...known(k), externalId: '99' } : undefined);
    expect(returnReceiptToBooking(receipt(true), lookups(other))).toMatchObject({
      notOurs: "Ongoing purchase order R-400001 has id 77, but the integration's return of that number is Ongoing's 99",
    });
  });
});

describe('a refusal of a picking list', () => {
  it("becomes one note for the order history, with Ongoing's message and a command id derived from the refused command", () => {
    const command = {
      commandId: 'multicase:picking-list:300001:9>ongoing.order.upsert',
      causationId: 'x',
      entityKey: '300001',
      issuedAt: 10,
      traceOrigin: 5,
      payload: { orderNumber: '300001', goodsOwnerOrderId: '100001', cancel: true } as never,
    };
    const [out] = refusalNote(
      command,
      new RejectedError('PUT /orders answered 400: Order 300001 is picked and can not be cancelled.', 400),
    );
    expect(out!.topic).toBe(topics.orderNote);
    expect(out!.key).toBe('100001');
    expect(out!.value).toMatchObject({
      commandId: 'multicase:picking-list:300001:9>ongoing.order.upsert>multicase.order.note',
      payload: {
        orderNumber: '100001',
        pickingListNumber: '300001',
        text: 'The warehouse (Ongoing) refused the cancel of picking list 300001: PUT /orders answered 400: Order 300001 is picked and can not be cancelled.',
      },
    });
  });
});
