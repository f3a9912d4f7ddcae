/**
 * What the consumer loop (stage.ts) does with one record: decode it, hand the value to the flow's
 * function, encode what it returns; or, when it cannot, park it for data that is not there yet
 * (parking.ts, holds.ts) or turn it into its dead letter. Retries of a fault of infrastructure
 * happen here, in place, so the partition waits and order per key holds.
 */
import { deadLetterOf } from './dead-letter.js';
import { errorClass, errorMessage, isRetriable, NotYetAvailableError, UnmappableError } from './errors.js';
import type { Holds } from './holds.js';
import type { ConsumedRecord, OutgoingMessage, PartitionBatch } from './kafka.js';
import type { Logger } from './logger.js';
import { metrics, observeEndToEnd } from './metrics.js';
import type { Parking } from './parking.js';
import type { Yielded } from './produce.js';
import { Interrupted, withRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import { FailedWithOutputs, type Output, type StageSpec } from './stage-spec.js';

/**
 * A heartbeat while something waits (a record retried, outputs resent). Refused, because a
 * rebalance took the partition away, it ends the wait without an outcome: nothing is committed or
 * dead-lettered, and the partition's next owner reads the records again.
 */
export const beatOrInterrupt = (batch: PartitionBatch, what: string) => async (): Promise<void> => {
  try {
    await batch.heartbeat();
  } catch (err) {
    throw new Interrupted(`partition ${batch.topic}[${batch.partition}] was taken away while ${what}`, { cause: err });
  }
};

/** A record's outcome: what it yields, 'parked' (it waits, other keys go on), or undefined (stopping, or the partition was taken away: not handled). */
export type RecordOutcome = Yielded | 'parked' | undefined;

/** A record whose grace for late data is over, and the outputs it yields without that data (NotYetAvailableError.afterGrace). */
class GraceOver {
  constructor(readonly outputs: Output[]) {}
}

export class RecordHandler<I> {
  // Children of the labelled metrics, made once: a label object per record is measurable.
  private readonly handleSeconds;

  constructor(
    private readonly rt: Runtime,
    private readonly spec: StageSpec<I>,
    private readonly log: Logger,
    private readonly holds: Holds | undefined,
  ) {
    this.handleSeconds = metrics.handleSeconds.labels({ stage: spec.name });
  }

  /**
   * The fast path of a record that needs no I/O: decoded, mapped and encoded at once, with the
   * schemas this process already knows. Undefined: not possible here, take the full path. Not
   * timed one by one: two clock reads and a histogram observation per record cost a visible share
   * of a processor's throughput (README, Performance), for a figure always in the lowest bucket.
   */
  known(record: ConsumedRecord): Yielded | undefined {
    const { spec, rt } = this;
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
    if (this.holds && this.holds.size > 0) messages.push(...this.holds.ended(record));
    return { messages, instead: this.refusedOutputs(record) };
  }

  /**
   * The full path: one record to its outputs or its dead letter, retrying faults in place.
   * `sent` settles once the outputs of earlier records are acknowledged.
   */
  async handle(
    record: ConsumedRecord,
    batch: PartitionBatch,
    parking: Parking,
    sent: () => Promise<void>,
  ): Promise<RecordOutcome> {
    const timer = this.handleSeconds.startTimer();
    const beat = beatOrInterrupt(batch, `offset ${record.offset} waited`);
    const retrying = <T>(work: () => Promise<T>) =>
      withRetry(this.spec.name, work, this.rt.retry, this.log, {
        signal: this.rt.signal,
        onRetry: beat,
        parkLateData: true,
      });
    try {
      const { value } = await retrying(() => this.outputsOf(record));
      return { messages: [...value, ...this.ended(record)], instead: this.refusedOutputs(record) };
    } catch (err) {
      if (err instanceof Interrupted || this.rt.signal.aborted) {
        if (err instanceof Interrupted && !this.rt.signal.aborted)
          this.log.warn('record abandoned without an outcome', { reason: err.message });
        return undefined;
      }
      const failure = err instanceof NotYetAvailableError ? await this.park(record, err, parking, sent) : err;
      if (failure === 'parked') return 'parked';
      if (failure instanceof GraceOver) {
        const { value } = await retrying(() => this.encode(failure.outputs));
        return { messages: [...value, ...this.ended(record)], instead: this.refusedOutputs(record) };
      }
      return await this.deadLettered(record, failure, retrying);
    } finally {
      timer();
    }
  }

  /** The record decoded, handled and its outputs encoded (once its effect is done, its end-to-end latency observed). */
  private async outputsOf(record: ConsumedRecord): Promise<OutgoingMessage[]> {
    const { spec, rt } = this;
    const input = await rt.serde.decode(spec.input, record.value);
    const outputs = await this.encode(await spec.handle(input, { record, signal: rt.signal }));
    const origin = spec.tracedFrom?.(input);
    if (origin) observeEndToEnd(spec.name, origin);
    return outputs;
  }

  /**
   * A record waiting for late data is parked while its grace lasts (a hold, whose grace never
   * ends, is announced); after that it is unmappable, counted from when it first waited.
   */
  private async park(
    record: ConsumedRecord,
    err: NotYetAvailableError,
    parking: Parking,
    sent: () => Promise<void>,
  ): Promise<'parked' | UnmappableError | GraceOver> {
    const now = Date.now();
    const since = parking.park(record, now);
    const waited = now - since;
    if (waited >= err.giveUpAfterMs && err.afterGrace) {
      this.log.info('what the record waited for did not come; it yields what it means without it', {
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        reason: err.message,
      });
      return new GraceOver(err.afterGrace() as Output[]);
    }
    if (waited >= err.giveUpAfterMs)
      return Object.assign(new UnmappableError(`${err.message} (still missing after ${Math.round(waited / 1000)} s)`), {
        firstFailureAt: since,
      });
    if (since === now) {
      this.log.info('record parked until what it needs arrives; other keys go on', {
        partition: record.partition,
        offset: record.offset,
        key: record.key,
        reason: err.message,
      });
      if (this.holds && err.giveUpAfterMs === Number.POSITIVE_INFINITY) {
        // After the sends before it: an older tombstone of the same hold must not land last.
        await sent();
        await this.holds.announce(record, err.message, since);
      }
    }
    return 'parked';
  }

  /** The dead letter of a record that failed for good, with whatever its refusal still taught us. */
  private async deadLettered(
    record: ConsumedRecord,
    failure: unknown,
    retrying: <T>(work: () => Promise<T>) => Promise<{ value: T }>,
  ): Promise<RecordOutcome> {
    try {
      // What a refusal still taught us (an id Ongoing revealed) is kept, through any outage.
      const side =
        failure instanceof FailedWithOutputs ? (await retrying(() => this.encode(failure.outputs))).value : [];
      const cause = failure instanceof FailedWithOutputs ? failure.failure : failure;
      const counts = failure as { attempts?: number; firstFailureAt?: number };
      const letter = this.deadLetter(
        record,
        cause,
        counts.attempts ?? 1,
        counts.firstFailureAt ?? Date.now(),
        'record dead-lettered',
      );
      return { messages: [...side, letter, ...this.ended(record)], instead: () => letter };
    } catch (sideErr) {
      if (sideErr instanceof Interrupted || this.rt.signal.aborted) return undefined;
      throw sideErr;
    }
  }

  /** The record's dead letter, counted and logged. */
  deadLetter(
    record: ConsumedRecord,
    cause: unknown,
    attempts: number,
    firstFailureAt: number,
    what: string,
  ): OutgoingMessage {
    metrics.deadLettered.inc({ stage: this.spec.name, topic: record.topic, reason: errorClass(cause) });
    this.log.warn(what, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      errorClass: errorClass(cause),
      error: errorMessage(cause),
      retriable: isRetriable(cause),
    });
    return deadLetterOf(record, { stage: this.spec.name, error: cause, attempts, firstFailureAt });
  }

  /** Should the brokers refuse a record's outputs for good, its dead letter goes instead. */
  private refusedOutputs(record: ConsumedRecord): (err: unknown) => OutgoingMessage {
    return (err) => this.deadLetter(record, err, 1, Date.now(), 'output refused by the brokers; record dead-lettered');
  }

  /** The tombstone of the record's hold, when it was held. */
  private ended(record: ConsumedRecord): OutgoingMessage[] {
    return this.holds?.ended(record) ?? [];
  }

  private encode(outputs: Output[]): Promise<OutgoingMessage[]> {
    return Promise.all(
      outputs.map(async (o) => ({
        topic: o.topic.name,
        key: o.key,
        value: o.value === null ? null : await this.rt.serde.encode(o.topic, o.value),
      })),
    );
  }
}
