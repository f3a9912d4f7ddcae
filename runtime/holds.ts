/**
 * Records a stage holds for setup a person must do (a picking list whose freight method has no
 * mapping): announced on the compacted `state.held-records` when first held, so that `ops status`
 * and the console can name them, and tombstoned with the outputs of the record when it goes on.
 * An entry a crash left behind is told apart by its offset: a stage never commits past a held
 * record, so one at or below the group's commit is history (`stillHeld` in pipeline/ops/status.ts).
 */
import type { TopicSpec } from '../schemas/topic.js';
import { setting } from './config.js';
import type { HeldRecord } from '../schemas/types.generated.js';
import type { ConsumedRecord, OutgoingMessage, PipelineProducer } from './kafka.js';
import type { Logger } from './logger.js';
import { withRetry } from './retry.js';
import type { Runtime } from './runtime.js';

export const holdSettings = {
  heldRecordAlertAfterMs: setting.int('HELD_RECORD_ALERT_AFTER_MS', {
    default: 3_600_000,
    min: 1_000,
    description:
      'how long a record may wait for a person (a picking list whose freight method has no mapping), counted from when it reached its topic, before pipeline_held_records_overdue counts it and PipelineRecordHeldTooLong fires',
  }),
};

export class Holds {
  private readonly holding = new Set<string>();

  constructor(
    private readonly stage: string,
    /** The compacted topic the holds are announced on (state.held-records), given by the stage's caller. */
    private readonly topic: TopicSpec<HeldRecord>,
    private readonly rt: Runtime,
    private readonly producer: PipelineProducer,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.holding.size;
  }

  private keyOf(r: ConsumedRecord): string {
    return `${this.stage}|${r.topic}|${r.partition}|${r.key ?? ''}`;
  }

  /** The record is held from `since`, for `reason` (which names the record and what it waits for). */
  async announce(record: ConsumedRecord, reason: string, since: number): Promise<void> {
    const held: HeldRecord = {
      stage: this.stage,
      topic: record.topic,
      partition: record.partition,
      offset: Number(record.offset),
      key: record.key,
      reason,
      since,
    };
    const message = {
      topic: this.topic.name,
      key: this.keyOf(record),
      value: await this.rt.serde.encode(this.topic, held),
    };
    await withRetry(this.stage, () => this.producer.send([message]), this.rt.retry, this.log, {
      signal: this.rt.signal,
    });
    this.holding.add(`${record.partition}@${record.offset}`);
  }

  /** The tombstone of a held record that went on (dead-lettered or handled); none for any other. */
  ended(record: ConsumedRecord): OutgoingMessage[] {
    if (this.holding.size === 0 || !this.holding.delete(`${record.partition}@${record.offset}`)) return [];
    return [{ topic: this.topic.name, key: this.keyOf(record), value: null }];
  }
}
