/**
 * Sink into Ongoing WMS over its REST API. Every write is an upsert by business number, so a
 * replayed command is harmless. Ongoing queues parallel writes of one goods owner and times them
 * out, so the API client sends the writes of this process to one goods owner one at a time
 * (connectors/ongoing/api/client.ts), whichever stage or source they come from. The id Ongoing returns goes to
 * `state.id-map`, together with a hash of the payload: a command whose payload equals the last one
 * written is skipped (a purchase order touched only by our own receipt booking, a product saved
 * without changes), which also keeps refusals for already-started work from piling up.
 * A command a resnapshot caused (`ops resnapshot`, e.g. to refill a restored Ongoing) is written
 * even when its payload equals the last one written; if Ongoing refuses it although it had accepted
 * that very payload before (the warehouse has started work on the order since), it is done, not a
 * dead letter: there is nothing to restore.
 * Refusals (4xx) go to the DLQ through the runtime, counted by reason; a handler may add what the
 * refusal yields besides (a note in the Multicase order's history).
 */
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';
import { idMapKey, topics } from '../../schemas/catalog.js';
import { isResnapshot, type Command } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { IdMapping } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { RejectedError } from '../../runtime/errors.js';
import type { Logger } from '../../runtime/logger.js';
import { metrics, registry } from '../../runtime/metrics.js';
import type { Runtime } from '../../runtime/runtime.js';
import { FailedWithOutputs, runStage, type Output, type RunningStage } from '../../runtime/stage.js';
import type { Table } from '../../runtime/table.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';

export const ongoingSinkSettings = {
  skipUnchanged: setting.bool('ONGOING_SINK_SKIP_UNCHANGED', {
    default: true,
    description:
      'skip a command whose payload equals the last one written; set false to force a full re-write when replaying into a restored Ongoing',
  }),
};

export interface OngoingWriteHandler<P> {
  /** Also the consumer group id. */
  name: string;
  input: TopicSpec<Command<P>>;
  /** The id-map entity type the handler's ids are stored under. */
  entityType: string;
  /**
   * True when the command cancels the entity. The processors emit a cancel whether or not the
   * entity reached Ongoing; the sink, which sees the commands of one key in order, decides: with no
   * id-map entry there is nothing to cancel, and no call is made (counted, logged at debug).
   */
  cancels?(payload: P): boolean;
  /** When some payloads are another kind of entity (a return sent as a purchase order): their entity type. */
  entityTypeOf?(payload: P): string;
  /** Writes the payload (a cancel only for an entity Ongoing has: `known`); returns Ongoing's id, or null when there was nothing to write. */
  write(api: OngoingApi, payload: P, known: IdMapping | undefined, sink: OngoingSinkContext): Promise<string | null>;
  /** Ongoing's id of the entity the payload writes (its business number is `businessKey`), if it exists there. */
  find(api: OngoingApi, businessKey: string, payload: P): Promise<string | null>;
  /** What a refusal yields besides the dead letter: e.g. a note in the Multicase order's history, so the user sees it. */
  refused?(command: Command<P>, refusal: RejectedError): Output[];
}

const hashOf = (payload: unknown) =>
  createHash('sha256').update(JSON.stringify(payload)).digest('base64url').slice(0, 22);

export interface OngoingSinkContext {
  api: OngoingApi;
  idMap: Pick<Table<IdMapping>, 'get'>;
  skipUnchanged: boolean;
  log?: Logger;
  /** ONGOING_PURCHASE_ORDER_CLOSED_STATUS, for the purchase-order handler (purchase-order-upsert.ts). */
  purchaseOrderClosedStatus?: number;
}

export const cancelsWithoutTarget = new Counter({
  name: 'pipeline_ongoing_cancels_without_target_total',
  help: 'cancels of an order or purchase order that never reached Ongoing (no id-map entry): nothing to cancel there, so no call was made',
  labelNames: ['stage'],
  registers: [registry],
});

