/**
 * The Ongoing WMS simulator refuses what the real API refuses once the warehouse has started
 * (shared/reference/ongoing-wms-api.md): changing or cancelling a picked or allocated order, a
 * change to a partly received purchase order below what was received, cancelling it. Real
 * PostgreSQL, simulator in-process on a random port, plain fetch so the wire format is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import { orderBody, simulatorCalls, simulatorPerFile } from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_refusals');
const { api, article, order, purchaseOrder } = simulatorCalls(() => t.sim.baseUrl);

describe('refusals once the warehouse has started', () => {
  it('refuses to update or cancel a picked order, with a Message body', async () => {
    await article('A1');
    const id = await order('W-1', [['1', 'A1', 3]]);
    await t.control.pickOrder({ orderId: id });
    const update = await api('PUT', '/orders', { body: orderBody('W-1', [['1', 'A1', 4]]) });
    expect(update.status).toBe(400);
    expect(update.body.Message).toMatch(/started/);
    const cancel = await api('DELETE', `/orders/${id}`);
    expect(cancel.status).toBe(400);
    expect(cancel.body.Message).toMatch(/started/);
    expect((await api('PATCH', `/orders/${id}/orderStatus`, { body: { orderStatusNumber: 300 } })).status).toBe(400);
    expect((await api('GET', `/orders/${id}`)).body.orderLines[0].orderedNumberOfItems).toBe(3);
  });

  it('refuses an allocated order too, but cancels an untouched one (idempotently, by id or number)', async () => {
    await article('A1');
    const allocated = await order('W-2', [['1', 'A1', 1]]);
    await t.control.allocateOrder({ orderId: allocated });
    expect((await api('PUT', '/orders', { body: orderBody('W-2', [['1', 'A1', 2]]) })).status).toBe(400);
    const open = await order('W-3', [['1', 'A1', 1]]);
    const released = await api('PATCH', `/orders/${open}/orderStatus`, { body: { orderStatusNumber: 300 } });
    expect(released.body).toEqual({ orderId: open, message: expect.any(String) });
    expect((await api('PUT', '/orders', { body: orderBody('W-3', [['1', 'A1', 2]]) })).status).toBe(200);
    expect((await api('DELETE', '/orders?goodsOwnerId=1&orderNumber=W-3')).status).toBe(200);
    expect((await api('DELETE', `/orders/${open}`)).status).toBe(200);
    expect((await api('GET', `/orders/${open}`)).body.orderInfo.orderStatus).toEqual({
      number: 1000,
      text: 'Cancelled',
    });
  });

  it('takes changes to a partly received purchase order, but not below what was received, and refuses to cancel it', async () => {
    await article('A1');
    await article('A2');
    const id = await purchaseOrder('PO-W', [['1', 'A1', 10]]);
    await t.control.receivePurchaseOrder({ purchaseOrderId: id }, [{ rowNumber: '1', numberOfItems: 4 }]);
    const put = (lines: Array<[string, string, number]>) =>
      api('PUT', '/purchaseOrders', {
        body: {
          goodsOwnerId: 1,
          purchaseOrderNumber: 'PO-W',
          purchaseOrderLines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({
            rowNumber,
            articleNumber,
            numberOfItems,
          })),
        },
      });
    const raised = await put([
      ['1', 'A1', 20],
      ['2', 'A2', 3],
    ]);
    expect(raised.status).toBe(200);
    const now = (await api('GET', `/purchaseOrders/${id}`)).body;
    expect(
      now.purchaseOrderLines.map((l: { advisedNumberOfItems: number; receivedNumberOfItems: number }) => [
        l.advisedNumberOfItems,
        l.receivedNumberOfItems,
      ]),
    ).toEqual([
      [20, 4],
      [3, 0],
    ]);

    const below = await put([
      ['1', 'A1', 3],
      ['2', 'A2', 3],
    ]);
    expect(below.status).toBe(400);
    expect(below.body.Message).toMatch(/row 1 can not be advised 3 items: 4 have been received/);
    expect((await put([['1', 'A2', 20]])).body.Message).toMatch(/row 1 can not change article/);
    expect((await put([['2', 'A2', 3]])).body.Message).toMatch(/row 1 can not be removed/);
    const cancel = await api('DELETE', '/purchaseOrders?goodsOwnerId=1&purchaseOrderNumber=PO-W');
    expect(cancel.status).toBe(400);
    expect(cancel.body.Message).toMatch(/received/);

    // Advising exactly what was received completes the order; after that it takes no changes.
    expect((await put([['1', 'A1', 4]])).status).toBe(200);
    expect((await api('GET', `/purchaseOrders/${id}`)).body.purchaseOrderInfo.purchaseOrderStatus.number).toBe(500);
    expect((await put([['1', 'A1', 5]])).body.Message).toMatch(/fully received/);

    const untouched = await purchaseOrder('PO-C', [['1', 'A1', 1]]);
    expect((await api('DELETE', `/purchaseOrders/${untouched}`)).status).toBe(200);
    expect((await api('GET', `/purchaseOrders/${untouched}`)).body.purchaseOrderInfo.purchaseOrderStatus).toEqual({
      number: 900,
      text: 'Cancelled',
    });
  });
});
