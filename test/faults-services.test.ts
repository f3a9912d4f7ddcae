/**
 * Fault suite, the services around the pipeline: the schema registry goes away (and a pipeline
 * starts while it is away), Ongoing answers 401 for a while, the Multicase database refuses
 * connections for a while. Flows 1–3 keep being used meanwhile: products and purchase orders are
 * saved in Multicase, goods are received in Ongoing. The rule: a fault of infrastructure is
 * retried or pauses the stage; it never dead-letters, never advances a source position, never
 * acknowledges anything in Ongoing. After each fault the ledgers of both systems must match
 * exactly (support/fault-world.ts).
 *
 * The shared registry and PostgreSQL keep running for everyone else: the pipeline under test
 * reaches them through a TCP proxy (support/tcp-proxy.ts) that refuses and drops connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createProduct, savePurchaseOrder, updateProduct } from '../infra/local/multicase-db/actions.js';
import { closeAfterScenario, connectOutcome, expectRecovered, purchaseOrderInOngoing } from './support/fault-steps.js';
import { sleep, startFaultWorld, type FaultWorld, type RunningPipeline } from './support/fault-world.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

let world: FaultWorld | undefined;
let proxy: TcpProxy | undefined;

afterEach(async (ctx) => {
  await proxy?.accept().catch(() => undefined);
  await closeAfterScenario(ctx, world);
  await proxy?.close();
  world = undefined;
  proxy = undefined;
}, 120_000);

describe('fault: schema registry unavailable', () => {
  it('registry refused for 20 s, a pipeline restarted in the middle of it: after it is back the ledgers match, no dead letter', async () => {
    const shared = new URL(process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7');
    proxy = await startTcpProxy({ host: shared.hostname, port: Number(shared.port || 80) });
    const registry = proxy;
    const viaProxy = new URL(shared);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(registry.port);
    world = await startFaultWorld('freg', { SCHEMA_REGISTRY_URL: viaProxy.toString().replace(/\/$/, '') });
    const w = world;
    const first = await w.pipeline('freg-pipeline-1');
    const poA = await purchaseOrderInOngoing(w, [{ productNumber: 'TENT-2P', quantityOrdered: 10 }]);
    expect(
      registry.acceptedConnections,
      'harness: the pipeline reaches the registry through the proxy',
    ).toBeGreaterThan(0);

    await registry.refuse();
    registry.dropAll();
    const downAt = Date.now();
    expect(await connectOutcome(registry.port), 'harness: the registry proxy refuses connections').toBe('ECONNREFUSED');
    expect(registry.openConnections).toBe(0);

    for (let i = 1; i <= 3; i++)
      await createProduct(w.db, { productNumber: `REG-${i}`, description: `saved while the registry was down ${i}` });
    await savePurchaseOrder(w.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'JACKET-M', quantityOrdered: 3 }],
    });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA }, [{ rowNumber: '1', numberOfItems: 4 }]);
    await sleep(6_000);

    // A restart during the outage: the running pipeline stops, a new one starts while the registry is still away.
    await first.close();
    let second: RunningPipeline | undefined;
    let startError: unknown;
    let startedAt = 0;
    const starting = w.pipeline('freg-pipeline-2').then(
      (p) => {
        startedAt = Date.now();
        return (second = p);
      },
      (err: unknown) => (startError = err),
    );
    await sleep(3_000);
    await createProduct(w.db, { productNumber: 'REG-4', description: 'saved after the restart, registry still down' });
    await updateProduct(w.db, 'REG-1', { description: 'renamed while the registry was down' });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA });
    await sleep(Math.max(0, downAt + 20_000 - Date.now()));

    await registry.accept();
    const backAt = Date.now();
    expect(await connectOutcome(registry.port), 'harness: the registry proxy accepts again').toBe('connected');
    await Promise.race([starting, sleep(30_000)]);
    expect(startError, 'a pipeline started while the registry was down must not fail to start').toBeUndefined();
    expect(
      second,
      'the pipeline started during the outage has started within 30 s of the registry coming back',
    ).toBeDefined();
    console.log(
      `fault schema-registry-refused-20s: the pipeline started during the outage was up ${startedAt - backAt} ms after the registry came back (negative: before)`,
    );

    await expectRecovered(w, 'schema-registry-refused-20s', backAt);
  }, 180_000);
});

describe('fault: Ongoing answers 401', () => {
  it('every Ongoing request answered 401 for 15 s: afterwards the ledgers match, no dead letter', async () => {
    world = await startFaultWorld('f401');
    const w = world;
    await w.pipeline('f401-pipeline');
    const poA = await purchaseOrderInOngoing(w, [{ productNumber: 'SLBAG-3S', quantityOrdered: 8 }]);

    const faults = await w.env.control.denyAuthorization(15_000);
    const until = Date.now() + faults.unauthorizedForMs;
    // Harness: the API answers 401 the way Ongoing does, whatever the credentials.
    const raw = await fetch(`${w.env.simulator.baseUrl}/articles?goodsOwnerId=1`, {
      headers: { authorization: `Basic ${Buffer.from('api:secret').toString('base64')}` },
    });
    expect(raw.status, 'harness: the simulator answers 401 during the fault').toBe(401);
    expect(await raw.json()).toEqual({ Message: 'Authorization has been denied for this request.' });

    for (let i = 1; i <= 3; i++)
      await createProduct(w.db, { productNumber: `AUTH-${i}`, description: `saved while Ongoing said 401 ${i}` });
    await savePurchaseOrder(w.db, {
      supplierNumber: 'S1002',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'WOOL-SOCK', quantityOrdered: 20 }],
    });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA }, [{ rowNumber: '1', numberOfItems: 3 }]);
    await sleep(6_000);
    await updateProduct(w.db, 'AUTH-2', { description: 'renamed during the 401s' });
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA });
    await sleep(Math.max(0, until - Date.now()));

    const after = await fetch(`${w.env.simulator.baseUrl}/articles?goodsOwnerId=1&articleNumber=TENT-2P`, {
      headers: { authorization: `Basic ${Buffer.from('api:secret').toString('base64')}` },
    });
    expect(after.status, 'harness: the simulator accepts the credentials again after the fault').toBe(200);
    expect((await w.env.control.faults()).unauthorizedForMs).toBe(0);

    await expectRecovered(w, 'ongoing-401-15s', until);
  }, 150_000);
});

describe('fault: Multicase database refuses connections', () => {
  it('database refused (and open connections cut) for 15 s: afterwards the ledgers match, no dead letter', async () => {
    world = await startFaultWorld('fdb');
    const w = world;
    // The world's own database, reached by the pipeline through the proxy; the test itself reads it directly.
    const direct = new URL(w.env.dbUrl);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const pg = proxy;
    const viaProxy = new URL(w.env.dbUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(pg.port);
    await w.pipeline('fdb-pipeline', { env: { MULTICASE_DATABASE_URL: viaProxy.toString() } });
    const poA = await purchaseOrderInOngoing(w, [{ productNumber: 'COFFEE-500', quantityOrdered: 12 }]);
    expect(pg.openConnections, 'harness: the pipeline holds database connections through the proxy').toBeGreaterThan(0);

    await pg.refuse();
    pg.dropAll();
    const downAt = Date.now();
    expect(await connectOutcome(pg.port), 'harness: the database proxy refuses connections').toBe('ECONNREFUSED');

    // Goods arrive in Ongoing while Multicase is away: their booking has to wait, not be dropped.
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA }, [{ rowNumber: '1', numberOfItems: 7 }]);
    for (let i = 1; i <= 3; i++)
      await createProduct(w.db, {
        productNumber: `DB-${i}`,
        description: `saved while the pipeline could not reach the database ${i}`,
      });
    await savePurchaseOrder(w.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 2 }],
    });
    await sleep(6_000);
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: poA });
    await updateProduct(w.db, 'DB-3', { description: 'renamed during the database outage' });
    await sleep(Math.max(0, downAt + 15_000 - Date.now()));

    await pg.accept();
    const backAt = Date.now();
    expect(await connectOutcome(pg.port), 'harness: the database proxy accepts again').toBe('connected');

    await expectRecovered(w, 'multicase-db-refused-15s', backAt);
  }, 150_000);
});
