/**
 * Sink into the Multicase database. Each command is applied in one database transaction that first
 * claims the command id in `multicase.applied_events` (unique), so a replayed or duplicated command
 * changes nothing the second time. What a command does is the flow's `apply` function; delivery,
 * retry and dead-lettering are the runtime's.
 */
import type { Knex } from 'knex';
import type { TopicSpec } from '../../schemas/catalog.js';
import { isRetriable, isTransientSqlState, PermanentError, TransientError } from '../../runtime/errors.js';
import { metrics } from '../../runtime/metrics.js';
import type { Runtime } from '../../runtime/runtime.js';
import { runStage, type RunningStage } from '../../runtime/stage.js';
import { recordAppliedEvent } from './bookkeeping.js';

interface CommandEnvelope<P> {
  commandId: string;
  entityKey: string;
  traceOrigin: number | null;
  payload: P;
}

export interface MulticaseCommandHandler<P> {
  name: string;
  input: TopicSpec<CommandEnvelope<P>>;
  /** Applies the payload inside `trx`; throws ValidationError/UnmappableError for what can never apply. */
  apply(trx: Knex.Transaction, payload: P, command: CommandEnvelope<P>): Promise<void>;
}

/** PostgreSQL and knex failures, classified at this edge. */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof PermanentError || err instanceof TransientError) return err;
  const e = err as { code?: string; name?: string; message?: string; constraint?: string; detail?: string };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    if (isTransientSqlState(e.code)) return new TransientError(`database unavailable (${e.code}): ${e.message}`, { cause: err });
    return new PermanentError(`database refused the write (${e.code}${e.constraint ? `, ${e.constraint}` : ''}): ${e.message}${e.detail ? ` (${e.detail})` : ''}`);
  }
  // Pool exhaustion (knex) and a connection pg lost mid-query carry no SQLSTATE.
  if (e?.name === 'KnexTimeoutError' || isRetriable(err) || /Connection terminated/i.test(e?.message ?? '')) {
    return new TransientError(`database unavailable: ${e.message}`, { cause: err });
  }
  return err;
}

export function runMulticaseSink<P>(rt: Runtime, db: Knex, handler: MulticaseCommandHandler<P>): Promise<RunningStage> {
  return runStage(rt, {
    name: handler.name,
    input: handler.input,
    partitionsConcurrently: handler.input.partitions,
    async handle(command) {
      try {
        await db.transaction(async (trx) => {
          if (!(await recordAppliedEvent(trx, command.commandId, handler.input.name))) return;
          await handler.apply(trx, command.payload, command);
        });
      } catch (err) {
        throw classifyDatabaseError(err);
      }
      if (command.traceOrigin) metrics.endToEndSeconds.observe({ stage: handler.name }, (Date.now() - command.traceOrigin) / 1000);
      return [];
    },
  });
}
