/**
 * The consumer loop every processor and sink runs in (what Kafka Connect's WorkerSinkTask is to
 * its connectors): decode, hand the value to the flow's function, encode and produce what it
 * returns, and only then commit. Within a partition records are handled one after another, so
 * order per key holds. A fault of infrastructure is retried in place without end (the partition
 * waits, the stage reports itself paused); a record waiting for late data is parked with the later
 * records of its key while other keys go on (parking.ts); a record that can never succeed goes to
 * `dlq.<topic>` with its reason and the partition moves on. What happens to one record is
 * stage-records.ts; this file is the loop around it: batches, rounds, sends, commits.
 */
import type { TopicSpec } from '../schemas/topic.js';
import { crashPoint } from './crash-points.js';
import type { ConsumedRecord, OutgoingMessage, PartitionBatch, PipelineConsumer, PipelineProducer } from './kafka.js';
import type { Logger } from './logger.js';
import { countProduced, metrics, observeConsumerLag, registerHealthCheck } from './metrics.js';
import { produceOrDeadLetter, type Yielded } from './produce.js';
import { Holds } from './holds.js';
import { Parking } from './parking.js';
import { withRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import { beatOrInterrupt, RecordHandler } from './stage-records.js';
import type { RunningStage, StageSpec } from './stage-spec.js';

export { FailedWithOutputs, type Output, type RunningStage, type StageContext, type StageSpec } from './stage-spec.js';

/** How often records parked for late data are tried again. */
const PARKED_RETRY_MS = 500;

export async function runStage<I>(rt: Runtime, spec: StageSpec<I>): Promise<RunningStage> {
  const producer = await rt.producer();
  // Schemas looked up now, not by the first record; a registry that is away is waited out later.
  await Promise.all(
    [spec.input, ...(spec.outputs ?? [])].map((t) => rt.serde.prepare(t as TopicSpec<unknown>).catch(() => undefined)),
  );
  const consumer = await rt.kafka.consumer({ groupId: spec.groupId ?? spec.name, topics: [spec.input.name] });
  return new StageTask(rt, spec, producer, consumer).start();
}

/** One round of records handled before their outputs go out: the parked ones due again, or a chunk of the batch. */
interface Round {
  records: ConsumedRecord[];
  parked: boolean;
}

/** What a round came to. `stoppedEarly`: stopping, or the partition was taken away, before the round was done. */
interface RoundOutcome {
  tried: number;
  handled: ConsumedRecord[];
  yielded: Yielded[];
  stoppedEarly: boolean;
}

/**
 * The outputs of the rounds before, on their way: the next round is handled meanwhile, and sends
 * go out in order. Nothing is committed before what it covers is acknowledged.
 */
class Sends {
  private last: Promise<void> = Promise.resolve();

  enqueue(send: () => Promise<void>): void {
    const previous = this.last;
    this.last = (async () => {
      await previous;
      await send();
    })();
    // Awaited before the next commit (or by the batch's end); until then, not unhandled.
    this.last.catch(() => undefined);
  }

  /** Settles once every send enqueued so far is acknowledged; rejects if one failed. */
  settled(): Promise<void> {
    return this.last;
  }
}

class StageTask<I> {
  private readonly log: Logger;
  private readonly records: RecordHandler<I>;
  private readonly chunkSize: number;
  private readonly recordsIn;
  /** Per partition: the records parked there and what was done after them. */
  private readonly parkings = new Map<number, Parking>();
  private stoppedBy: string | undefined;
  private retryParked: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly spec: StageSpec<I>,
    private readonly producer: PipelineProducer,
    private readonly consumer: PipelineConsumer,
  ) {
    this.log = rt.log.child({ stage: spec.name });
    const holds = spec.heldRecords ? new Holds(spec.name, spec.heldRecords, rt, producer, this.log) : undefined;
    this.records = new RecordHandler(rt, spec, this.log, holds);
    this.chunkSize = spec.chunkSize ?? 500;
    this.recordsIn = metrics.recordsIn.labels({ stage: spec.name, topic: spec.input.name });
  }

  start(): RunningStage {
    const { spec, consumer, log } = this;
    registerHealthCheck(`stage:${spec.name}`, () => this.stoppedBy === undefined || this.stoppedBy);
    this.retryParked = setInterval(() => this.retryParkedRecords(), PARKED_RETRY_MS);
    this.retryParked.unref();
    consumer
      .run((batch) => this.deliverBatch(batch), { partitionsConcurrently: spec.partitionsConcurrently ?? 1 })
      .catch((err: unknown) => {
        this.stoppedBy = `consumer stopped with an error: ${err instanceof Error ? err.message : String(err)}`;
        log.error('consumer stopped with an error', { error: err });
      });
    const stop = () => this.stop();
    this.rt.onClose(stop);
    log.info('stage running', { input: spec.input.name, group: spec.groupId ?? spec.name });
    return { name: spec.name, started: consumer.joined, stop };
  }

  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      clearInterval(this.retryParked);
      await this.consumer.stop();
      await this.consumer.disconnect();
      this.stoppedBy = 'stopped';
      this.log.info('stage stopped');
    })());
  }

  /** One batch of one partition: its parked records due again, then its new records, chunk by chunk. */
  private async deliverBatch(batch: PartitionBatch): Promise<void> {
    let parking = this.parkings.get(batch.partition);
    if (!parking) this.parkings.set(batch.partition, (parking = new Parking()));
    parking.busy = true;
    const lag = (next: bigint) =>
      observeConsumerLag(this.spec.name, batch.topic, batch.partition, batch.highWatermark, next);
    if (batch.records[0]) lag(BigInt(batch.records[0].offset));
    try {
      await this.deliverRounds(batch, parking);
      if (parking.lastSeen >= 0n) lag(parking.lastSeen + 1n);
    } catch (err) {
      this.rewind(batch, parking);
      throw err;
    } finally {
      parking.busy = false;
      parking.lastRoundAt = Date.now();
    }
  }

  /**
   * Outputs may not have gone out: forget what was done, so that all of it is handled again. The
   * consumer fetches on from past the parked records: read them again too.
   */
  private rewind(batch: PartitionBatch, parking: Parking): void {
    if (parking.size > 0)
      this.consumer.seek(this.spec.input.name, batch.partition, parking.commitPoint(parking.lastSeen + 1n));
    this.parkings.delete(batch.partition);
  }

  private async deliverRounds(batch: PartitionBatch, parking: Parking): Promise<void> {
    const rounds = this.roundsOf(batch, parking);
    const sends = new Sends();
    let committedAt = Date.now();
    for (const round of rounds) {
      if (!batch.isRunning()) break;
      const outcome = await this.handleRound(round, batch, parking, sends);
      this.recordsIn.inc(outcome.tried);
      if (outcome.handled.length > 0) this.sendOutputs(batch, parking, outcome, sends);
      if (outcome.stoppedEarly) {
        await sends.settled();
        await this.commitBeforeFirstLeft(batch, parking, round, outcome.handled);
        return;
      }
      if (parking.lastSeen < 0n) continue;
      // A commit is a round trip to the group coordinator: once per batch, and once a second
      // while a slow batch goes on (a sink's progress survives a crash).
      if (round !== rounds[rounds.length - 1] && Date.now() - committedAt < 1_000) continue;
      committedAt = Date.now();
      await sends.settled();
      await this.commitOffsets(batch, parking);
    }
    // A send that failed fails the batch: it is read again, never skipped.
    await sends.settled();
  }

  /** Parked records first (each key's head, then what waited behind it), then the new ones in chunks. */
  private roundsOf(batch: PartitionBatch, parking: Parking): Round[] {
    const due = parking.dueHeads(Date.now(), PARKED_RETRY_MS);
    const rounds: Round[] = due.length > 0 ? [{ records: due, parked: true }] : [];
    for (let i = 0; i < batch.records.length; i += this.chunkSize)
      rounds.push({ records: batch.records.slice(i, i + this.chunkSize), parked: false });
    return rounds;
  }

  private async handleRound(
    round: Round,
    batch: PartitionBatch,
    parking: Parking,
    sends: Sends,
  ): Promise<RoundOutcome> {
    const outcome: RoundOutcome = { tried: 0, handled: [], yielded: [], stoppedEarly: false };
    let beatAt = Date.now();
    for (const first of round.records) {
      if (!batch.isRunning()) break;
      if (!round.parked && parking.verdict(first) !== 'try') continue;
      // A handled head lets the next record of its key go at once.
      for (let record: ConsumedRecord | undefined = first; record;) {
        outcome.tried++;
        const result =
          this.records.known(record) ?? (await this.records.handle(record, batch, parking, () => sends.settled()));
        if (result === undefined) outcome.stoppedEarly = true;
        if (result === undefined || result === 'parked') break;
        outcome.yielded.push(result);
        outcome.handled.push(record);
        record = parking.release(record);
      }
      if (outcome.stoppedEarly) break;
      // Slow targets (Ongoing takes one write at a time) must not make the group think we died.
      // kafkajs sends at most one heartbeat per interval; asking once a second is enough.
      const now = Date.now();
      if (now - beatAt >= 1_000) {
        beatAt = now;
        await batch.heartbeat();
      }
    }
    return outcome;
  }

  /**
   * Outputs first, acknowledged by the brokers; the offset only after. A crash in between replays
   * the chunk, which the deterministic ids and idempotent sinks make harmless.
   */
  private sendOutputs(batch: PartitionBatch, parking: Parking, outcome: RoundOutcome, sends: Sends): void {
    const { spec, rt, log, producer } = this;
    crashPoint('stage.after-handle', spec.name, () => outcome.handled.map((r) => r.key));
    const send = (messages: OutgoingMessage[]) =>
      withRetry(spec.name, () => producer.send(messages), rt.retry, log, {
        signal: rt.signal,
        onRetry: beatOrInterrupt(batch, 'its outputs were being sent'),
      }).then(() => undefined);
    sends.enqueue(async () => countProduced(spec.name, await produceOrDeadLetter(send, outcome.yielded, rt.signal)));
    // Done as far as this process goes: a record delivered again (a seek for parked records)
    // is not handled twice. Should the send fail, the batch fails and its parking is forgotten.
    for (const r of outcome.handled) parking.markDone(r.offset);
  }

  /** Committed never past a parked record (a restart reads it again); fetched on past it. */
  private async commitOffsets(batch: PartitionBatch, parking: Parking): Promise<void> {
    crashPoint('stage.before-commit', this.spec.name, () => batch.records.map((r) => r.key));
    const next = parking.lastSeen + 1n;
    await batch.commit(parking.commitPoint(next), next.toString());
    await batch.heartbeat();
  }

  /** Whatever was not handled is read again, by this member or the partition's next owner. */
  private async commitBeforeFirstLeft(
    batch: PartitionBatch,
    parking: Parking,
    round: Round,
    handled: ConsumedRecord[],
  ): Promise<void> {
    const firstLeft = round.records[round.records.findIndex((r) => !handled.includes(r))];
    if (firstLeft && !round.parked) {
      const next = BigInt(firstLeft.offset);
      await batch.commit(parking.commitPoint(next), next.toString());
    }
  }

  /**
   * A partition with parked records and nothing new to read gets no batches, so nothing would try
   * them again: ask for its last record once more, and the batch that brings it retries them.
   * Parked records of a partition this member no longer holds are its next owner's to read.
   */
  private retryParkedRecords(): void {
    const { spec, consumer } = this;
    const now = Date.now();
    let parked = 0;
    let overdue = 0;
    const cutoff = now - this.rt.heldRecordAlertAfterMs;
    for (const p of this.parkings.values()) {
      parked += p.size;
      overdue += p.arrivedBefore(cutoff);
    }
    metrics.parked.set({ stage: spec.name }, parked);
    metrics.heldOverdue.set({ stage: spec.name }, overdue);
    const held = consumer.assigned(spec.input.name);
    if (held === undefined) return;
    for (const [partition, parking] of this.parkings) {
      if (!held.includes(partition)) {
        if (!parking.busy) this.parkings.delete(partition);
        // Its next owner reports its lag now.
        metrics.consumerLag.remove({ stage: spec.name, topic: spec.input.name, partition: String(partition) });
        continue;
      }
      if (!parking.busy && parking.size > 0 && now - parking.lastRoundAt >= PARKED_RETRY_MS && parking.lastSeen >= 0n) {
        parking.lastRoundAt = now;
        consumer.seek(spec.input.name, partition, parking.lastSeen.toString());
      }
    }
  }
}
