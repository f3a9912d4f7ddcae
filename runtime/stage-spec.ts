/** What a stage is given (its spec) and what it yields: the types of the consumer loop in stage.ts. */
import type { TopicSpec } from '../schemas/topic.js';
import type { HeldRecord } from '../schemas/types.generated.js';
import { errorClass, errorMessage } from './errors.js';
import type { ConsumedRecord } from './kafka.js';

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
  constructor(
    readonly failure: unknown,
    readonly outputs: Output[],
  ) {
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
  /**
   * The same as `handle`, synchronous, for stages that need no I/O (the processors' pure
   * mappings): with the schemas known, such a record is handled without a promise. Whatever it
   * throws sends the record down the full path, which calls `handle` and classifies the failure.
   */
  handleKnown?(value: I): Output[];
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
  /** The topics it writes, whose schemas are looked up before the first record. */
  outputs?: TopicSpec<unknown>[];
  /**
   * Where records held for a person (NotYetAvailableError without a deadline, e.g. a freight
   * method nobody mapped) are announced, so that `ops status` and the console can name them: the
   * compacted held-records topic. Without it such a record is parked all the same, unannounced.
   */
  heldRecords?: TopicSpec<HeldRecord>;
}

export interface RunningStage {
  readonly name: string;
  /** Resolves once the consumer has joined its group and is fetching. */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}
