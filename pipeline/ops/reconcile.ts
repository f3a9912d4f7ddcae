/**
 * `ops reconcile` and its scheduled twin in the pipeline process: Ongoing's stock per article
 * (inventoryInfo.numberOfItems, physically present) against Multicase's on-hand stock in the
 * warehouse Ongoing runs, with what the flows still have in flight accounted for
 * (reconcile-in-flight.ts) and the arithmetic in reconcile-diff.ts.
 *
 * Ongoing has no snapshot: a warehouse action between reading its stock and its documents can
 * look like drift for a moment. So a pass that finds drift is repeated, and drift counts only
 * when two passes in a row agree on it. Multicase is read in one repeatable-read snapshot.
 */
import { Gauge } from 'prom-client';
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import { stockExplainedByExceptions } from '../../connectors/multicase/adapter/exceptions.js';
import { inSnapshot, onHandStock } from '../../connectors/multicase/adapter/reconciliation.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';
import { setting } from '../../runtime/config.js';
import { registry } from '../../runtime/metrics.js';
import type { Runtime } from '../../runtime/runtime.js';
import {
  compareStock,
  inFlightOf,
  sameDrift,
  type DocumentQuantity,
  type InFlight,
  type StockReport,
} from './reconcile-diff.js';
import { IN_FLIGHT_CONTRIBUTORS, OngoingReads, type InFlightContributor } from './reconcile-in-flight.js';
import type { ProgressReporter } from './progress.js';

export const reconcileSettings = {
  reconcileIntervalMs: setting.int('RECONCILE_INTERVAL_MS', {
    default: 0,
    min: 0,
    description:
      'how often the sink-multicase role (of its copies, the holder of lease.reconcile) compares Ongoing stock with Multicase on-hand stock (as `npm run ops -- reconcile` does) and sets pipeline_stock_drift_items; 0 = never. Each run reads every article, purchase order and order in Ongoing, so minutes, not seconds',
  }),
};

export const stockDrift = new Gauge({
  name: 'pipeline_stock_drift_items',
  help: 'Ongoing stock minus Multicase on-hand stock minus what is in flight between them and what open integration exceptions explain, per article, as of the last reconciliation (ops reconcile, RECONCILE_INTERVAL_MS); 0 = in step',
  labelNames: ['article'],
  registers: [registry],
});

export interface ReconcileSources {
  ongoing: OngoingApi;
  db: MulticaseDb;
  /** The Multicase warehouse code that Ongoing runs (MULTICASE_ONGOING_WAREHOUSE). */
  warehouse: string;
}

export interface ReconcileOptions {
  contributors?: readonly InFlightContributor[];
  /** Passes at most, while drift is found and not yet confirmed. */
  maxPasses?: number;
  /** Pause between passes, for the warehouse action that raced the reads to finish. */
  settleMs?: number;
  /** Ongoing documents and articles read (their number is not known beforehand). */
  progress?: ProgressReporter;
}

async function ongoingStock(api: OngoingApi, onPage: (articles: number) => void): Promise<Map<string, number>> {
  const stock = new Map<string, number>();
  for await (const page of api.articlePages()) {
    onPage(page.length);
    for (const a of page) {
      if (a.isStockArticle === false) continue;
      stock.set(a.articleNumber, (stock.get(a.articleNumber) ?? 0) + Number(a.inventoryInfo?.numberOfItems ?? 0));
    }
  }
  return stock;
}

/** One comparison: Ongoing first (its documents before Multicase's bookings of them), then one Multicase snapshot. */
export async function reconcileOnce(
  src: ReconcileSources,
  contributors: readonly InFlightContributor[] = IN_FLIGHT_CONTRIBUTORS,
  onRead: (items: number) => void = () => {},
): Promise<StockReport> {
  const checkedAt = Date.now();
  const reads = new OngoingReads(src.ongoing, checkedAt);
  const ongoingDone: DocumentQuantity[][] = [];
  for (const c of contributors) {
    ongoingDone.push(await c.ongoing(reads));
    onRead(ongoingDone.at(-1)!.length);
  }
  const ongoing = await ongoingStock(src.ongoing, onRead);
  const { multicase, inFlight, explained } = await inSnapshot(src.db, async (trx) => {
    const inFlight: InFlight[] = [];
    for (const [i, c] of contributors.entries()) {
      const done = ongoingDone[i]!;
      const booked =
        done.length === 0 ? [] : await c.multicase(trx, src.warehouse, [...new Set(done.map((d) => d.document))]);
      inFlight.push(...inFlightOf(c.flow, done, booked, { settledOnceBooked: c.settledOnceBooked ?? false }));
    }
    return {
      multicase: await onHandStock(trx, src.warehouse),
      inFlight,
      explained: await stockExplainedByExceptions(trx, src.warehouse),
    };
  });
  return compareStock(ongoing, multicase, inFlight, { warehouse: src.warehouse, checkedAt }, explained);
}

/** Compares until drift is confirmed by two passes in a row (or none is found), sets the gauge, and returns the last pass. */
export async function reconcileStock(src: ReconcileSources, options: ReconcileOptions = {}): Promise<StockReport> {
  const { contributors = IN_FLIGHT_CONTRIBUTORS, maxPasses = 3, settleMs = 1_000, progress } = options;
  let read = 0;
  const onRead = (items: number) => progress?.update((read += items));
  let report = await reconcileOnce(src, contributors, onRead);
  for (let pass = 2; pass <= maxPasses && report.drifted > 0; pass++) {
    await new Promise((r) => setTimeout(r, settleMs));
    const next = await reconcileOnce(src, contributors, onRead);
    const confirmed = sameDrift(report, next);
    report = next;
    if (confirmed) break;
  }
  progress?.finish();
  setDriftGauge(report);
  return report;
}

/** One series per article compared; articles no longer held anywhere drop out. */
export function setDriftGauge(report: StockReport): void {
  stockDrift.reset();
  for (const a of report.articles) stockDrift.set({ article: a.article }, a.drift);
}

/**
 * Runs the comparison every `intervalMs` in the pipeline process until the runtime closes. A
 * failed run is logged and the next one comes as planned: a reconciliation is a check, never a
 * reason to stop the flows.
 */
export function scheduleReconcile(
  rt: Runtime,
  intervalMs: number,
  sources: () => ReconcileSources,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const run = async () => {
    try {
      const report = await reconcileStock(sources());
      const drifted = report.articles
        .filter((a) => a.drift !== 0)
        .map((a) => ({
          article: a.article,
          ongoing: a.ongoing,
          multicase: a.multicase,
          inFlight: a.inFlight,
          drift: a.drift,
        }));
      if (drifted.length > 0)
        rt.log.warn('stock drift between Ongoing and Multicase', { warehouse: report.warehouse, drifted });
      else
        rt.log.info('stock reconciled: no drift', {
          warehouse: report.warehouse,
          articles: report.articles.length,
          withInFlight: report.withInFlight,
        });
    } catch (err) {
      // A run cut short by shutdown (its connections closed under it) is no failure worth a line.
      if (!closed) rt.log.error('stock reconciliation failed; trying again at the next interval', { error: err });
    } finally {
      if (!closed) timer = setTimeout(() => void run(), intervalMs);
    }
  };
  timer = setTimeout(() => void run(), intervalMs);
  const stop = async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    // Another copy reports the drift from now on; this one's figures would only go stale.
    stockDrift.reset();
  };
  rt.onClose(stop);
  return { stop };
}
