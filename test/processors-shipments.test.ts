/**
 * Flow 6 as pure functions: Ongoing's shipped order to an event, its acknowledgement, and the
 * invoice command, which nothing the warehouse shipped is refused: an order the pipeline did not
 * create becomes a command for one (once the id map had its grace), a back order the warehouse made
 * of one of ours a command for its picking list.
 */
import { describe, expect, it } from 'vitest';
import { NotYetAvailableError } from '../runtime/errors.js';
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

const mapped = (externalId: string, businessKey = '300007') => ({
  get: (key: string): IdMapping | undefined =>
    key === `ongoing:order:${businessKey}`
      ? { system: 'ongoing', entityType: 'order', businessKey, externalId, updatedAt: 0, contentHash: null }
      : undefined,
});
const read = (order: OngoingOrder, backOrderFor: { orderId: number; orderNumber: string | null } | null = null) => ({
  order,
  backOrderFor,
});
const lookups = (idMap: ReturnType<typeof mapped> | { get: () => undefined }, graceMs = 0) => ({
  idMap,
  graceMs,
  integratedWarehouse: 'MAIN',
});

describe('a shipment', () => {
  it('becomes an event with the picked quantities, the tracking and a version of picked/reported', () => {
    const { value } = orderToShipmentEvent(read(shipped), 1_000);
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

  it('becomes an invoice command for the picking list, per Ongoing line', () => {
    const { value } = orderToShipmentEvent(read(shipped), 1_000);
    expect(shipmentToInvoice(value, lookups(mapped('41')))).toEqual({
      orderNumber: '100007',
      pickingListNumber: '300007',
      ongoingOrderId: 41,
      ongoingOrderNumber: '300007',
      notCreatedByPipeline: null,
      warehouseCode: 'MAIN',
      shippedAt: Date.parse('2026-12-01T12:00:00Z'),
      carrier: 'BRING',
      waybill: 'WB-9',
      trackingUrl: 'https://t.example/P1',
      lines: [
        { position: 1, productNumber: 'TENT-2P', totalShipped: 2, ongoingLineId: 411, rowNumber: '1' },
        { position: 2, productNumber: 'MUG', totalShipped: 1, ongoingLineId: 412, rowNumber: '2' },
      ],
    });
  });

  it('of an order the pipeline did not create waits for the id map, then is booked as not ours; never refused', () => {
    const { value } = orderToShipmentEvent(read(shipped), 1_000);
    let waited: unknown;
    try {
      shipmentToInvoice(value, lookups({ get: () => undefined }, 5_000));
    } catch (err) {
      waited = err;
    }
    expect(waited).toBeInstanceOf(NotYetAvailableError);
    expect((waited as NotYetAvailableError).giveUpAfterMs).toBe(5_000);
    expect((waited as NotYetAvailableError).afterGrace!()).toMatchObject({
      pickingListNumber: null,
      orderNumber: null,
      ongoingOrderNumber: '300007',
      notCreatedByPipeline: 'no picking list 300007 was sent by the pipeline (no id-map entry after 5 s)',
    });
    // Another Ongoing id for our number: not ours, at once.
    expect(shipmentToInvoice(value, lookups(mapped('99')))).toMatchObject({
      pickingListNumber: null,
      notCreatedByPipeline: 'Ongoing order 300007 has id 41, but the picking list 300007 the pipeline sent has id 99',
    });
  });

  it('of a back order the warehouse made of one of ours is booked against that picking list', () => {
    const backOrder = {
      ...shipped,
      orderInfo: { ...shipped.orderInfo, orderId: 52, orderNumber: '300007-B', advanced: null },
      orderLines: [{ ...shipped.orderLines[0]!, id: 521, orderedNumberOfItems: 1, pickedNumberOfItems: 1 }],
    } as unknown as OngoingOrder;
    const { value } = orderToShipmentEvent(read(backOrder, { orderId: 41, orderNumber: '300007' }), 1_000);
    expect(value.after).toMatchObject({ backOrderForOrderId: 41, backOrderForOrderNumber: '300007' });
    expect(shipmentToInvoice(value, lookups(mapped('41')))).toMatchObject({
      pickingListNumber: '300007',
      ongoingOrderId: 52,
      ongoingOrderNumber: '300007-B',
      notCreatedByPipeline: null,
      lines: [{ position: 1, productNumber: 'TENT-2P', totalShipped: 1, ongoingLineId: 521 }],
    });
  });

  it('that Ongoing sent without an article number is refused, naming the line', () => {
    const broken = {
      ...shipped,
      orderLines: [{ ...shipped.orderLines[0]!, article: null }],
    } as unknown as OngoingOrder;
    expect(() => orderToShipmentEvent(read(broken), 0)).toThrow(
      'Ongoing order 300007: field orderLines[0].article.articleNumber is missing',
    );
  });
});
