/**
 * An isolated world for one end-to-end test file: its own Multicase database (migrated, seeded),
 * its own Ongoing simulator (in-process, own database, random port) and its own namespace of
 * topics and consumer groups on the shared real Kafka cluster.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { OngoingApi } from '../../connectors/ongoing/api/client.js';
import {
  SimulatorControl,
  startOngoingSimulator,
  type OngoingSimulator,
} from '../../infra/local/ongoing-simulator/index.js';
import { connectMulticase, migrateLatest } from '../../infra/local/multicase-db/db.js';
import { seedDemoData } from '../../infra/local/multicase-db/seed.js';
import type { Runtime } from '../../runtime/runtime.js';
import { allTopics } from '../../schemas/catalog.js';
import { ensureTopology } from '../../runtime/topology.js';
import { createTempDatabase, type TempDatabase } from './databases.js';
import { testRuntime } from './kafka.js';

export interface TestEnvironment {
  namespace: string;
  db: Knex;
  dbUrl: string;
  simulator: OngoingSimulator;
  /** The simulator's own database (to play a restore: rows gone behind the API's back). */
  simDbUrl: string;
  control: SimulatorControl;
  api: OngoingApi;
  /** Environment for a pipeline process or startPipeline({ env }). */
  env: NodeJS.ProcessEnv;
  /** A runtime in the same namespace, for reading and writing topics in tests. */
  rt: Runtime;
  close(): Promise<void>;
}

export async function startTestEnvironment(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TestEnvironment> {
  const namespace = `t-${name}-${randomBytes(3).toString('hex')}.`;
  const multicase: TempDatabase = await createTempDatabase(`mc_${name}`);
  const simDb: TempDatabase = await createTempDatabase(`sim_${name}`);
  const db = connectMulticase(multicase.url);
  await migrateLatest(db);
  await seedDemoData(db);
  const simulator = await startOngoingSimulator({ databaseUrl: simDb.url, port: 0 });
  const control = new SimulatorControl(simulator.controlUrl);
  const api = new OngoingApi({
    baseUrl: simulator.baseUrl,
    username: 'api',
    password: 'secret',
    goodsOwnerId: 1,
    timeoutMs: 5_000,
  });
  const env: NodeJS.ProcessEnv = {
    KAFKA_NAMESPACE: namespace,
    MULTICASE_DATABASE_URL: multicase.url,
    ONGOING_API_BASE_URL: simulator.baseUrl,
    ONGOING_API_PASSWORD: 'secret',
    ONGOING_API_TIMEOUT_MS: '5000',
    MULTICASE_PRODUCT_POLL_MS: '300',
    MULTICASE_PURCHASE_ORDER_POLL_MS: '2000',
    ONGOING_GOODS_RECEIPT_POLL_MS: '300',
    RETRY_MIN_DELAY_MS: '50',
    RETRY_MAX_DELAY_MS: '1000',
    METRICS_PORT: '0',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...extraEnv,
  };
  const rt = testRuntime(`${name}-test`, env);
  await ensureTopology(rt, allTopics);
  return {
    namespace,
    db,
    dbUrl: multicase.url,
    simulator,
    simDbUrl: simDb.url,
    control,
    api,
    env,
    rt,
    async close() {
      // Leave the shared cluster as we found it: this namespace's topics go.
      const admin = await rt.kafka.admin();
      await admin.deleteTopics(await admin.listTopics()).catch(() => undefined);
      await admin.disconnect();
      await rt.close();
      await simulator.close();
      await db.destroy();
      await multicase.drop();
      await simDb.drop();
    },
  };
}

/** Polls `probe` until it returns a value that `done` accepts, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}
