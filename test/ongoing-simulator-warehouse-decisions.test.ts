/**
 * What the warehouse decides on its own, as the Ongoing simulator plays it (research note
 * docs/warehouse-facts.md): an order delivered in two parts on the same order and lines (reading
 * P1), or its rest moved to a back order of its own (P2); a return order the warehouse registers
 * itself, counted on the outbound order's lines as well; an order cancelled or closed in the
 * warehouse, found by its status change time. Plain fetch, so the wire format is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import { simulatorCalls, simulatorPerFile, type AnyJson } from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_decisions');
const { api, article, order, stockOf } = simulatorCalls(() => t.sim.baseUrl);

const lines = (o: AnyJson) =>
  o.orderLines.map((l: AnyJson) => [l.rowNumber, l.pickedNumberOfItems, l.reportedNumberOfItems]);
const toReport = () =>
  api('GET', '/orders?goodsOwnerId=1&orderStatusFrom=450&onlyOrdersWithOrderLinesToReport=true').then((r) =>
    r.body.map((o: AnyJson) => o.orderInfo.orderNumber),
  );

describe('the warehouse decides', () => {
  it('delivers one order in two parts on the same lines: picking the rest reopens it until it is sent again', async () => {
    await article('A1');
    await t.control.adjustStock({ adjustments: [{ articleNumber: 'A1', numberOfItems: 50 }], recordAdjustment: false });
    const id = await order('P1', [['1', 'A1', 10]]);
    await t.control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 8 }]);
    const first = await t.control.shipOrder({ orderId: id }, { waybill: 'WB-1' });
    expect(first.orderInfo.orderStatus.number).toBe(450);
    expect(lines(first)).toEqual([['1', 8, null]]);
    expect(await toReport()).toEqual(['P1']);
    const lineId = first.orderLines[0].id;
    await api('PATCH', `/orders/${id}/lines/${lineId}/reportedNumberOfItems`, { body: { reportedNumberOfItems: 8 } });
    expect(await toReport()).toEqual([]);

    const picked = await t.control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 2 }]);
    expect(picked.orderInfo.orderStatus.number).toBe(400);
    // Picked but not sent: not yet a shipment to report.
    expect(await toReport()).toEqual([]);
    const second = await t.control.shipOrder({ orderId: id }, { waybill: 'WB-2' });
    expect(second.orderInfo.orderStatus.number).toBe(450);
    expect(second.orderLines[0]).toMatchObject({ id: lineId, pickedNumberOfItems: 10, reportedNumberOfItems: 8 });
    expect(second.tracking.map((x: AnyJson) => x.waybill)).toEqual(['WB-1', 'WB-2']);
    expect(second.parcels).toHaveLength(2);
    expect(await toReport()).toEqual(['P1']);
    await expect(t.control.pickOrder({ orderId: id }, [{ rowNumber: '1', numberOfItems: 1 }])).rejects.toThrow(
      /has 0 left to pick/,
    );
  });

  it('moves the rest of a sent order to a back order that names the original', async () => {
    await article('A1');
    const id = await order('P2', [
      ['1', 'A1', 10],
      ['2', 'A1', 3],
    ]);
    await t.control.pickOrder({ orderId: id }, [
      { rowNumber: '1', numberOfItems: 8 },
      { rowNumber: '2', numberOfItems: 3 },
    ]);
    const sent = await t.control.shipOrder({ orderId: id });
    const back = await t.control.splitBackOrder({ orderId: id }, 'P2-REST');
    expect(back.orderInfo).toMatchObject({
      orderNumber: 'P2-REST',
      orderStatus: { number: 200 },
      advanced: { backOrderInfo: { backOrderForOrderId: id } },
    });
    expect(back.orderLines.map((l: AnyJson) => [l.rowNumber, l.orderedNumberOfItems])).toEqual([['1', 2]]);
    expect(back.orderLines[0].id).not.toBe(sent.orderLines[0].id);
    const found = await api('GET', `/orders?goodsOwnerId=1&backOrderForOrderId=${id}`);
    expect(found.body.map((o: AnyJson) => o.orderInfo.orderNumber)).toEqual(['P2-REST']);
    const original = (await api('GET', `/orders/${id}`)).body;
    expect(original.orderInfo.advanced.backOrderInfo).toBeNull();
    await t.control.fulfilOrder({ orderNumber: 'P2-REST' });
    expect(await toReport()).toEqual(['P2', 'P2-REST']);
  });

  it('registers a return order itself; the goods count on the outbound order line too, until reported', async () => {
    const a1 = await article('A1');
    const id = await order('R1', [['1', 'A1', 4]]);
    await t.control.fulfilOrder({ orderId: id });
    const stock = await stockOf(a1);
    const ro = await t.control.registerReturnOrder(
      { orderId: id },
      {
        comment: 'parcel came back',
        lines: [{ rowNumber: '1', numberOfItems: 3, returnCause: { code: 'DAMAGED', name: 'Damaged' } }],
      },
    );
    expect(ro.returnOrderInfo).toMatchObject({ returnOrderNumber: 'RO-R1-1', comment: 'parcel came back' });
    expect(ro.customerOrderInfo).toEqual({ orderId: id, orderNumber: 'R1' });
    expect(ro.returnOrderLines[0]).toMatchObject({ returnedNumberOfItems: 3, returnCause: { code: 'DAMAGED' } });
    expect(await stockOf(a1)).toBe(stock + 3);
    const toReportReturned = () =>
      api('GET', '/orders?goodsOwnerId=1&onlyOrdersWithOrderLinesToReportReturned=true').then((r) => r.body);
    const [o] = await toReportReturned();
    expect(o.orderLines[0]).toMatchObject({ returnedNumberOfItems: 3, reportedReturnedNumberOfItems: null });
    await api('PATCH', `/orders/${id}/lines/${o.orderLines[0].id}/reportedReturnedNumberOfItems`, {
      body: { reportedReturnedNumberOfItems: 3 },
    });
    expect(await toReportReturned()).toEqual([]);
    const listed = await api('GET', '/returnOrders?goodsOwnerId=1&customerOrderNumbers=R1');
    expect(listed.body.map((r: AnyJson) => r.returnOrderInfo.returnOrderNumber)).toEqual(['RO-R1-1']);
  });

  it('cancels or closes an order in the warehouse; its status change time finds it', async () => {
    await article('A1');
    const cancelled = await order('C1', [['1', 'A1', 2]]);
    const closed = await order('C2', [['1', 'A1', 2]]);
    const before = new Date(Date.now() - 1000).toISOString();
    await t.control.allocateOrder({ orderId: cancelled });
    await t.control.setOrderStatus({ orderId: cancelled }, 1000);
    await t.control.setOrderStatus({ orderId: closed }, 450);
    const changed = await api(
      'GET',
      `/orders?goodsOwnerId=1&orderStatusFrom=450&orderStatusChangedTimeFrom=${encodeURIComponent(before)}`,
    );
    expect(
      changed.body.map((o: AnyJson) => [o.orderInfo.orderNumber, o.orderInfo.orderStatus.number, lines(o)]),
    ).toEqual([
      ['C1', 1000, [['1', 0, null]]],
      ['C2', 450, [['1', 0, null]]],
    ]);
    const later = await api(
      'GET',
      `/orders?goodsOwnerId=1&orderStatusFrom=450&orderStatusChangedTimeFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(later.body).toEqual([]);
  });
});
