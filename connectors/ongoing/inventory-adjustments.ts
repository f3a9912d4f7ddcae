/**
 * Flow 8's source: stock changes booked in the warehouse (counts, damage, picking discrepancies),
 * found with `GET /inventoryAdjustments?isReported=false` at a set interval. Ongoing acknowledges
 * them per inventory and article (`setReported`), so that pair is one event: the signed total of
 * ALL the article's items in that inventory, read unfiltered (`from`/`toTime`, no `isReported`),
 * never the sum of the unreported ones. Ongoing does not document what `isReported=false` returns
 * once items are added to an inventory after a setReported (docs/warehouse-facts.md: readings R1 new
 * items only, R2 none of them, R3 the whole group); the pair's full total is right under all three,
 * and the sink books its difference to what it booked. Pairs emitted recently are totalled again at
 * every poll for ONGOING_INVENTORY_RECHECK_MS (a setReported flags what arrived between our read
 * and the call), and every pair of the span once per that interval (items hidden under R2).
 *
 * The acknowledgement is a follow-up command, produced only once the event is in Kafka and carried
 * out by the Ongoing sink (reporting-back.ts); until then the pair is read and emitted again with
 * the same event id. A pair that cannot be read is dead-lettered once and never acknowledged, so it
 * stays in Ongoing until fixed.
 *
 * Ongoing does not link a picking discrepancy to its order in the API; the warehouse notes it in
 * the item comment ("Not found while picking order 300012"). For the causes listed in
 * ONGOING_PICK_DISCREPANCY_CAUSES the order named there is carried as `pickedOrderNumber`.
 */
import { topics } from '../../schemas/catalog.js';
import { commandFrom } from '../../schemas/envelopes.js';
import type { TopicSpec } from '../../schemas/topic.js';
import type { InventoryAdjusted, InventoryAdjustmentReportCommand } from '../../schemas/types.generated.js';
import { setting } from '../../runtime/config.js';
import { ValidationError } from '../../runtime/errors.js';
import type { SourceConnector, SourceEvent } from '../../runtime/source.js';
import type { OngoingApi } from './api/client.js';
import { latestOngoingTime, parseOngoingTime } from './api/times.js';
import type { OngoingInventoryAdjustment, OngoingInventoryAdjustmentsLine } from './api/types/inventory-adjustments.js';
import { reportingBackSource, type ReportingPosition } from './reporting-back.js';

export const inventoryAdjustmentSourceSettings = {
  inventoryAdjustmentIntervalMs: setting.int('ONGOING_INVENTORY_ADJUSTMENT_POLL_MS', {
    default: 30_000,
    min: 100,
    description: 'how often Ongoing is asked for inventory adjustments not yet reported (flow 8)',
  }),
  pickDiscrepancyCauses: setting.string('ONGOING_PICK_DISCREPANCY_CAUSES', {
    default: 'PICKDIFF',
    description:
      "comma-separated Ongoing adjustment cause codes that mean a picking discrepancy; the order named in such an adjustment's comment goes to Multicase's stock history",
  }),
  inventorySpanMs: setting.int('ONGOING_INVENTORY_SPAN_MS', {
    default: 7 * 24 * 60 * 60 * 1000,
    min: 60_000,
    description:
      'how long an inventory may stay open in the warehouse: the items of an inventory and article are totalled over this long before its newest unreported item (flow 8 books the pair by its full total)',
  }),
  inventoryRecheckMs: setting.int('ONGOING_INVENTORY_RECHECK_MS', {
    default: 600_000,
    min: 1_000,
    description:
      'for how long after it was emitted an inventory adjustment is totalled again at every poll (items a setReported flagged after our read), and how often every adjustment of the span is (items Ongoing might never show as unreported)',
  }),
};

/** Ongoing's items of one article in one inventory: acknowledged together, so one event. */
export interface AdjustmentPair {
  inventoryId: number | null;
  article: Partial<OngoingInventoryAdjustmentsLine['article']> | null;
  items: Partial<OngoingInventoryAdjustment>[];
}

