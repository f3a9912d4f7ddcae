/**
 * The simulator stores what a PUT gives the way the pipeline relies on (reading C1 of
 * docs/sending-to-ongoing.md: a field left out or null keeps its value, "" clears it), takes
 * the customs, valuation, invoicing and remark fields under Ongoing's names, closes a partly received
 * purchase order short (lines down to what was received, then PATCH purchaseOrderStatus) and refuses
 * what Ongoing refuses. Real PostgreSQL, simulator in-process on a random port, plain fetch.
 */
import { describe, expect, it } from 'vitest';
import { orderBody, simulatorCalls, simulatorPerFile } from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_fields');
const { api, article, order, purchaseOrder } = simulatorCalls(() => t.sim.baseUrl);

const readArticle = async (id: number) => (await api('GET', `/articles/${id}`)).body;
const putArticle = (body: Record<string, unknown>) =>
  api('PUT', '/articles', { body: { goodsOwnerId: 1, articleNumber: 'MUG-1', ...body } });

describe('a PUT per field: absent and null keep, "" clears', () => {
  it('stores the customs and valuation fields of an article, and clears the EAN with ""', async () => {
    const id = await article('MUG-1', {
      barCodeInfo: { barCode: '7310000000017' },
      countryOfOriginCode: 'PT',
      statisticsNumber: '69120010',
      netWeight: 0.3,
      quantityPerPackage: 6,
      purchasePrice: 21.5,
      stockValuationPrice: 21.5,
      supplierInfo: { supplierNumber: 'S-1' },
    });
    expect(await readArticle(id)).toMatchObject({
      barCodeInfo: { barCode: '7310000000017' },
      countryOfOriginCode: 'PT',
      statisticsNumber: '69120010',
      netWeight: 0.3,
      quantityPerPackage: 6,
      purchasePrice: 21.5,
      stockValuationPrice: 21.5,
    });

    // Left out, or null: kept.
    expect((await putArticle({ articleName: 'Mug', countryOfOriginCode: null })).status).toBe(200);
    expect(await readArticle(id)).toMatchObject({ articleName: 'Mug', countryOfOriginCode: 'PT', netWeight: 0.3 });

    // "": cleared, per field; a number has no clear (0 is a value).
    const cleared = await putArticle({ barCodeInfo: { barCode: '' }, statisticsNumber: '', netWeight: 0 });
    expect(cleared.body.message).toMatch(/updated/);
    const after = await readArticle(id);
    expect(after.barCodeInfo).toBeUndefined();
    expect(after.statisticsNumber).toBeUndefined();
    expect(after).toMatchObject({ netWeight: 0, countryOfOriginCode: 'PT', supplierInfo: { supplierNumber: 'S-1' } });
    expect((await api('GET', '/articles?goodsOwnerId=1&barCodes=7310000000017')).body).toEqual([]);
  });

  it('refuses a fraction as quantityPerPackage and text where a number belongs', async () => {
    const fraction = await putArticle({ quantityPerPackage: 2.5 });
    expect(fraction.status).toBe(400);
    expect(fraction.body.Message).toMatch(/quantityPerPackage must be an integer/);
    expect((await putArticle({ purchasePrice: 'cheap' })).status).toBe(400);
  });

  it("stores an order's invoice address, VAT and organisation number, terms of delivery and remarks; GET leaves out what its model has not", async () => {
    await article('A1');
    const id = await order('F-1', [['1', 'A1', 1]], {
      orderRemark: 'Fragile',
      warehouseInstruction: 'Cash on delivery: NOK 10.00',
      termsOfDeliveryType: { code: 'DAP', name: 'Delivered at Place' },
      consignee: {
        name: 'Kund AB',
        countryCode: 'SE',
        invoiceAddress: { name: 'Kund AB Ekonomi', address1: 'Box 1', city: 'Stockholm', countryCode: 'SE' },
        vatNumber: 'SE556677889901',
        organisationNumber: '556677-8899',
      },
    });
    const got = (await api('GET', `/orders/${id}`)).body;
    expect(got.orderInfo).toMatchObject({
      orderRemark: 'Fragile',
      warehouseInstruction: 'Cash on delivery: NOK 10.00',
      termsOfDeliveryType: { code: 'DAP', name: 'Delivered at Place' },
    });
    expect(got.consignee.invoiceAddress).toMatchObject({ name: 'Kund AB Ekonomi', address1: 'Box 1' });
    expect(got.consignee.vatNumber).toBeUndefined();
    const stored = (await t.control.state()).orders.find((o: any) => o.orderInfo.orderId === id) as any;
    expect(stored.consignee).toMatchObject({ vatNumber: 'SE556677889901', organisationNumber: '556677-8899' });

    // A change clears what it sends as "", keeps what it leaves out.
    const update = await api('PUT', '/orders', {
      body: orderBody('F-1', [['1', 'A1', 1]], {
        orderRemark: '',
        termsOfDeliveryType: { code: '', name: '' },
        consignee: { name: 'Kund AB', countryCode: 'SE', invoiceAddress: { address1: '' }, vatNumber: '' },
      }),
    });
    expect(update.status).toBe(200);
    const changed = (await api('GET', `/orders/${id}`)).body;
    expect(changed.orderInfo.orderRemark).toBeNull();
    expect(changed.orderInfo.termsOfDeliveryType).toBeNull();
    expect(changed.orderInfo.warehouseInstruction).toBe('Cash on delivery: NOK 10.00');
    expect(changed.consignee.invoiceAddress).toEqual({ name: 'Kund AB Ekonomi', city: 'Stockholm', countryCode: 'SE' });
    const restored = (await t.control.state()).orders.find((o: any) => o.orderInfo.orderId === id) as any;
    expect(restored.consignee.vatNumber).toBeUndefined();
    expect(restored.consignee.organisationNumber).toBe('556677-8899');
  });

  it('a cleared transporter and way of delivery go, and a code left out of a pair is refused', async () => {
    await article('A1');
    const id = await order('F-2', [['1', 'A1', 1]], {
      wayOfDelivery: { code: 'EXPRESS' },
      transporter: { transporterCode: 'BRING', transporterServiceCode: 'BRINGPARCEL' },
    });
    const cleared = await api('PUT', '/orders', {
      body: orderBody('F-2', [['1', 'A1', 1]], {
        wayOfDelivery: { code: '', name: '' },
        transporter: { transporterCode: '', transporterServiceCode: '' },
      }),
    });
    expect(cleared.status).toBe(200);
    const got = (await api('GET', `/orders/${id}`)).body;
    expect(got.orderInfo.wayOfDelivery).toBeNull();
    expect(got.transporter).toBeNull();
    const noCode = await api('PUT', '/orders', { body: orderBody('F-2', [['1', 'A1', 1]], { wayOfDelivery: {} }) });
    expect(noCode.status).toBe(400);
    expect(noCode.body.Message).toMatch(/wayOfDelivery\.code is required/);
  });
});

