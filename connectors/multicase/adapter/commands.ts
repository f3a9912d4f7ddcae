/**
 * Commands applied to Multicase, each once. A Multicase sink applies every command in one database
 * transaction that first claims the command id in `applied_events` (unique), so a replayed or
 * duplicated command changes nothing the second time. Every operation of the adapter takes the
 * caller's transaction and never opens its own.
 */
import type { Knex } from 'knex';

/** A connection (pool) to Multicase's database: connectMulticase (database.ts). */
export type MulticaseDb = Knex;

/** The transaction a command is applied in. */
export type MulticaseTransaction = Knex.Transaction;

/**
 * Claims `commandId` for this transaction. Returns false when it was already applied (by a
 * committed transaction), in which case the caller must skip its effects. A concurrent claim of
 * the same id waits for the other transaction and then returns false if it committed.
 */
export async function claimCommand(trx: MulticaseTransaction, commandId: string, topic: string): Promise<boolean> {
  const inserted = await trx('multicase.applied_events')
    .insert({ event_id: commandId, topic })
    .onConflict('event_id')
    .ignore()
    .returning('event_id');
  return inserted.length === 1;
}

/**
 * Runs `apply` in one transaction that claims the command first; a command claimed before is not
 * applied again. Resolves to whether it was applied now.
 */
export function applyOnce(
  db: MulticaseDb,
  command: { id: string; topic: string },
  apply: (trx: MulticaseTransaction) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (!(await claimCommand(trx, command.id, command.topic))) return false;
    await apply(trx);
    return true;
  });
}
