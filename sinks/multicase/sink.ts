/**
 * Sink into the Multicase database. Each command is applied in one database transaction that first
 * claims the command id in `multicase.applied_events` (unique), so a replayed or duplicated command
 * changes nothing the second time. What a command does is the flow's `apply` function; delivery,
 * retry and dead-lettering are the runtime's.
 */
import type { Knex } from 'knex';
import type { Command } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { Runtime } from '../../runtime/runtime.js';
import { runStage, type RunningStage } from '../../runtime/stage.js';
import { classifyDatabaseError } from '../../connectors/multicase/database-errors.js';
import { recordAppliedEvent } from './bookkeeping.js';

export interface MulticaseCommandHandler<P> {
  /** Also the consumer group id. */
  name: string;
  input: TopicSpec<Command<P>>;
  /** Applies the payload inside `trx`; throws ValidationError/UnmappableError for what can never apply. */
  apply(trx: Knex.Transaction, payload: P, command: Command<P>): Promise<void>;
}

export function runMulticaseSink<P>(rt: Runtime, db: Knex, handler: MulticaseCommandHandler<P>): Promise<RunningStage> {
  return runStage(rt, {
    name: handler.name,
    input: handler.input,
    partitionsConcurrently: handler.input.partitions,
    tracedFrom: (command) => command.traceOrigin,
    async handle(command) {
      try {
        await db.transaction(async (trx) => {
          if (!(await recordAppliedEvent(trx, command.commandId, handler.input.name))) return;
          await handler.apply(trx, command.payload, command);
        });
      } catch (err) {
        throw classifyDatabaseError(err);
      }
      return [];
    },
  });
}
