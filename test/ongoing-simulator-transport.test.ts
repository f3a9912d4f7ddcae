/**
 * The simulator's transporter assignment (shared/reference/ongoing-wms-api.md §5.4): an order that
 * names a way of delivery but no transporter gets the transporter the warehouse assigned to that
 * way of delivery, and its parcels' tracking URLs follow that transporter. Real PostgreSQL,
 * simulator in-process on a random port, plain fetch.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SHIPPING_MAP } from '../infra/local/demo/shipping-map.js';
import { orderBody, simulatorCalls, simulatorPerFile, type AnyJson } from './support/ongoing-simulator-calls.js';

const t = simulatorPerFile('ongoing_sim_transport');
const { api, article, order } = simulatorCalls(() => t.sim.baseUrl);

beforeEach(async () => {
  await article('A1');
});

const read = async (orderId: number): Promise<AnyJson> => (await api('GET', `/orders/${orderId}`)).body;

describe('transporter assignment', () => {
  it('assigns the transporter of the way of delivery to an order that names none, and tracks the parcels with it', async () => {
    const id = await order('T-1', [['1', 'A1', 1]], { wayOfDelivery: { code: 'STANDARD', name: 'Standard delivery' } });
    expect((await read(id)).transporter).toEqual({
      transporterName: 'PostNord Logistics AB',
      name: 'PostNord Parcel',
      code: 'PLAB',
      serviceCode: 'P18',
    });
    const shipped = await t.control.fulfilOrder({ orderId: id }, { waybill: 'WB-1', parcels: 2 });
    expect(shipped.parcels).toHaveLength(2);
    for (const p of shipped.parcels) expect(p.tracking.trackingUrl).toBe('https://tracking.postnord.com/se/?id=WB-1');
    expect(shipped.tracking).toEqual([
      expect.objectContaining({ waybill: 'WB-1', trackingUrl: 'https://tracking.postnord.com/se/?id=WB-1' }),
    ]);
  });

  it('matches the way-of-delivery code regardless of case, and follows a changed way of delivery on update', async () => {
    const id = await order('T-2', [['1', 'A1', 1]], { wayOfDelivery: { code: 'express' } });
    expect((await read(id)).transporter).toMatchObject({ code: 'DHL', serviceCode: 'DHLPARCEL' });
    const update = await api('PUT', '/orders', {
      body: { ...orderBody('T-2', [['1', 'A1', 1]]), wayOfDelivery: { code: 'SERVICEPOINT' } },
    });
    expect(update.status).toBe(200);
    expect((await read(id)).transporter).toMatchObject({ code: 'PLAB', serviceCode: 'P19' });
  });

  it('keeps a transporter the order names itself, and leaves an order without way of delivery without one', async () => {
    const named = await order('T-3', [['1', 'A1', 1]], {
      wayOfDelivery: { code: 'STANDARD' },
      transporter: { transporterCode: 'BRING', transporterServiceCode: 'BRINGPICKUP' },
    });
    expect((await read(named)).transporter).toMatchObject({ code: 'BRING', serviceCode: 'BRINGPICKUP' });
    const shipped = await t.control.fulfilOrder({ orderId: named }, { waybill: 'WB-3' });
    expect(shipped.parcels[0].tracking.trackingUrl).toBe('https://tracking.bring.se/tracking/WB-3');

    const bare = await order('T-4', [['1', 'A1', 1]]);
    expect((await read(bare)).transporter).toBeNull();
    const bareShipped = await t.control.fulfilOrder({ orderId: bare }, { waybill: 'WB-4' });
    expect(bareShipped.transporter).toBeNull();
    expect(bareShipped.parcels[0].tracking.trackingUrl).toBe('https://tracking.ongoing-simulator.invalid/?id=WB-4');
  });

  it('takes assignments seeded through the control path, and applies one set after the order came in when it is sent', async () => {
    const id = await order('T-5', [['1', 'A1', 1]], { wayOfDelivery: { code: 'NIGHT', name: 'Night delivery' } });
    expect((await read(id)).transporter).toBeNull();
    await t.control.seed({
      transporterAssignments: [
        { wayOfDeliveryCode: 'NIGHT', transporterCode: 'UPS', transporterServiceCode: 'UPSEXPRESS' },
      ],
    });
    const shipped = await t.control.fulfilOrder({ orderId: id }, { waybill: 'WB-5' });
    expect(shipped.transporter).toEqual({
      transporterName: 'UPS',
      name: 'UPS Express Saver',
      code: 'UPS',
      serviceCode: 'UPSEXPRESS',
    });
    expect(shipped.parcels[0].tracking.trackingUrl).toBe('https://www.ups.com/track?tracknum=WB-5');
    expect((await read(id)).transporter).toMatchObject({ code: 'UPS' });

    // The seeded list replaced the defaults: STANDARD is no longer assigned.
    expect(
      (await read(await order('T-6', [['1', 'A1', 1]], { wayOfDelivery: { code: 'STANDARD' } }))).transporter,
    ).toBeNull();
    await t.control.seed();
    expect(
      (await read(await order('T-7', [['1', 'A1', 1]], { wayOfDelivery: { code: 'STANDARD' } }))).transporter,
    ).toMatchObject({ code: 'PLAB' });
  });

  it('refuses an assignment to a transporter or service that has no contract', async () => {
    await expect(
      t.control.seed({ transporterAssignments: [{ wayOfDeliveryCode: 'NIGHT', transporterCode: 'NOSUCH' }] }),
    ).rejects.toThrow(/NOSUCH/);
    await expect(
      t.control.seed({
        transporterAssignments: [
          { wayOfDeliveryCode: 'NIGHT', transporterCode: 'PLAB', transporterServiceCode: 'X99' },
        ],
      }),
    ).rejects.toThrow(/X99/);
    // A refused seed changes nothing.
    expect(
      (await read(await order('T-8', [['1', 'A1', 1]], { wayOfDelivery: { code: 'PALLET' } }))).transporter,
    ).toMatchObject({ code: 'DHL', serviceCode: 'DHLPALLET' });
  });

  it('assigns a transporter for every way of delivery the demo shipping map uses', async () => {
    const codes = [...new Set(DEMO_SHIPPING_MAP.map((m) => m.wayOfDeliveryCode).filter((c): c is string => !!c))];
    expect(codes.length).toBeGreaterThan(0);
    for (const [i, code] of codes.entries()) {
      const id = await order(`D-${i}`, [['1', 'A1', 1]], { wayOfDelivery: { code } });
      expect((await read(id)).transporter?.code, code).toEqual(expect.any(String));
    }
  });
});