describe('a purchase order closed short', () => {
  const put = (lines: Array<[string, string, number]>, extra: Record<string, unknown> = {}) =>
    api('PUT', '/purchaseOrders', {
      body: {
        goodsOwnerId: 1,
        purchaseOrderNumber: 'PO-C',
        purchaseOrderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({
          rowNumber,
          articleNumber,
          numberOfItems,
        })),
        ...extra,
      },
    });

  it('takes lines lowered to what was received and the finished status, and then expects nothing more', async () => {
    await article('A1');
    await article('A2');
    const id = await purchaseOrder('PO-C', [
      ['1', 'A1', 10],
      ['2', 'A2', 4],
    ]);
    expect(
      (
        await put(
          [
            ['1', 'A1', 10],
            ['2', 'A2', 4],
          ],
          { purchaseOrderRemark: 'Gate 3' },
        )
      ).status,
    ).toBe(200);
    await t.control.receivePurchaseOrder({ purchaseOrderId: id }, [{ rowNumber: '1', numberOfItems: 5 }]);
    const below = await put([
      ['1', 'A1', 4],
      ['2', 'A2', 0],
    ]);
    expect(below.status).toBe(400);
    expect(below.body.Message).toMatch(/row 1 can not be advised 4 items: 5 have been received/);

    expect(
      (
        await put([
          ['1', 'A1', 5],
          ['2', 'A2', 0],
        ])
      ).status,
    ).toBe(200);
    const status = await api('PATCH', `/purchaseOrders/${id}/purchaseOrderStatus`, {
      body: { purchaseOrderStatusNumber: 500 },
    });
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    const po = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(po.purchaseOrderInfo).toMatchObject({ purchaseOrderStatus: { number: 500 }, purchaseOrderRemark: 'Gate 3' });
    expect(
      po.purchaseOrderLines.map((l: any) => [l.rowNumber, l.advisedNumberOfItems, l.receivedNumberOfItems]),
    ).toEqual([
      ['1', 5, 5],
      ['2', 0, 0],
    ]);
    // Finished: a further change is refused, as for any fully received purchase order.
    expect(
      (
        await put([
          ['1', 'A1', 5],
          ['2', 'A2', 0],
        ])
      ).status,
    ).toBe(400);
  });

  it('refuses an unknown status, Cancelled once goods were received, and any status of a cancelled order', async () => {
    await article('A1');
    const id = await purchaseOrder('PO-C', [['1', 'A1', 10]]);
    const patch = (n: unknown) =>
      api('PATCH', `/purchaseOrders/${id}/purchaseOrderStatus`, { body: { purchaseOrderStatusNumber: n } });
    expect((await patch(450)).body.Message).toMatch(/status 450 does not exist/);
    expect((await patch('x')).status).toBe(400);
    await t.control.receivePurchaseOrder({ purchaseOrderId: id }, [{ rowNumber: '1', numberOfItems: 1 }]);
    const cancel = await patch(900);
    expect(cancel.status).toBe(400);
    expect(cancel.body.Message).toMatch(/goods have been received/);

    const untouched = await purchaseOrder('PO-D', [['1', 'A1', 1]]);
    expect((await api('DELETE', `/purchaseOrders/${untouched}`)).status).toBe(200);
    const afterCancel = await api('PATCH', `/purchaseOrders/${untouched}/purchaseOrderStatus`, {
      body: { purchaseOrderStatusNumber: 500 },
    });
    expect(afterCancel.status).toBe(400);
    expect(afterCancel.body.Message).toMatch(/cancelled/);
  });
});
