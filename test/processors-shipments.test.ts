/** Flow 6 as pure functions: Ongoing's shipped order to an event, its acknowledgement, and the invoice command. */
import { describe, expect, it } from 'vitest';
import type { IdMapping } from '../schemas/types.generated.js';
import type { OngoingOrder } from '../connectors/ongoing/api/client.js';
import { orderReportOf, orderToShipmentEvent } from '../connectors/ongoing/shipments.js';
import { shipmentToInvoice } from '../processors/shipment-to-invoice.js';

/** As the reference allows it: no pickedArticleItems, reported null, tracking only on a parcel. */
const shipped = {
  orderInfo: {
    orderId: 41,
    orderNumber: '300007',
    goodsOwnerOrderId: '100007',
    orderStatus: { number: 450, text: 'Sent' },
    shippedTime: '2026-12-01T12:00:00Z',
    wayBill: 'WB-9',
  },
  orderLines: [
    {
      id: 411,
      rowNumber: '1',
      article: { articleNumber: 'TENT-2P' },
      orderedNumberOfItems: 3,
      pickedNumberOfItems: 2,
      reportedNumberOfItems: null,
    },
    {
      id: 412,
      rowNumber: '2',
      article: { articleNumber: 'MUG' },
      orderedNumberOfItems: 1,
      pickedNumberOfItems: 1,
      reportedNumberOfItems: 1,
    },
  ],
  parcels: [{ id: 1, parcelNumber: 'P1', isReturnParcel: false, tracking: { trackingUrl: 'https://t.example/P1' } }],
  tracking: [],
  transporter: { code: 'BRING', serviceCode: 'BRINGPARCEL', name: null, transporterName: null },
  consignee: null,
} as unknown as OngoingOrder;

const mapped = (externalId: string) => ({
  get: (): IdMapping => ({
    system: 'ongoing',
    entityType: 'order',
    businessKey: '300007',
    externalId,
    updatedAt: 0,
    contentHash: null,
  }),
});

describe('a shipment', () => {
  it('becomes an event with the picked quantities, the tracking and a version of picked/reported', () => {
    const { value } = orderToShipmentEvent(shipped, 1_000);
    expect(value.eventId).toBe('ongoing:shipment:41:411=2/0,412=1/1');
    expect(value.after).toMatchObject({
      orderNumber: '300007',
      goodsOwnerOrderId: '100007',
      waybill: 'WB-9',
      trackingUrl: 'https://t.example/P1',
      transporterCode: 'BRING',
      shippedAt: Date.parse('2026-12-01T12:00:00Z'),
    });
    expect(value.after!.lines.map((l) => [l.rowNumber, l.pickedNumberOfItems, l.reportedNumberOfItems])).toEqual([
      ['1', 2, 0],
      ['2', 1, 1],
    ]);
    // Only what is not reported yet is acknowledged, to exactly what the event carried.
    expect(orderReportOf(value).value.payload).toEqual({
      orderNumber: '300007',
      ongoingOrderId: 41,
      lines: [{ lineId: 411, reportedNumberOfItems: 2 }],
    });
  });

  it('becomes an invoice command for the picking list, only for orders this pipeline sent', () => {
    const { value } = orderToShipmentEvent(shipped, 1_000);
    expect(shipmentToInvoice(value, { idMap: mapped('41'), graceMs: 0 })).toEqual({
      orderNumber: '100007',
      pickingListNumber: '300007',
      ongoingOrderId: 41,
      shippedAt: Date.parse('2026-12-01T12:00:00Z'),
      carrier: 'BRING',
      waybill: 'WB-9',
      trackingUrl: 'https://t.example/P1',
      lines: [
        { position: 1, productNumber: 'TENT-2P', totalShipped: 2 },
        { position: 2, productNumber: 'MUG', totalShipped: 1 },
      ],
    });
    expect(() => shipmentToInvoice(value, { idMap: { get: () => undefined }, graceMs: 5_000 })).toThrow(
      /was not created by this pipeline/,
    );
    expect(() => shipmentToInvoice(value, { idMap: mapped('99'), graceMs: 0 })).toThrow(
      /differs from the id Ongoing gave 300007 \(99\)/,
    );
  });

  it('that Ongoing sent without an article number is refused, naming the line', () => {
    const broken = {
      ...shipped,
      orderLines: [{ ...shipped.orderLines[0]!, article: null }],
    } as unknown as OngoingOrder;
    expect(() => orderToShipmentEvent(broken, 0)).toThrow(
      'Ongoing order 300007: field orderLines[0].article.articleNumber is missing',
    );
  });
});
