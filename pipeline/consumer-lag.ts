/**
 * Consumer lag as the brokers see it: each stage's committed offset against the end of its input
 * topic, per partition, measured every CONSUMER_LAG_INTERVAL_MS by one process (of the processors
 * role's copies, the holder of lease.consumer-lag). A stage's own view after each batch
 * (pipeline_consumer_lag_records) freezes when the stage stalls or its process is gone, which is
 * when the backlog matters most; this one keeps counting, so PipelineConsumerLagGrowing reads it.
 */
import { Gauge } from 'prom-client';
import { setting } from '../runtime/config.js';
import { registry } from '../runtime/metrics.js';
import type { Runtime } from '../runtime/runtime.js';
import { flowStages } from './flows.js';
import { groupLag } from './ops/status.js';

export const consumerLagSettings = {
  consumerLagIntervalMs: setting.int('CONSUMER_LAG_INTERVAL_MS', {
    default: 30_000,
    min: 0,
    description:
      "how often the processors role (of its copies, the holder of lease.consumer-lag) reads every stage's committed offsets and the end offsets of their topics into pipeline_consumer_group_lag_records; 0 = never",
  }),
};

export const consumerGroupLag = new Gauge({
  name: 'pipeline_consumer_group_lag_records',
  help: "records of a partition a stage's consumer group has not committed yet (end offset minus committed offset; all of them before its first commit), read from the brokers by one process every CONSUMER_LAG_INTERVAL_MS",
  labelNames: ['stage', 'topic', 'partition'],
  registers: [registry],
});

/** Measures at once and then every `intervalMs` until stopped; a failed round is logged, never fatal. */
export function watchConsumerLag(rt: Runtime, intervalMs: number): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const measure = async () => {
    const admin = await rt.kafka.admin();
    try {
      for (const stage of flowStages()) {
        const lag = await groupLag(admin, stage.group, stage.topic);
        for (const p of lag.partitions)
          consumerGroupLag.set({ stage: stage.group, topic: stage.topic, partition: String(p.partition) }, p.lag);
      }
    } finally {
      await admin.disconnect();
    }
  };
  const run = async () => {
    try {
      await measure();
    } catch (err) {
      if (!closed)
        rt.log.warn("could not read the consumer groups' lag; trying again at the next interval", { error: err });
    } finally {
      if (!closed) timer = setTimeout(() => void run(), intervalMs);
    }
  };
  void run();
  return {
    async stop() {
      closed = true;
      if (timer) clearTimeout(timer);
      // Another copy measures from now on; this one's figures would only go stale.
      consumerGroupLag.reset();
    },
  };
}
