/**
 * What the fault scenarios (faults-*.test.ts) share around their fault: a purchase order in Ongoing
 * before it, the check that the two systems agree after it, whether a port takes connections
 * (harness checks), and the clean-up after each scenario.
 */
import { connect } from 'node:net';
import { expect, type TestContext } from 'vitest';
import { savePurchaseOrder } from '../../infra/local/multicase-db/actions.js';
import { reportFailure, reportRecovery, type FaultWorld, type Settled } from './fault-world.js';

/** A purchase order in Ongoing before the fault, so goods can be received against it during it; the ledgers agree. */
export async function purchaseOrderInOngoing(
  w: FaultWorld,
  lines: Array<{ productNumber: string; quantityOrdered: number }>,
): Promise<string> {
  const po = await savePurchaseOrder(w.db, {
    supplierNumber: 'S1001',
    warehouseCode: 'MAIN',
    lines: lines.map((l, i) => ({ position: i + 1, ...l })),
  });
  const warm = await w.settle(Date.now(), 40_000);
  expect(warm.report.discrepancies, 'ledgers before the fault').toEqual([]);
  return po.purchaseOrderNumber;
}

/**
 * After the fault ended at `since`: the ledgers match, nothing was dead-lettered, and nothing is
 * reported in Ongoing that Multicase did not book (a receipt acknowledged and lost).
 */
export async function expectRecovered(
  w: FaultWorld,
  name: string,
  since: number,
  timeoutMs = 45_000,
): Promise<Settled> {
  const settled = await w.settle(since, timeoutMs);
  reportRecovery(name, settled);
  expect.soft(settled.deadLetters, 'dead letters').toEqual([]);
  expect.soft(settled.report.overReported, 'reported in Ongoing but not booked in Multicase').toEqual([]);
  expect(settled.report.discrepancies, `ledger discrepancies after the fault (${name})`).toEqual([]);
  return settled;
}

/** Whether the port takes a connection now: 'connected', or the error code (ECONNREFUSED, …). */
export const connectOutcome = (port: number): Promise<string> =>
  new Promise<string>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });

/**
 * For afterEach: a failed scenario's logs kept (returns where), then its world closed; the
 * world's clean-up deletes its topics, so it has to run whatever happened.
 */
export async function closeAfterScenario(
  ctx: TestContext,
  world: FaultWorld | undefined,
  name = ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-'),
): Promise<string | undefined> {
  const dir = ctx.task.result?.state === 'fail' ? await reportFailure(world, name) : undefined;
  await world?.close().catch((err: unknown) => process.stderr.write(`closing the world: ${String(err)}\n`));
  return dir;
}
