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
import type { OutgoingMessage } from './kafka.js';
import { countProduced, metrics, registerHealthCheck, unregisterHealthCheck } from './metrics.js';
import { produceOrDeadLetter, type Yielded } from './produce.js';
import { Interrupted, withRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import { openTable, type Table } from './table.js';

export interface SourceEvent<V = unknown> {
  topic: TopicSpec<V>;
  key: string;
  value: V;
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
  /**
   * Produced only once the events and the new position are safely in Kafka: commands that
   * acknowledge the events in the source system (Ongoing's reporting back), which a sink carries
   * out, so that every write to a system goes through its one sink.
   */
  followUps?: SourceEvent[];
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
  const log = rt.log.child({ source: connector.name });
  const producer = await rt.producer();
  const stored = positions.table.get(connector.name);
  let position: P = stored ? (JSON.parse(stored.position) as P) : connector.initialPosition;
  log.info('source starting', { position });

  const stopping = new AbortController();
  const signal = AbortSignal.any([rt.signal, stopping.signal]);
  let wake: (() => void) | undefined;
  // A wake-up that arrives while a poll runs must not be lost: the next sleep is skipped.
  let wokenDuringPoll = false;
  const unsubscribe = connector.subscribe
    ? await connector.subscribe(() => {
        if (wake) wake();
        else wokenDuringPoll = true;
      })
    : undefined;
  // A signal wakes the source, like a commit does.
  const unwatchSignals = connector.signal
    ? positions.signals?.onChange((key) => {
        if (key !== connector.name) return;
        if (wake) wake();
        else wokenDuringPoll = true;
      })
    : undefined;
  let lastSuccess = Date.now();
  metrics.sourceLastSuccess.set({ source: connector.name }, lastSuccess / 1000);
  let lastError: string | undefined;
  const staleAfterMs = Math.max(60_000, connector.intervalMs * 5);
  registerHealthCheck(
    `source:${connector.name}`,
    () =>
      Date.now() - lastSuccess < staleAfterMs ||
      `no successful poll since ${new Date(lastSuccess).toISOString()}${lastError ? `: ${lastError}` : ''}`,
  );

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wokenDuringPoll || signal.aborted) {
        wokenDuringPoll = false;
        return resolve();
      }
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      }
      wake = done;
      signal.addEventListener('abort', done, { once: true });
    });

  /** One poll, produce, store-position, acknowledge round; returns how long to sleep. */
  async function cycle(): Promise<number> {
    const pending = connector.signal && positions.signals?.get(connector.name);
    if (pending) {
      const accepted = connector.signal!(position, pending);
      if (accepted !== position) log.info('signal accepted', { signal: pending.signalId, kind: pending.kind });
      position = accepted;
    }
    const { value: result } = await withRetry(
      `source:${connector.name}`,
      () => connector.poll(position, signal),
      rt.retry,
      log,
      { signal },
    );
    const stage = `source:${connector.name}`;
    const deadLetter = (topic: string, key: string | null, row: unknown, error: unknown): OutgoingMessage => {
      log.warn('source row rejected', { topic, key, error: errorMessage(error) });
      metrics.deadLettered.inc({ stage, topic, reason: errorClass(error) });
      return deadLetterOfSourceRow(topic, key, row, { stage, error, attempts: 1, firstFailureAt: Date.now() });
    };
    // Each event with the dead letter that stands in for it should it never be accepted.
    const yielded: Yielded[] = [];
    for (const e of result.events) {
      const instead = (error: unknown) => deadLetter(e.topic.name, e.key, e.value, error);
      try {
        yielded.push({
          messages: [{ topic: e.topic.name, key: e.key, value: await rt.serde.encode(e.topic, e.value) }],
          instead,
        });
      } catch (err) {
        if (isRetriable(err)) throw err;
        const letter = instead(err);
        yielded.push({ messages: [letter], instead: () => letter });
      }
    }
    for (const r of result.rejected ?? []) {
      const letter = deadLetter(r.topic.name, r.key, r.row, r.error);
      yielded.push({ messages: [letter], instead: () => letter });
    }
    const offset: SourceOffset = {
      source: connector.name,
      position: JSON.stringify(result.next),
      updatedAt: Date.now(),
    };
    // An idle poll writes nothing: no events, and the position is what is stored already.
    if (yielded.length === 0 && offset.position === JSON.stringify(position))
      return result.nextPollInMs ?? connector.intervalMs;
    const send = (m: OutgoingMessage[]) =>
      withRetry(stage, () => producer.send(m), rt.retry, log, { signal }).then(() => undefined);
    // What can never be written is dead-lettered, so one row cannot stop the source; the row itself stays in the source system.
    await produceOrDeadLetter(send, yielded, signal);
    if (yielded.length > 0) crashPoint('source.before-offset', connector.name);
    // The position goes out only after the events are acknowledged (a separate send keeps that order
    // even across partitions and topics).
    const offsetBytes = await rt.serde.encode(positions.topic, offset);
    await send([{ topic: positions.topic.name, key: connector.name, value: offsetBytes }]);
    position = result.next;
    metrics.sourceEvents.inc({ source: connector.name }, result.events.length);
    const followUps = result.followUps ?? [];
    if (followUps.length > 0) {
      crashPoint('source.before-ack', connector.name);
      const messages = await Promise.all(
        followUps.map(async (e) => ({
          topic: e.topic.name,
          key: e.key,
          value: await rt.serde.encode(e.topic, e.value),
        })),
      );
      await send(messages);
      countProduced(`source:${connector.name}`, messages);
    }
    if (result.events.length > 0) log.debug('events emitted', { count: result.events.length });
    return result.more ? 0 : (result.nextPollInMs ?? connector.intervalMs);
  }

  const loop = (async () => {
    while (!signal.aborted) {
      let pause = connector.intervalMs;
      try {
        pause = await cycle();
        metrics.sourcePolls.inc({ source: connector.name, outcome: 'ok' });
        lastSuccess = Date.now();
        metrics.sourceLastSuccess.set({ source: connector.name }, lastSuccess / 1000);
        lastError = undefined;
      } catch (err) {
        if (signal.aborted || err instanceof Interrupted) break;
        lastError = `${errorClass(err)}: ${errorMessage(err)}`;
        metrics.sourcePolls.inc({ source: connector.name, outcome: 'error' });
        log.error('poll failed; will try again next interval', {
          error: errorMessage(err),
          errorClass: errorClass(err),
          retriable: isRetriable(err),
        });
      }
      if (pause > 0) await sleep(pause);
    }
  })();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping.abort();
      await loop;
      unwatchSignals?.();
      await unsubscribe?.();
      // A stopped source (its lease passed to another process) is no longer this process's to report on.
      unregisterHealthCheck(`source:${connector.name}`);
      metrics.sourceLastSuccess.remove({ source: connector.name });
      log.info('source stopped');
    })());
  rt.onClose(stop);
  return { name: connector.name, stop };
}
