/**
 * The loop every source connector runs in (Kafka Connect's WorkerSourceTask): poll the system from
 * the stored position, produce the events, wait for the brokers' acknowledgement, then store the
 * new position in the source-positions topic, and only then produce the commands that acknowledge
 * the events in their own system (carried out by that system's sink). A crash anywhere repeats
 * events, never loses them; their deterministic ids make the repeats harmless downstream. A fault
 * of infrastructure never advances the position: the poll is tried again.
 */
import type { TopicSpec } from '../schemas/topic.js';
import type { SourceOffset, SourceSignal } from '../schemas/types.generated.js';
import { crashPoint } from './crash-points.js';
import { deadLetterOfSourceRow } from './dead-letter.js';
import { errorClass, errorMessage, isRetriable } from './errors.js';
import type { OutgoingMessage, PipelineProducer } from './kafka.js';
import type { Logger } from './logger.js';
import { countProduced, metrics, registerHealthCheck, unregisterHealthCheck } from './metrics.js';
import { produceOrDeadLetter, type Yielded } from './produce.js';
import { Interrupted, withRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import { openTable, type Table } from './table.js';

export interface SourceEvent<V = unknown> {
  topic: TopicSpec<V>;
  key: string;
  value: V;
  /**
   * The command that acknowledges this event in its source system (Ongoing's reporting back),
   * which that system's sink carries out. It belongs to the event: produced only once the event
   * and the new position are in Kafka, and never when the event was dead-lettered instead (it
   * could not be encoded, or the brokers refused it for good), so what did not reach Kafka stays
   * unacknowledged in its system and is read again.
   */
  acknowledgement?: SourceEvent;
}

/** A source row that cannot become a valid event; it goes to `dlq.<topic>` as JSON. */
export interface RejectedRow {
  topic: TopicSpec<unknown>;
  key: string | null;
  row: unknown;
  error: unknown;
}

export interface PollResult<P> {
  events: SourceEvent[];
  rejected?: RejectedRow[];
  /** Position to store once the events are acknowledged. */
  next: P;
  /** More is waiting: poll again at once instead of sleeping. */
  more?: boolean;
  /** Poll again after this many ms instead of the connector's interval. */
  nextPollInMs?: number;
}

export interface SourceConnector<P> {
  /** Also the key of its position in state.source-offsets. */
  name: string;
  initialPosition: P;
  intervalMs: number;
  poll(position: P, signal: AbortSignal): Promise<PollResult<P>>;
  /** Optional push wake-up (e.g. PostgreSQL LISTEN): call `wake` to poll before the interval ends. */
  subscribe?(wake: () => void): Promise<() => Promise<void>>;
  /**
   * An operator's signal for this source (`ops resnapshot`): returns the position that carries it
   * out, or the same position when it was accepted before (the position remembers it). Called
   * before a poll; a connector without it ignores signals.
   */
  signal?(position: P, signal: SourceSignal): P;
  /**
   * Events of the last poll that were dead-lettered instead of produced (they could not be
   * encoded, or the brokers refused them for good): returns the position to store in place of
   * `next`, which may remember them so that the next poll does not dead-letter them again while
   * they are unchanged. Their acknowledgements are not produced.
   */
  undelivered?(next: P, events: readonly SourceEvent[]): P;
}

export interface RunningSource {
  readonly name: string;
  stop(): Promise<void>;
}

/** Where sources keep their positions: a compacted topic, read into a table once per process. */
export interface SourcePositions {
  readonly topic: TopicSpec<SourceOffset>;
  readonly table: Table<SourceOffset>;
  /** Operators' signals to running sources, keyed by source name (a compacted topic). */
  readonly signals?: Table<SourceSignal>;
}

export async function openSourcePositions(
  rt: Runtime,
  topic: TopicSpec<SourceOffset>,
  signalTopic?: TopicSpec<SourceSignal>,
): Promise<SourcePositions> {
  const [table, signals] = await Promise.all([
    openTable(rt, topic),
    signalTopic ? openTable(rt, signalTopic) : undefined,
  ]);
  return { topic, table, ...(signals ? { signals } : {}) };
}

export async function runSource<P>(
  rt: Runtime,
  connector: SourceConnector<P>,
  positions: SourcePositions,
): Promise<RunningSource> {
  const task = new SourceTask(rt, connector, positions, await rt.producer());
  await task.start();
  return { name: connector.name, stop: () => task.stop() };
}

/** One source's loop, as Kafka Connect's WorkerSourceTask: poll, produce, commit the position, acknowledge. */
class SourceTask<P> {
  private readonly log: Logger;
  /** `source:<name>`: what its retries, pauses and dead letters are counted under. */
  private readonly stage: string;
  private readonly stopping = new AbortController();
  private readonly signal: AbortSignal;
  private position: P;
  private wake: (() => void) | undefined;
  // A wake-up that arrives while a poll runs must not be lost: the next sleep is skipped.
  private wokenDuringPoll = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private unwatchSignals: (() => void) | undefined;
  private lastSuccess = Date.now();
  private lastError: string | undefined;
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly connector: SourceConnector<P>,
    private readonly positions: SourcePositions,
    private readonly producer: PipelineProducer,
  ) {
    this.log = rt.log.child({ source: connector.name });
    this.stage = `source:${connector.name}`;
    this.signal = AbortSignal.any([rt.signal, this.stopping.signal]);
    const stored = positions.table.get(connector.name);
    this.position = stored ? (JSON.parse(stored.position) as P) : connector.initialPosition;
  }

  async start(): Promise<void> {
    const { connector, positions, log } = this;
    log.info('source starting', { position: this.position });
    const wakeUp = () => {
      if (this.wake) this.wake();
      else this.wokenDuringPoll = true;
    };
    this.unsubscribe = connector.subscribe ? await connector.subscribe(wakeUp) : undefined;
    // A signal wakes the source, like a commit does.
    this.unwatchSignals = connector.signal
      ? positions.signals?.onChange((key) => {
          if (key === connector.name) wakeUp();
        })
      : undefined;
    this.lastSuccess = Date.now();
    metrics.sourceLastSuccess.set({ source: connector.name }, this.lastSuccess / 1000);
    const staleAfterMs = Math.max(60_000, connector.intervalMs * 5);
    registerHealthCheck(
      `source:${connector.name}`,
      () =>
        Date.now() - this.lastSuccess < staleAfterMs ||
        `no successful poll since ${new Date(this.lastSuccess).toISOString()}${this.lastError ? `: ${this.lastError}` : ''}`,
    );
    this.loop = this.run();
    this.rt.onClose(() => this.stop());
  }

  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      this.stopping.abort();
      await this.loop;
      this.unwatchSignals?.();
      await this.unsubscribe?.();
      // A stopped source (its lease passed to another process) is no longer this process's to report on.
      unregisterHealthCheck(`source:${this.connector.name}`);
      metrics.sourceLastSuccess.remove({ source: this.connector.name });
      this.log.info('source stopped');
    })());
  }

  private async run(): Promise<void> {
    const { connector, signal, log } = this;
    while (!signal.aborted) {
      let pause = connector.intervalMs;
      try {
        pause = await this.cycle();
        metrics.sourcePolls.inc({ source: connector.name, outcome: 'ok' });
        this.lastSuccess = Date.now();
        metrics.sourceLastSuccess.set({ source: connector.name }, this.lastSuccess / 1000);
        this.lastError = undefined;
      } catch (err) {
        if (signal.aborted || err instanceof Interrupted) break;
        this.lastError = `${errorClass(err)}: ${errorMessage(err)}`;
        metrics.sourcePolls.inc({ source: connector.name, outcome: 'error' });
        log.error('poll failed; will try again next interval', {
          error: errorMessage(err),
          errorClass: errorClass(err),
          retriable: isRetriable(err),
        });
      }
      if (pause > 0) await this.sleep(pause);
    }
  }

  /** One poll, produce, store-position, acknowledge round; returns how long to sleep. */
  private async cycle(): Promise<number> {
    const { connector } = this;
    this.acceptSignal();
    const { value: result } = await withRetry(
      this.stage,
      () => connector.poll(this.position, this.signal),
      this.rt.retry,
      this.log,
      { signal: this.signal },
    );
    const undelivered = new Set<SourceEvent>();
    const yielded = await this.yieldedOf(result, undelivered);
    // An idle poll writes nothing: no events, and the position is what is stored already.
    if (yielded.length === 0 && JSON.stringify(result.next) === JSON.stringify(this.position))
      return result.nextPollInMs ?? connector.intervalMs;
    // What can never be written is dead-lettered, so one row cannot stop the source; the row itself stays in the source system.
    await produceOrDeadLetter((m) => this.send(m), yielded, this.signal);
    if (yielded.length > 0) crashPoint('source.before-offset', connector.name);
    const lost = result.events.filter((e) => undelivered.has(e));
    const next = lost.length > 0 && connector.undelivered ? connector.undelivered(result.next, lost) : result.next;
    await this.commitPosition({ source: connector.name, position: JSON.stringify(next), updatedAt: Date.now() });
    this.position = next;
    metrics.sourceEvents.inc({ source: connector.name }, result.events.length - lost.length);
    await this.acknowledge(result.events.filter((e) => !undelivered.has(e)).flatMap((e) => e.acknowledgement ?? []));
    if (result.events.length > 0) this.log.debug('events emitted', { count: result.events.length });
    return result.more ? 0 : (result.nextPollInMs ?? connector.intervalMs);
  }

  /** An operator's signal waiting for this source is taken into its position before the poll. */
  private acceptSignal(): void {
    const { connector } = this;
    const pending = connector.signal && this.positions.signals?.get(connector.name);
    if (!pending) return;
    const accepted = connector.signal!(this.position, pending);
    if (accepted !== this.position) this.log.info('signal accepted', { signal: pending.signalId, kind: pending.kind });
    this.position = accepted;
  }

  /**
   * Each event with the dead letter that stands in for it should it never be accepted; rejected
   * rows as dead letters. An event that is dead-lettered instead (now, or when the brokers refuse
   * it) is added to `undelivered`.
   */
  private async yieldedOf(result: PollResult<P>, undelivered: Set<SourceEvent>): Promise<Yielded[]> {
    const yielded: Yielded[] = [];
    for (const e of result.events) {
      const instead = (error: unknown) => {
        undelivered.add(e);
        return this.deadLetter(e.topic.name, e.key, e.value, error);
      };
      try {
        yielded.push({
          messages: [{ topic: e.topic.name, key: e.key, value: await this.rt.serde.encode(e.topic, e.value) }],
          instead,
        });
      } catch (err) {
        if (isRetriable(err)) throw err;
        const letter = instead(err);
        yielded.push({ messages: [letter], instead: () => letter });
      }
    }
    for (const r of result.rejected ?? []) {
      const letter = this.deadLetter(r.topic.name, r.key, r.row, r.error);
      yielded.push({ messages: [letter], instead: () => letter });
    }
    return yielded;
  }

  /**
   * The position goes out only after the events are acknowledged (a separate send keeps that order
   * even across partitions and topics).
   */
  private async commitPosition(offset: SourceOffset): Promise<void> {
    const { positions, connector } = this;
    const offsetBytes = await this.rt.serde.encode(positions.topic, offset);
    await this.send([{ topic: positions.topic.name, key: connector.name, value: offsetBytes }]);
  }

  /** The commands that acknowledge the events produced in their system, only once events and position are in Kafka. */
  private async acknowledge(acknowledgements: SourceEvent[]): Promise<void> {
    if (acknowledgements.length === 0) return;
    crashPoint('source.before-ack', this.connector.name);
    const messages = await Promise.all(
      acknowledgements.map(async (e) => ({
        topic: e.topic.name,
        key: e.key,
        value: await this.rt.serde.encode(e.topic, e.value),
      })),
    );
    await this.send(messages);
    countProduced(this.stage, messages);
  }

  private send(messages: OutgoingMessage[]): Promise<void> {
    return withRetry(this.stage, () => this.producer.send(messages), this.rt.retry, this.log, {
      signal: this.signal,
    }).then(() => undefined);
  }

  private deadLetter(topic: string, key: string | null, row: unknown, error: unknown): OutgoingMessage {
    this.log.warn('source row rejected', { topic, key, error: errorMessage(error) });
    metrics.deadLettered.inc({ stage: this.stage, topic, reason: errorClass(error) });
    return deadLetterOfSourceRow(topic, key, row, {
      stage: this.stage,
      error,
      attempts: 1,
      firstFailureAt: Date.now(),
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.wokenDuringPoll || this.signal.aborted) {
        this.wokenDuringPoll = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(t);
        this.wake = undefined;
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
      this.signal.addEventListener('abort', done, { once: true });
    });
  }
}