/** Real Ongoing may leave out or null any field; nothing here trusts the declared types. */
export function pairsOf(lines: readonly Partial<OngoingInventoryAdjustmentsLine>[]): AdjustmentPair[] {
  const pairs = new Map<string, AdjustmentPair>();
  for (const line of lines) {
    const article = line.article ?? null;
    for (const item of line.inventoryAdjustments ?? []) {
      const inventoryId = typeof item?.inventoryId === 'number' ? item.inventoryId : null;
      const key = `${inventoryId ?? '?'}/${article?.articleSystemId ?? '?'}`;
      let pair = pairs.get(key);
      if (!pair) pairs.set(key, (pair = { inventoryId, article, items: [] }));
      pair.items.push(item ?? {});
    }
  }
  return [...pairs.values()];
}

export const pairId = (p: AdjustmentPair): string => `${p.inventoryId ?? '?'}/${p.article?.articleSystemId ?? '?'}`;

const round = (n: number) => Math.round(n * 1000) / 1000;
const distinct = (values: Array<string | null | undefined>) => [
  ...new Set(values.map((v) => v?.trim()).filter((v): v is string => !!v)),
];
const ORDER_IN_COMMENT = /\border\s+(?:no\.?\s*|number\s+|#\s*)?([A-Za-z0-9][A-Za-z0-9_-]*)/i;

/** The Ongoing order a picking discrepancy was found on, as its comment names it. */
export function pickedOrderOf(
  causeCodes: readonly string[],
  comments: readonly string[],
  pickCauses: ReadonlySet<string>,
): string | null {
  if (!causeCodes.some((c) => pickCauses.has(c.toUpperCase()))) return null;
  for (const c of comments) {
    const m = ORDER_IN_COMMENT.exec(c);
    if (m) return m[1]!;
  }
  return null;
}

export const parseCauses = (list: string): ReadonlySet<string> =>
  new Set(
    list
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean),
  );

export function adjustmentToEvent(
  pair: AdjustmentPair,
  capturedAt: number,
  pickCauses: ReadonlySet<string>,
): SourceEvent<InventoryAdjusted> {
  const record = `Ongoing inventory adjustment ${pairId(pair)}`;
  const inventoryId = pair.inventoryId;
  if (inventoryId === null || !Number.isInteger(inventoryId))
    throw new ValidationError(record, 'inventoryAdjustments[].inventoryId', 'is missing');
  const articleSystemId = pair.article?.articleSystemId;
  if (typeof articleSystemId !== 'number' || !Number.isInteger(articleSystemId))
    throw new ValidationError(record, 'article.articleSystemId', 'is missing');
  const articleNumber = pair.article?.articleNumber?.trim();
  if (!articleNumber) throw new ValidationError(record, 'article.articleNumber', 'is missing');
  let total = 0;
  for (const [i, item] of pair.items.entries()) {
    if (typeof item.numberOfItems !== 'number' || !Number.isFinite(item.numberOfItems)) {
      throw new ValidationError(
        record,
        `inventoryAdjustments[${i}].numberOfItems`,
        `is not a number: ${JSON.stringify(item.numberOfItems ?? null)}`,
      );
    }
    total += item.numberOfItems;
  }
  total = round(total);
  const adjustedAt = latestOngoingTime(pair.items.map((i) => i.inventoryTime));
  const causeCodes = distinct(pair.items.map((i) => i.inventoryAdjustmentCause?.code));
  const causeNames = distinct(pair.items.map((i) => i.inventoryAdjustmentCause?.name));
  const comments = distinct(pair.items.map((i) => i.inventoryItemComment));
  const join = (values: string[], sep = ', ') => (values.length > 0 ? values.join(sep) : null);
  // Same items, same id: a pair read again before its acknowledgement went through is a repeat.
  const version = `${pair.items.length}x${total}`;
  const key = articleNumber;
  return {
    topic: topics.inventoryAdjusted,
    key,
    value: {
      eventId: `ongoing:inventory-adjustment:${inventoryId}:${articleSystemId}:${version}`,
      entityKey: key,
      operation: 'CREATE',
      source: {
        system: 'ongoing',
        entity: 'inventory-adjustment',
        position: `${inventoryId}/${articleSystemId}:${version}`,
      },
      occurredAt: adjustedAt ?? capturedAt,
      capturedAt,
      after: {
        inventoryId,
        articleSystemId,
        articleNumber,
        numberOfItems: total,
        adjustedAt,
        causeCode: join(causeCodes),
        causeName: join(causeNames),
        comment: join(comments, '; '),
        location: join(distinct(pair.items.map((i) => i.location))),
        warehouse: distinct(pair.items.map((i) => i.warehouse?.code))[0] ?? null,
        pickedOrderNumber: pickedOrderOf(causeCodes, comments, pickCauses),
      },
    },
  };
}

