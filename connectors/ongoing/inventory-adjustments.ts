/**
 * Flow 8's source: stock changes booked in the warehouse (counts, damage, picking discrepancies),
 * read from `GET /inventoryAdjustments?isReported=false` at a set interval. Ongoing acknowledges
 * them per inventory and article (`setReported`), so that pair is one event: the signed total of
 * the article's items in that inventory. The acknowledgement is a follow-up command, produced only
 * once the event is in Kafka and carried out by the Ongoing sink (reporting-back.ts); until then
 * the pair is read and emitted again with the same event id. A pair that cannot be read is
 * dead-lettered once and never acknowledged, so it stays in Ongoing until fixed.
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
import { latestOngoingTime } from './api/times.js';
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

export function inventoryAdjustmentSource(
  api: OngoingApi,
  cfg: { inventoryAdjustmentIntervalMs: number; pickDiscrepancyCauses: string },
): SourceConnector<ReportingPosition> {
  const pickCauses = parseCauses(cfg.pickDiscrepancyCauses);
  return reportingBackSource<AdjustmentPair>({
    name: 'ongoing.inventory-adjustments',
    intervalMs: cfg.inventoryAdjustmentIntervalMs,
    topic: topics.inventoryAdjusted as TopicSpec<unknown>,
    toReport: async () => pairsOf((await api.getInventoryAdjustments({ isReported: false })) ?? []),
    idOf: pairId,
    keyOf: (p) => p.article?.articleNumber ?? null,
    toEvent: (p, capturedAt) => adjustmentToEvent(p, capturedAt, pickCauses) as SourceEvent,
    reportOf: (event) => adjustmentReportOf((event as SourceEvent<InventoryAdjusted>).value) as SourceEvent,
  });
}
