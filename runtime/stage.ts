/**
 * The consumer loop every processor and sink runs in (what Kafka Connect's WorkerSinkTask is to
 * its connectors): decode, hand the value to the flow's function, encode and produce what it
 * returns, and only then commit. Within a partition records are handled one after another, so
 * order per key holds. Transient failures are retried in place (the partition waits); a record
 * that can never succeed goes to `dlq.<topic>` with its reason and the partition moves on.
 */
import type { TopicSpec } from '../schemas/topic.js';
import { crashPoint } from './crash-points.js';
import { deadLetterOf } from './dead-letter.js';
import { errorClass, errorMessage, isRetriable } from './errors.js';
import type { ConsumedRecord, OutgoingMessage, PartitionBatch } from './kafka.js';
import { metrics, observeEndToEnd, registerHealthCheck } from './metrics.js';
import { produceOrDeadLetter, type Yielded } from './produce.js';
import { Interrupted, withRetry } from './retry.js';
import type { Runtime } from './runtime.js';

export interface Output<V = unknown> {
  topic: TopicSpec<V>;
  key: string;
  /** null writes a tombstone (compacted topics). */
  value: V | null;
}

/**
 * A record that failed for good but still yields outputs that hold, e.g. the id a target
 * revealed while refusing a write. The record is dead-lettered and the outputs produced with it.
 */
export class FailedWithOutputs extends Error {
  constructor(readonly failure: unknown, readonly outputs: Output[]) {
    super(errorMessage(failure));
    this.name = errorClass(failure);
  }
  get retriable(): boolean {
    return false;
  }
}

export interface StageContext {
  record: ConsumedRecord;
  signal: AbortSignal;
}

export interface StageSpec<I> {
  /** Also the consumer group id unless `groupId` is given. */
  name: string;
  groupId?: string;
  input: TopicSpec<I>;
  handle(value: I, ctx: StageContext): Promise<Output[]> | Output[];
  /** Partitions handled in parallel in this process (order holds within each). */
  partitionsConcurrently?: number;
  /** Records handled before outputs are produced and the offset committed. */
  chunkSize?: number;
  /**
   * When the change behind this record was first read in its source system (a command's
   * `traceOrigin`); given for stages that apply commands to a target, so that the end-to-end
   * latency is observed once a record's effect is done.
   */
  tracedFrom?(value: I): number | null;
}