/** The acknowledgement of an adjustment event: setReported for its inventory and article. */
export function adjustmentReportOf(event: InventoryAdjusted): SourceEvent<InventoryAdjustmentReportCommand> {
  const a = event.after!;
  const payload = { inventoryId: a.inventoryId, articleSystemId: a.articleSystemId, articleNumber: a.articleNumber };
  return {
    topic: topics.inventoryAdjustmentReport,
    key: event.entityKey,
    value: commandFrom(event, topics.inventoryAdjustmentReport, payload),
  };
}

const totalOf = (p: AdjustmentPair): number =>
  round(p.items.reduce((s, i) => s + (typeof i.numberOfItems === 'number' ? i.numberOfItems : Number.NaN), 0));

/**
 * The pairs to report: every pair with unreported items, by its full total; and pairs whose full
 * total changed since this process emitted them (totalled again while recent, and at every sweep).
 */
export function pairsToReport(
  api: Pick<OngoingApi, 'getInventoryAdjustments'>,
  cfg: { inventorySpanMs: number; inventoryRecheckMs: number },
): () => Promise<AdjustmentPair[]> {
  /** What this process emitted per pair (or found at its first sweep): its full total, and when. */
  const emitted = new Map<string, { total: number; at: number }>();
  let lastSweep: number | undefined;
  return async () => {
    const now = Date.now();
    const unreported = pairsOf((await api.getInventoryAdjustments({ isReported: false })) ?? []);
    const recent = [...emitted.values()].some((e) => now - e.at < cfg.inventoryRecheckMs);
    const sweep = lastSweep === undefined || now - lastSweep >= cfg.inventoryRecheckMs;
    if (unreported.length === 0 && !recent && !sweep) return [];
    const times = unreported.flatMap((p) => p.items.map((i) => parseOngoingTime(i.inventoryTime) ?? now));
    const from = Math.min(now, ...times) - cfg.inventorySpanMs;
    const whole = new Map(
      pairsOf((await api.getInventoryAdjustments({ from: new Date(from), toTime: new Date(now + 60_000) })) ?? []).map(
        (p) => [pairId(p), p],
      ),
    );
    if (sweep) lastSweep = now;
    const out: AdjustmentPair[] = [];
    const emit = (p: AdjustmentPair) => {
      out.push(p);
      emitted.set(pairId(p), { total: totalOf(p), at: now });
    };
    // A pair the unfiltered read lacks (a time Ongoing left out) is reported as read.
    for (const p of unreported) emit(whole.get(pairId(p)) ?? p);
    const reported = new Set(unreported.map(pairId));
    for (const [id, p] of whole) {
      if (reported.has(id)) continue;
      const before = emitted.get(id);
      if (!before) emitted.set(id, { total: totalOf(p), at: 0 });
      else if (before.total !== totalOf(p) && (sweep || now - before.at < cfg.inventoryRecheckMs)) emit(p);
    }
    for (const [id, e] of emitted) if (e.at < from && !whole.has(id)) emitted.delete(id);
    return out;
  };
}

export function inventoryAdjustmentSource(
  api: OngoingApi,
  cfg: {
    inventoryAdjustmentIntervalMs: number;
    pickDiscrepancyCauses: string;
    inventorySpanMs: number;
    inventoryRecheckMs: number;
  },
): SourceConnector<ReportingPosition> {
  const pickCauses = parseCauses(cfg.pickDiscrepancyCauses);
  return reportingBackSource<AdjustmentPair>({
    name: 'ongoing.inventory-adjustments',
    intervalMs: cfg.inventoryAdjustmentIntervalMs,
    topic: topics.inventoryAdjusted as TopicSpec<unknown>,
    toReport: pairsToReport(api, cfg),
    idOf: pairId,
    keyOf: (p) => p.article?.articleNumber ?? null,
    toEvent: (p, capturedAt) => adjustmentToEvent(p, capturedAt, pickCauses) as SourceEvent,
    reportOf: (event) => adjustmentReportOf((event as SourceEvent<InventoryAdjusted>).value) as SourceEvent,
  });
}
