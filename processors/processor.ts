/**
 * A processor is a pure mapping from one change event to at most one command, plus the lookups it
 * may read (state tables). This file turns such a spec into a running stage; delivery, retries and
 * dead-lettering are the runtime's.
 */
import { idMapKey, topics } from '../schemas/catalog.js';
import { commandFrom, type ChangeEvent } from '../schemas/envelopes.js';
import type { TopicSpec } from '../schemas/topic.js';
import type { IdMapping, ShippingMethodMapping } from '../schemas/types.generated.js';
import { NotYetAvailableError } from '../runtime/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { runStage, type RunningStage } from '../runtime/stage.js';
import type { Table } from '../runtime/table.js';

/** What a mapping may read besides its event. */
export interface Lookups {
  idMap: Pick<Table<IdMapping>, 'get'>;
  shippingMethods: Pick<Table<ShippingMethodMapping>, 'get' | 'entries'>;
  /** How long a missing mapping may be waited for before the record is unmappable. */
  graceMs: number;
  /** Multicase's code of the warehouse Ongoing runs: the one warehouse the integration covers. */
  integratedWarehouse: string;
  /** Ongoing's own code of that warehouse; absent: the same as `integratedWarehouse`. */
  integratedWarehouseOngoingCode?: string;
  /** What a return's number is prefixed with in Ongoing (ONGOING_RETURN_NUMBER_PREFIX; returnInOngoing). */
  returnNumberPrefix: string;
}

/**
 * Ongoing refuses a line whose article it does not know, and products travel on their own
 * schedule: while a line's article has no id-map entry yet, the record waits for it
 * (NotYetAvailableError, graceMs at most). `field(i)` names line i's article field in the record.
 */
export function requireArticlesInOngoing(
  record: string,
  lines: Array<{ articleNumber: string }>,
  lookups: Pick<Lookups, 'idMap' | 'graceMs'>,
  field = (i: number) => `lines[${i}].productNumber`,
): void {
  lines.forEach((l, i) => {
    if (!lookups.idMap.get(idMapKey('ongoing', 'article', l.articleNumber))) {
      throw new NotYetAvailableError(
        `${record}: field ${field(i)} ${l.articleNumber} is not an article in Ongoing yet (no id-map entry)`,
        lookups.graceMs,
      );
    }
  });
}

export interface ProcessorSpec<I extends ChangeEvent<unknown> = ChangeEvent<unknown>, P = unknown> {
  /** Also the consumer group id. */
  name: string;
  input: TopicSpec<I>;
  output: TopicSpec<unknown>;
  /**
   * The command payload for the event, or null when the event needs no command. Throws
   * ValidationError/UnmappableError for bad input, NotYetAvailableError for data that may still
   * come (its `afterGrace`, when given, returns the payload to use once the grace is over).
   */
  map(event: I, lookups: Lookups): P | null;
}

export function runProcessor<I extends ChangeEvent<unknown>>(
  rt: Runtime,
  spec: ProcessorSpec<I>,
  lookups: Lookups,
  opts: { partitionsConcurrently?: number } = {},
): Promise<RunningStage> {
  const outputsFor = (event: I, payload: unknown) =>
    payload === null
      ? []
      : [{ topic: spec.output, key: event.entityKey, value: commandFrom(event, spec.output, payload) }];
  const outputsOf = (event: I) => {
    try {
      return outputsFor(event, spec.map(event, lookups));
    } catch (err) {
      // What the mapping yields once its grace is over is a payload; the stage wants outputs.
      if (err instanceof NotYetAvailableError && err.afterGrace) {
        const payload = err.afterGrace;
        throw new NotYetAvailableError(err.message, err.giveUpAfterMs, () => outputsFor(event, payload()));
      }
      throw err;
    }
  };
  return runStage<I>(rt, {
    name: spec.name,
    input: spec.input,
    partitionsConcurrently: opts.partitionsConcurrently ?? spec.input.partitions,
    outputs: [spec.output],
    heldRecords: topics.heldRecords,
    handle: (event) => outputsOf(event),
    handleKnown: (event) => outputsOf(event),
  });
}