export interface RunningStage {
  readonly name: string;
  /** Resolves once the consumer has joined its group and is fetching. */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

export async function runStage<I>(rt: Runtime, spec: StageSpec<I>): Promise<RunningStage> {
  const log = rt.log.child({ stage: spec.name });
  const producer = await rt.producer();
  const consumer = await rt.kafka.consumer({ groupId: spec.groupId ?? spec.name, topics: [spec.input.name] });
  const chunkSize = spec.chunkSize ?? 500;
  let stoppedBy: string | undefined;
  registerHealthCheck(`stage:${spec.name}`, () => stoppedBy === undefined || stoppedBy);

  async function encode(outputs: Output[]): Promise<OutgoingMessage[]> {
    return Promise.all(
      outputs.map(async (o) => ({
        topic: o.topic.name,
        key: o.key,
        value: o.value === null ? null : await rt.serde.encode(o.topic, o.value),
      })),
    );
  }

  const deadLetter = (record: ConsumedRecord, cause: unknown, attempts: number, firstFailureAt: number, what: string): OutgoingMessage => {
    metrics.deadLettered.inc({ stage: spec.name, topic: record.topic, reason: errorClass(cause) });
    log.warn(what, {
      topic: record.topic, partition: record.partition, offset: record.offset, key: record.key,
      errorClass: errorClass(cause), error: errorMessage(cause), retriable: isRetriable(cause),
    });
    return deadLetterOf(record, { stage: spec.name, error: cause, attempts, firstFailureAt });
  };

  /** One record to what it yields: its outputs, or its dead letter. Undefined: stopping, not handled. */
  async function handleRecord(record: ConsumedRecord, batch: PartitionBatch): Promise<Yielded | undefined> {
    const timer = metrics.handleSeconds.startTimer({ stage: spec.name });
    metrics.recordsIn.inc({ stage: spec.name, topic: record.topic });
    // Should the brokers refuse this record's outputs for good, its dead letter goes instead.
    const instead = (err: unknown) => deadLetter(record, err, 1, Date.now(), 'output refused by the brokers; record dead-lettered');
    // A heartbeat refused while a record waits (a rebalance took the partition away) ends the
    // wait without an outcome: the record is neither committed nor dead-lettered, its next owner reads it again.
    const beat = async () => {
      try {
        await batch.heartbeat();
      } catch (err) {
        throw new Interrupted(`partition ${record.topic}[${record.partition}] was taken away while offset ${record.offset} waited`, { cause: err });
      }
    };
    const retrying = <T>(work: () => Promise<T>) => withRetry(spec.name, work, rt.retry, log, { signal: rt.signal, onRetry: beat });
    try {
      const { value } = await retrying(async () => {
        const input = await rt.serde.decode(spec.input, record.value);
        const outputs = await encode(await spec.handle(input, { record, signal: rt.signal }));
        const origin = spec.tracedFrom?.(input);
        if (origin) observeEndToEnd(spec.name, origin);
        return outputs;
      });
      return { messages: value, instead };
    } catch (err) {
      if (err instanceof Interrupted || rt.signal.aborted) {
        if (err instanceof Interrupted && !rt.signal.aborted) log.warn('record abandoned without an outcome', { reason: err.message });
        return undefined;
      }
      try {
        // What a refusal still taught us (an id Ongoing revealed) is kept, through any outage.
        const side = err instanceof FailedWithOutputs ? (await retrying(() => encode(err.outputs))).value : [];
        const cause = err instanceof FailedWithOutputs ? err.failure : err;
        const failure = err as { attempts?: number; firstFailureAt?: number };
        const letter = deadLetter(record, cause, failure.attempts ?? 1, failure.firstFailureAt ?? Date.now(), 'record dead-lettered');
        return { messages: [...side, letter], instead: () => letter };
      } catch (sideErr) {
        if (sideErr instanceof Interrupted || rt.signal.aborted) return undefined;
        throw sideErr;
      }
    } finally {
      timer();
    }
  }

  async function handleBatch(batch: PartitionBatch): Promise<void> {
    for (let i = 0; i < batch.records.length && batch.isRunning(); i += chunkSize) {
      const chunk = batch.records.slice(i, i + chunkSize);
      const yielded: Yielded[] = [];
      let next: string | undefined;
      for (const record of chunk) {
        if (!batch.isRunning()) break;
        const outcome = await handleRecord(record, batch);
        if (outcome === undefined) break;
        yielded.push(outcome);
        next = (BigInt(record.offset) + 1n).toString();
        // Slow targets (Ongoing takes one write at a time) must not make the group think we died;
        // kafkajs sends at most one heartbeat per interval, so this is cheap.
        await batch.heartbeat();
      }
      if (next === undefined) return;
      crashPoint('stage.after-handle', spec.name);
      // Outputs first, acknowledged by the brokers; the offset only after. A crash in between
      // replays the chunk, which the deterministic ids and idempotent sinks make harmless.
      const send = (messages: OutgoingMessage[]) =>
        withRetry(spec.name, () => producer.send(messages), rt.retry, log, { signal: rt.signal, onRetry: () => batch.heartbeat() }).then(() => undefined);
      const sent = await produceOrDeadLetter(send, yielded, rt.signal);
      for (const m of sent) metrics.recordsOut.inc({ stage: spec.name, topic: m.topic });
      crashPoint('stage.before-commit', spec.name);
      await batch.commit(next);
      await batch.heartbeat();
    }
  }

  consumer
    .run(handleBatch, { partitionsConcurrently: spec.partitionsConcurrently ?? 1 })
    .catch((err: unknown) => {
      stoppedBy = `consumer stopped with an error: ${err instanceof Error ? err.message : String(err)}`;
      log.error('consumer stopped with an error', { error: err });
    });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await consumer.stop();
      await consumer.disconnect();
      stoppedBy = 'stopped';
      log.info('stage stopped');
    })());
  rt.onClose(stop);
  log.info('stage running', { input: spec.input.name, group: spec.groupId ?? spec.name });
  return { name: spec.name, started: consumer.joined, stop };
}
