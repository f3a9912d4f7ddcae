/**
 * The set-up the end-to-end files share: a test environment of their own (databases, simulator,
 * topic namespace; environment.ts), the shipping-method map seeded as the demo seeds it, and the
 * pipeline running in this process with every consumer in its group.
 */
import { seedShippingMap } from '../../infra/local/demo/shipping-map.js';
import { startPipeline, type Pipeline, type Role } from '../../pipeline/main.js';
import { startTestEnvironment, type TestEnvironment } from './environment.js';
import { testRuntime } from './kafka.js';

export interface RunningPipeline {
  env: TestEnvironment;
  pipeline: Pipeline;
}

export interface RunningPipelineOptions {
  /** The freight methods mapped before the pipeline starts (default: every demo one); false: none. */
  shippingMethods?: readonly number[] | false;
  /** What the pipeline's own environment changes (e.g. an Ongoing URL through a proxy). */
  pipelineEnv?(env: TestEnvironment): NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>;
  roles?: readonly Role[];
  /** Run the pipeline on a test runtime (its logs kept, not printed) instead of a process's own. */
  testRuntime?: boolean;
}

export async function startRunningPipeline(
  name: string,
  settings: NodeJS.ProcessEnv = {},
  opts: RunningPipelineOptions = {},
): Promise<RunningPipeline> {
  const env = await startTestEnvironment(name, settings);
  try {
    if (opts.shippingMethods !== false) await seedShippingMap(env.rt, opts.shippingMethods);
    const pipelineEnv = opts.pipelineEnv ? await opts.pipelineEnv(env) : env.env;
    const pipeline = await startPipeline({
      env: pipelineEnv,
      ...(opts.roles ? { roles: opts.roles } : {}),
      ...(opts.testRuntime ? { runtime: testRuntime(`${name}-pipeline`, pipelineEnv) } : {}),
    });
    await pipeline.started();
    return { env, pipeline };
  } catch (err) {
    await env.close();
    throw err;
  }
}

/** For afterAll: the pipeline first (it uses the environment), then the environment. */
export async function stopRunningPipeline(running: Partial<RunningPipeline>): Promise<void> {
  await running.pipeline?.close();
  await running.env?.close();
}
