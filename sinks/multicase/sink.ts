/**
 * Sink into the Multicase database. Each command is applied once, in one database transaction that
 * claims its command id first (applyOnce, connectors/multicase/adapter), so a replayed or
 * duplicated command changes nothing the second time. What a command does is the flow's `apply`:
 * map the command, call the adapter. Delivery, retry and dead-lettering are the runtime's.
 */
import type { Command } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { Runtime } from '../../runtime/runtime.js';
import { runStage, type RunningStage } from '../../runtime/stage.js';
import { applyOnce, type MulticaseDb, type MulticaseTransaction } from '../../connectors/multicase/adapter/commands.js';
import { classifyDatabaseError } from '../../connectors/multicase/database-errors.js';

export interface MulticaseCommandHandler<P> {
  /** Also the consumer group id. */
  name: string;
  input: TopicSpec<Command<P>>;
  /** Applies the payload inside `trx`; throws ValidationError/UnmappableError for what can never apply. */
  apply(trx: MulticaseTransaction, payload: P, command: Command<P>): Promise<void>;
}

export function runMulticaseSink<P>(
  rt: Runtime,
  db: MulticaseDb,
  handler: MulticaseCommandHandler<P>,
): Promise<RunningStage> {
  return runStage(rt, {
    name: handler.name,
    input: handler.input,
    partitionsConcurrently: handler.input.partitions,
    tracedFrom: (command) => command.traceOrigin,
    async handle(command) {
      try {
        await applyOnce(db, { id: command.commandId, topic: handler.input.name }, (trx) =>
          handler.apply(trx, command.payload, command),
        );
      } catch (err) {
        throw classifyDatabaseError(err);
      }
      return [];
    },
  });
}
