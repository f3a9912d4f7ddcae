/**
 * The Ongoing sink's purchase-order and order handlers against the simulator: a cancel of what
 * Ongoing never got makes no call; closing short lowers the lines to what was received and sets the
 * finished status, a refused status change is counted and not fatal, and a refused close stands
 * unless Ongoing already expects nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../schemas/catalog.js';
import { commandFrom } from '../schemas/envelopes.js';
import type { IdMapping, OrderUpsert, PurchaseOrderUpsert } from '../schemas/types.generated.js';
import { OngoingApi } from '../connectors/ongoing/api/client.js';
import { RejectedError } from '../runtime/errors.js';
import { orderUpsertHandler } from '../sinks/ongoing/order-upsert.js';
import { purchaseOrderCloseRefusals, purchaseOrderUpsertHandler } from '../sinks/ongoing/purchase-order-upsert.js';
import { cancelsWithoutTarget, ongoingWriter } from '../sinks/ongoing/writer.js';
import {
  SimulatorControl,
  startOngoingSimulator,
  type OngoingSimulator,
} from '../infra/local/ongoing-simulator/index.js';
import { createTempDatabase, type TempDatabase } from './support/databases.js';

let db: TempDatabase;
let sim: OngoingSimulator;
let api: OngoingApi;
let control: SimulatorControl;

beforeAll(async () => {
  db = await createTempDatabase('ongoing_sink_close');
  sim = await startOngoingSimulator({ databaseUrl: db.url, port: 0 });
  control = new SimulatorControl(sim.controlUrl);
  api = new OngoingApi({ baseUrl: sim.baseUrl, username: 'api', password: 'secret', goodsOwnerId: 1, timeoutMs: 5000 });
  for (const articleNumber of ['A1', 'A2']) await api.upsertArticle({ articleNumber, articleName: articleNumber });
});

afterAll(async () => {
  await sim?.close();
  await db?.drop();
});

let seq = 0;
const command = <P>(topic: typeof topics.purchaseOrderUpsert | typeof topics.orderUpsert, key: string, payload: P) =>
  commandFrom({ eventId: `multicase:x:${key}:${++seq}`, entityKey: key, capturedAt: Date.now() }, topic, payload);

const po = (number: string, lines: Array<[string, string, number]>, close = false): PurchaseOrderUpsert => ({
  purchaseOrderNumber: number,
  cancel: false,
  close,
  supplierNumber: 'S1',
  supplierName: null,
  inDate: null,
  referenceNumber: null,
  comment: null,
  purchaseOrderRemark: null,
  isReturn: null,
  lines: lines.map(([rowNumber, articleNumber, numberOfItems]) => ({ rowNumber, articleNumber, numberOfItems })),
});

const count = async (c: { get(): Promise<{ values: { value: number }[] }> }) =>
  (await c.get()).values.reduce((s, v) => s + v.value, 0);

describe('the Ongoing sink', () => {
  it('makes no call for the cancel of an order Ongoing never got, and counts it', async () => {
    let calls = 0;
    const counted: OngoingApi = Object.create(api);
    counted.cancelOrder = (id) => {
      calls++;
      return api.cancelOrder(id);
    };
    const write = ongoingWriter({ api: counted, idMap: new Map(), skipUnchanged: true }, orderUpsertHandler);
    const before = await count(cancelsWithoutTarget);
    const cancel = { orderNumber: 'NEVER-1', cancel: true, lines: [] } as unknown as OrderUpsert;
    expect(await write(command(topics.orderUpsert, 'NEVER-1', cancel))).toEqual([]);
    expect(calls).toBe(0);
    expect(await count(cancelsWithoutTarget)).toBe(before + 1);
  });

  it('closes a partly received purchase order short: lines down to what was received, then the finished status', async () => {
    const idMap = new Map<string, IdMapping>();
    const write = ongoingWriter({ api, idMap, skipUnchanged: true }, purchaseOrderUpsertHandler);
    const [created] = await write(
      command(
        topics.purchaseOrderUpsert,
        'PO-S1',
        po('PO-S1', [
          ['1', 'A1', 10],
          ['2', 'A2', 4],
        ]),
      ),
    );
    idMap.set(created!.key, created!.value as IdMapping);
    await control.receivePurchaseOrder({ purchaseOrderNumber: 'PO-S1' }, [{ rowNumber: '1', numberOfItems: 5 }]);

    await write(
      command(
        topics.purchaseOrderUpsert,
        'PO-S1',
        po(
          'PO-S1',
          [
            ['1', 'A1', 5],
            ['2', 'A2', 0],
          ],
          true,
        ),
      ),
    );
    const [closed] = await api.getPurchaseOrders({ purchaseOrderNumber: 'PO-S1' });
    expect(closed!.purchaseOrderInfo.purchaseOrderStatus?.number).toBe(500);
    expect(closed!.purchaseOrderLines!.map((l) => [l.advisedNumberOfItems, l.receivedNumberOfItems])).toEqual([
      [5, 5],
      [0, 0],
    ]);
  });

  it('counts a refused status change and goes on: the lines already say nothing more is expected', async () => {
    const idMap = new Map<string, IdMapping>();
    // 450 is no purchase-order status of this installation: Ongoing refuses it.
    const write = ongoingWriter(
      { api, idMap, skipUnchanged: true, purchaseOrderClosedStatus: 450 },
      purchaseOrderUpsertHandler,
    );
    const [created] = await write(command(topics.purchaseOrderUpsert, 'PO-S2', po('PO-S2', [['1', 'A1', 3]])));
    idMap.set(created!.key, created!.value as IdMapping);
    await control.receivePurchaseOrder({ purchaseOrderNumber: 'PO-S2' }, [{ rowNumber: '1', numberOfItems: 1 }]);
    const before = await count(purchaseOrderCloseRefusals);
    const done = await write(command(topics.purchaseOrderUpsert, 'PO-S2', po('PO-S2', [['1', 'A1', 1]], true)));
    expect(done).toHaveLength(1);
    expect(await count(purchaseOrderCloseRefusals)).toBe(before + 1);
    const [closed] = await api.getPurchaseOrders({ purchaseOrderNumber: 'PO-S2' });
    expect(closed!.purchaseOrderLines![0]!.advisedNumberOfItems).toBe(1);
  });

  it('lets a refused close stand while Ongoing still expects goods', async () => {
    const idMap = new Map<string, IdMapping>();
    const write = ongoingWriter({ api, idMap, skipUnchanged: true }, purchaseOrderUpsertHandler);
    const [created] = await write(
      command(
        topics.purchaseOrderUpsert,
        'PO-S3',
        po('PO-S3', [
          ['1', 'A1', 10],
          ['2', 'A2', 4],
        ]),
      ),
    );
    idMap.set(created!.key, created!.value as IdMapping);
    await control.receivePurchaseOrder({ purchaseOrderNumber: 'PO-S3' }, [{ rowNumber: '1', numberOfItems: 5 }]);
    // Multicase has booked only 3 of the 5: below what Ongoing received, so refused; row 2 still open.
    const close = command(
      topics.purchaseOrderUpsert,
      'PO-S3',
      po(
        'PO-S3',
        [
          ['1', 'A1', 3],
          ['2', 'A2', 0],
        ],
        true,
      ),
    );
    await expect(write(close)).rejects.toThrow(RejectedError);
    await expect(write(close)).rejects.toThrow(/can not be advised 3 items: 5 have been received/);
  });
});