export function runOngoingSink<P>(
  rt: Runtime,
  ctx: OngoingSinkContext,
  handler: OngoingWriteHandler<P>,
): Promise<RunningStage> {
  return runStage(rt, {
    name: handler.name,
    input: handler.input,
    partitionsConcurrently: handler.input.partitions,
    tracedFrom: (command) => command.traceOrigin,
    handle: ongoingWriter({ log: rt.log.child({ stage: handler.name }), ...ctx }, handler),
  });
}

/** One command to Ongoing: write it (or skip it as unchanged), and the id-map output it yields. */
export function ongoingWriter<P>(
  ctx: OngoingSinkContext,
  handler: OngoingWriteHandler<P>,
): (command: Command<P>) => Promise<Output[]> {
  // What this process wrote, until the id-map table shows it. The table holds only mappings whose
  // output the brokers acknowledged; an entry here may belong to a chunk that is being replayed
  // because its outputs never got out (a rebalance, a produce error), so it is never proof on its own.
  const written = new Map<string, IdMapping>();
  return async (command) => {
    const entityType = handler.entityTypeOf?.(command.payload) ?? handler.entityType;
    const key = idMapKey('ongoing', entityType, command.entityKey);
    const acknowledged = ctx.idMap.get(key);
    const recent = written.get(key);
    if (recent && acknowledged?.contentHash === recent.contentHash && acknowledged.externalId === recent.externalId)
      written.delete(key);
    const known = recent ?? acknowledged;
    if (!known && handler.cancels?.(command.payload)) {
      cancelsWithoutTarget.inc({ stage: handler.name });
      ctx.log?.debug('cancel of something Ongoing never had: nothing to do', { key: command.entityKey });
      return [];
    }
    const contentHash = hashOf(command.payload);
    const forced = isResnapshot(command);
    const unchanged = known?.contentHash === contentHash;
    if (ctx.skipUnchanged && unchanged && !forced) {
      // Ongoing has this payload. Its mapping is emitted again unless the table already shows it,
      // so a chunk replayed after its outputs were lost still records the id.
      return acknowledged?.contentHash === contentHash ? [] : [{ topic: topics.idMap, key, value: known }];
    }
    let externalId: string | null;
    try {
      externalId = await handler.write(ctx.api, command.payload, known, ctx);
    } catch (err) {
      if (!(err instanceof RejectedError)) throw err;
      metrics.targetRejections.inc({ stage: handler.name, reason: err.reason });
      if (forced && unchanged) return [];
      const told = handler.refused?.(command, err) ?? [];
      // Refused, but the entity may exist in Ongoing without our mapping (an earlier write whose
      // mapping was lost in a crash): record its id, so what depends on it can still be mapped.
      const existing = known
        ? null
        : await handler.find(ctx.api, command.entityKey, command.payload).catch((findErr: unknown) => {
            // Ongoing unreachable while we look: try the whole command again later. A refusal of the
            // lookup itself teaches nothing: the record's own refusal stands.
            if (findErr instanceof RejectedError) return null;
            throw findErr;
          });
      if (!existing) {
        if (told.length > 0) throw new FailedWithOutputs(err, told);
        throw err;
      }
      const learned: IdMapping = {
        system: 'ongoing',
        entityType,
        businessKey: command.entityKey,
        externalId: existing,
        updatedAt: Date.now(),
        contentHash: null,
      };
      written.set(key, learned);
      throw new FailedWithOutputs(err, [...told, { topic: topics.idMap, key, value: learned }]);
    }
    if (externalId === null) return [];
    const mapping: IdMapping = {
      system: 'ongoing',
      entityType,
      businessKey: command.entityKey,
      externalId,
      updatedAt: Date.now(),
      contentHash,
    };
    written.set(key, mapping);
    return [{ topic: topics.idMap, key, value: mapping }];
  };
}

/** Drops null and undefined fields: Ongoing treats an absent field as "leave as is". */
export function compact<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as never;
}

/**
 * A text field the integration owns, as Ongoing must get it: its value, or "" when Multicase has
 * none, which clears it in Ongoing (absent or null would leave the old value standing).
 * docs/sending-to-ongoing.md says why.
 */
export const owned = (value: string | null | undefined): string => value ?? '';

/** A measure or price the integration owns: its value, or 0 (Ongoing's "none") when Multicase has none. */
export const ownedNumber = (value: number | null | undefined): number => value ?? 0;
