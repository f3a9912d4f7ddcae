/**
 * Fault suite: a grant the pipeline needs is revoked in the Multicase database for a while (an
 * operator's mistake, a changed policy). That is the configuration's fault, not the records':
 * the stage that needs it pauses and says why on /healthz, nothing is dead-lettered, and it goes
 * on by itself once the grant is back. The pipeline connects as its own role, as it would in
 * production; the test itself works as the database owner.
 */
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { savePurchaseOrder } from '../infra/local/multicase-db/actions.js';
import { health } from '../runtime/metrics.js';
import { PG_ADMIN_URL } from './support/databases.js';
import { eventually } from './support/environment.js';
import { closeAfterScenario, expectRecovered } from './support/fault-steps.js';
import { sleep, startFaultWorld, type FaultWorld } from './support/fault-world.js';

let world: FaultWorld | undefined;
let role: string | undefined;

afterEach(async (ctx) => {
  if (world && role) await world.db.raw(`DROP OWNED BY ${role}`).catch(() => undefined);
  await closeAfterScenario(ctx, world);
  if (role) {
    // Roles belong to the server, not to the world's database: leave none behind.
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
    await admin
      .raw(`DROP ROLE IF EXISTS ${role}`)
      .catch((err: unknown) => process.stderr.write(`dropping role ${role}: ${String(err)}\n`));
    await admin.destroy();
  }
  world = undefined;
  role = undefined;
}, 120_000);

describe('fault: a grant revoked in the Multicase database', () => {
  it('the booking stage pauses with the reason on /healthz while INSERT on applied_events is revoked, then resumes: no dead letter', async () => {
    world = await startFaultWorld('fperm');
    const w = world;
    role = `pipeline_${randomBytes(4).toString('hex')}`;
    // What a deployment grants the pipeline's user (README, "Deployment on a real cluster").
    await w.db.raw(`CREATE ROLE ${role} LOGIN`);
    await w.db.raw(`GRANT USAGE ON SCHEMA multicase TO ${role}`);
    await w.db.raw(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA multicase TO ${role}`);
    await w.db.raw(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA multicase TO ${role}`);
    await w.db.raw(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA multicase TO ${role}`);
    const asRole = new URL(w.env.dbUrl);
    asRole.username = role;
    asRole.password = '';
    await w.pipeline('fperm-pipeline', {
      env: { MULTICASE_DATABASE_URL: asRole.toString(), RETRY_PAUSE_AFTER_MS: '1000' },
    });
    const po = await savePurchaseOrder(w.db, {
      supplierNumber: 'S1001',
      warehouseCode: 'MAIN',
      lines: [{ position: 1, productNumber: 'TENT-2P', quantityOrdered: 9 }],
    });
    const warm = await w.settle(Date.now(), 40_000);
    expect(warm.report.discrepancies, 'ledgers before the fault').toEqual([]);

    await w.db.raw(`REVOKE INSERT ON multicase.applied_events FROM ${role}`);
    await w.env.control.receivePurchaseOrder({ purchaseOrderNumber: po.purchaseOrderNumber }, [
      { rowNumber: '1', numberOfItems: 4 },
    ]);
    const paused = await eventually(
      async () => (await health()).checks['paused:sink.multicase.receipt-booking'],
      (reason) => typeof reason === 'string' && reason.includes('42501'),
      30_000,
      'the booking stage to report itself paused',
    );
    expect(paused).toMatch(/^paused since .*ConfigurationFault: the Multicase database needs an operator \(42501\)/);
    expect((await health()).ok).toBe(false);
    await sleep(3_000);

    await w.db.raw(`GRANT INSERT ON multicase.applied_events TO ${role}`);
    const grantedAt = Date.now();
    await expectRecovered(w, 'multicase-grant-revoked', grantedAt);
    expect((await health()).checks['paused:sink.multicase.receipt-booking']).toBeUndefined();
  }, 150_000);
});
