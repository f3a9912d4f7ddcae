/**
 * The consumer loop every processor and sink runs in (what Kafka Connect's WorkerSinkTask is to
 * its connectors): decode, hand the value to the flow's function, encode and produce what it
 * returns, and only then commit. Within a partition records are handled one after another, so
 * order per key holds. A fault of infrastructure is retried in place without end (the partition
 * waits, the stage reports itself paused); a record waiting for late data is parked with the later
 * records of its key while other keys go on (parking.ts); a record that can never succeed goes to
 * `dlq.<topic>` with its reason and the partition moves on.
 */
import type { TopicSpec } from '../schemas/topic.js';
import { crashPoint } from './crash-points.js';
import { deadLetterOf } from './dead-letter.js';
import { errorClass, errorMessage, isRetriable, NotYetAvailableError, UnmappableError } from './errors.js';
import type { ConsumedRecord, OutgoingMessage, PartitionBatch } from './kafka.js';
import { countProduced, metrics, observeConsumerLag, observeEndToEnd, registerHealthCheck } from './metrics.js';
import { produceOrDeadLetter, type Yielded } from './produce.js';
import { Holds } from './holds.js';
import { Parking } from './parking.js';
import { Interrupted, withRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import { FailedWithOutputs, type Output, type RunningStage, type StageSpec } from './stage-spec.js';

export { FailedWithOutputs, type Output, type RunningStage, type StageContext, type StageSpec } from './stage-spec.js';

/** How often records parked for late data are tried again. */
const PARKED_RETRY_MS = 500;

/**
 * A heartbeat while something waits (a record retried, outputs resent). Refused, because a
 * rebalance took the partition away, it ends the wait without an outcome: nothing is committed or
 * dead-lettered, and the partition's next owner reads the records again.
 */
const beatOrInterrupt = (batch: PartitionBatch, what: string) => async (): Promise<void> => {
  try {
    await batch.heartbeat();
  } catch (err) {
    throw new Interrupted(`partition ${batch.topic}[${batch.partition}] was taken away while ${what}`, { cause: err });
  }
};

export async function runStage<I>(rt: Runtime, spec: StageSpec<I>): Promise<RunningStage> {
  const log = rt.log.child({ stage: spec.name });
  const producer = await rt.producer();
  // Schemas looked up now, not by the first record; a registry that is away is waited out later.
  await Promise.all(
    [spec.input, ...(spec.outputs ?? [])].map((t) => rt.serde.prepare(t as TopicSpec<unknown>).catch(() => undefined)),
  );
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

  const deadLetter = (
    record: ConsumedRecord,
    cause: unknown,
    attempts: number,
    firstFailureAt: number,
    what: string,
  ): OutgoingMessage => {
    metrics.deadLettered.inc({ stage: spec.name, topic: record.topic, reason: errorClass(cause) });
    log.warn(what, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      errorClass: errorClass(cause),
      error: errorMessage(cause),
      retriable: isRetriable(cause),
    });
    return deadLetterOf(record, { stage: spec.name, error: cause, attempts, firstFailureAt });
  };

  const holds = spec.heldRecords ? new Holds(spec.name, spec.heldRecords, rt, producer, log) : undefined;

  // Should the brokers refuse a record's outputs for good, its dead letter goes instead.
  const refusedOutputs = (record: ConsumedRecord) => (err: unknown) =>
    deadLetter(record, err, 1, Date.now(), 'output refused by the brokers; record dead-lettered');

  // Children of the labelled metrics, made once: a label object per record is measurable.
  const handleSeconds = metrics.handleSeconds.labels({ stage: spec.name });
  const recordsIn = metrics.recordsIn.labels({ stage: spec.name, topic: spec.input.name });

  /**
   * The fast path of a record that needs no I/O: decoded, mapped and encoded at once, with the
   * schemas this process already knows. Undefined: not possible here, take the full path. Not
   * timed one by one: two clock reads and a histogram observation per record cost a visible share
   * of a processor's throughput (README, Performance), for a figure always in the lowest bucket.
   */
  function handleKnown(record: ConsumedRecord): Yielded | undefined {
    if (!spec.handleKnown) return undefined;
    const input = rt.serde.decodeKnown(spec.input, record.value);
    if (input === undefined) return undefined;
    let outputs: Output[];
    try {
      outputs = spec.handleKnown(input);
    } catch {
      return undefined;
    }
    const messages: OutgoingMessage[] = [];
    for (const o of outputs) {
      const value = o.value === null ? null : rt.serde.encodeKnown(o.topic, o.value);
      if (value === undefined) return undefined;
      messages.push({ topic: o.topic.name, key: o.key, value });
    }
    if (holds && holds.size > 0) messages.push(...holds.ended(record));
    return { messages, instead: refusedOutputs(record) };
  }

  /**
   * One record to what it yields: its outputs, or its dead letter. 'parked': it waits for data
   * that is not there yet and the partition goes on with other keys. Undefined: stopping, or the
   * partition was taken away; not handled.
   */
  async function handleRecord(
    record: ConsumedRecord,
    batch: PartitionBatch,
    parking: Parking,
    sent: () => Promise<void>,
  ): Promise<Yielded | 'parked' | undefined> {
    const timer = handleSeconds.startTimer();
    const instead = refusedOutputs(record);
    const beat = beatOrInterrupt(batch, `offset ${record.offset} waited`);
    const retrying = <T>(work: () => Promise<T>) =>
      withRetry(spec.name, work, rt.retry, log, { signal: rt.signal, onRetry: beat, parkLateData: true });
    try {
      const { value } = await retrying(async () => {
        const input = await rt.serde.decode(spec.input, record.value);
        const outputs = await encode(await spec.handle(input, { record, signal: rt.signal }));
        const origin = spec.tracedFrom?.(input);
        if (origin) observeEndToEnd(spec.name, origin);
        return outputs;
      });
      return { messages: [...value, ...(holds?.ended(record) ?? [])], instead };
    } catch (err) {
      if (err instanceof Interrupted || rt.signal.aborted) {
        if (err instanceof Interrupted && !rt.signal.aborted)
          log.warn('record abandoned without an outcome', { reason: err.message });
        return undefined;
      }
      let failure: unknown = err;
      if (err instanceof NotYetAvailableError) {
        const now = Date.now();
        const since = parking.park(record, now);
        const waited = now - since;
        if (waited < err.giveUpAfterMs) {
          if (since === now) {
            log.info('record parked until what it needs arrives; other keys go on', {
              partition: record.partition,
              offset: record.offset,
              key: record.key,
              reason: err.message,
            });
            if (holds && err.giveUpAfterMs === Number.POSITIVE_INFINITY) {
              // After the sends before it: an older tombstone of the same hold must not land last.
              await sent();
              await holds.announce(record, err.message, since);
            }
          }
          return 'parked';
        }
        failure = Object.assign(
          new UnmappableError(`${err.message} (still missing after ${Math.round(waited / 1000)} s)`),
          { firstFailureAt: since },
        );
      }
      try {
        // What a refusal still taught us (an id Ongoing revealed) is kept, through any outage.
        const side = failure instanceof FailedWithOutputs ? (await retrying(() => encode(failure.outputs))).value : [];
        const cause = failure instanceof FailedWithOutputs ? failure.failure : failure;
        const counts = failure as { attempts?: number; firstFailureAt?: number };
        const letter = deadLetter(
          record,
          cause,
          counts.attempts ?? 1,
          counts.firstFailureAt ?? Date.now(),
          'record dead-lettered',
        );
        return { messages: [...side, letter, ...(holds?.ended(record) ?? [])], instead: () => letter };
      } catch (sideErr) {
        if (sideErr instanceof Interrupted || rt.signal.aborted) return undefined;
        throw sideErr;
      }
    } finally {
      timer();
    }
  }

  /** Per partition: the records parked there and what was done after them. */
  const parkings = new Map<number, Parking>();

  async function handleBatch(batch: PartitionBatch): Promise<void> {
    let parking = parkings.get(batch.partition);
    if (!parking) parkings.set(batch.partition, (parking = new Parking()));
    parking.busy = true;
    const lag = (next: bigint) =>
      observeConsumerLag(spec.name, batch.topic, batch.partition, batch.highWatermark, next);
    if (batch.records[0]) lag(BigInt(batch.records[0].offset));
    try {
      await handleChunks(batch, parking);
      if (parking.lastSeen >= 0n) lag(parking.lastSeen + 1n);
    } catch (err) {
      // Outputs may not have gone out: forget what was done, so that all of it is handled again.
      // The consumer fetches on from past the parked records: read them again too.
      if (parking.size > 0) consumer.seek(spec.input.name, batch.partition, parking.commitPoint(parking.lastSeen + 1n));
      parkings.delete(batch.partition);
      throw err;
    } finally {
      parking.busy = false;
      parking.lastRoundAt = Date.now();
    }
  }

  async function handleChunks(batch: PartitionBatch, parking: Parking): Promise<void> {
    // Parked records first (each key's head, then what waited behind it), then the new ones.
    const due = parking.dueHeads(Date.now(), PARKED_RETRY_MS);
    const rounds: Array<{ records: ConsumedRecord[]; parked: boolean }> =
      due.length > 0 ? [{ records: due, parked: true }] : [];
    for (let i = 0; i < batch.records.length; i += chunkSize)
      rounds.push({ records: batch.records.slice(i, i + chunkSize), parked: false });
    let committedAt = Date.now();
    // The outputs of the rounds before, on their way: the next round is handled meanwhile, and
    // sends go out in order. Nothing is committed before what it covers is acknowledged.
    let inFlight: Promise<void> = Promise.resolve();
    for (const round of rounds) {
      if (!batch.isRunning()) break;
      const yielded: Yielded[] = [];
      const handled: ConsumedRecord[] = [];
      let stoppedEarly = false;
      let tried = 0;
      let beatAt = Date.now();
      for (const first of round.records) {
        if (!batch.isRunning()) break;
        if (!round.parked && parking.verdict(first) !== 'try') continue;
        // A handled head lets the next record of its key go at once.
        for (let record: ConsumedRecord | undefined = first; record;) {
          tried++;
          const outcome = handleKnown(record) ?? (await handleRecord(record, batch, parking, () => inFlight));
          if (outcome === undefined) stoppedEarly = true;
          if (outcome === undefined || outcome === 'parked') break;
          yielded.push(outcome);
          handled.push(record);
          record = parking.release(record);
        }
        if (stoppedEarly) break;
        // Slow targets (Ongoing takes one write at a time) must not make the group think we died.
        // kafkajs sends at most one heartbeat per interval; asking once a second is enough.
        const now = Date.now();
        if (now - beatAt >= 1_000) {
          beatAt = now;
          await batch.heartbeat();
        }
      }
      recordsIn.inc(tried);
      if (handled.length > 0) {
        crashPoint('stage.after-handle', spec.name, () => handled.map((r) => r.key));
        // Outputs first, acknowledged by the brokers; the offset only after. A crash in between
        // replays the chunk, which the deterministic ids and idempotent sinks make harmless.
        const send = (messages: OutgoingMessage[]) =>
          withRetry(spec.name, () => producer.send(messages), rt.retry, log, {
            signal: rt.signal,
            onRetry: beatOrInterrupt(batch, 'its outputs were being sent'),
          }).then(() => undefined);
        const previous = inFlight;
        inFlight = (async () => {
          await previous;
          countProduced(spec.name, await produceOrDeadLetter(send, yielded, rt.signal));
        })();
        // Done as far as this process goes: a record delivered again (a seek for parked records)
        // is not handled twice. Should the send fail, the batch fails and its parking is forgotten.
        for (const r of handled) parking.markDone(r.offset);
        // Awaited before the next commit (or by the batch's end); until then, not unhandled.
        inFlight.catch(() => undefined);
      }
      if (stoppedEarly) {
        await inFlight;
        // Whatever was not handled is read again, by this member or the partition's next owner.
        const firstLeft = round.records[round.records.findIndex((r) => !handled.includes(r))];
        if (firstLeft && !round.parked) {
          const next = BigInt(firstLeft.offset);
          await batch.commit(parking.commitPoint(next), next.toString());
        }
        return;
      }
      if (parking.lastSeen < 0n) continue;
      // A commit is a round trip to the group coordinator: once per batch, and once a second
      // while a slow batch goes on (a sink's progress survives a crash).
      if (round !== rounds[rounds.length - 1] && Date.now() - committedAt < 1_000) continue;
      committedAt = Date.now();
      await inFlight;
      crashPoint('stage.before-commit', spec.name, () => batch.records.map((r) => r.key));
      // Committed never past a parked record (a restart reads it again); fetched on past it.
      const next = parking.lastSeen + 1n;
      await batch.commit(parking.commitPoint(next), next.toString());
      await batch.heartbeat();
    }
    // A send that failed fails the batch: it is read again, never skipped.
    await inFlight;
  }

  // A partition with parked records and nothing new to read gets no batches, so nothing would try
  // them again: ask for its last record once more, and the batch that brings it retries them.
  // Parked records of a partition this member no longer holds are its next owner's to read.
  const retryParked = setInterval(() => {
    const now = Date.now();
    let parked = 0;
    for (const p of parkings.values()) parked += p.size;
    metrics.parked.set({ stage: spec.name }, parked);
    const held = consumer.assigned(spec.input.name);
    if (held === undefined) return;
    for (const [partition, parking] of parkings) {
      if (!held.includes(partition)) {
        if (!parking.busy) parkings.delete(partition);
        // Its next owner reports its lag now.
        metrics.consumerLag.remove({ stage: spec.name, topic: spec.input.name, partition: String(partition) });
        continue;
      }
      if (!parking.busy && parking.size > 0 && now - parking.lastRoundAt >= PARKED_RETRY_MS && parking.lastSeen >= 0n) {
        parking.lastRoundAt = now;
        consumer.seek(spec.input.name, partition, parking.lastSeen.toString());
      }
    }
  }, PARKED_RETRY_MS);
  retryParked.unref();

  consumer.run(handleBatch, { partitionsConcurrently: spec.partitionsConcurrently ?? 1 }).catch((err: unknown) => {
    stoppedBy = `consumer stopped with an error: ${err instanceof Error ? err.message : String(err)}`;
    log.error('consumer stopped with an error', { error: err });
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(retryParked);
      await consumer.stop();
      await consumer.disconnect();
      stoppedBy = 'stopped';
      log.info('stage stopped');
    })());
  rt.onClose(stop);
  log.info('stage running', { input: spec.input.name, group: spec.groupId ?? spec.name });
  return { name: spec.name, started: consumer.joined, stop };
}
