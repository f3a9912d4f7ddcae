/**
 * Stock reconciliation, the pure part: given each system's stock per article and the documents
 * each flow has handled, what is in flight and what is drift. No I/O here (reconcile.ts reads).
 *
 * Every quantity is a signed change of stock: a receipt +, a pick −, an adjustment as Ongoing
 * booked it. Per article:
 *
 *   in flight = Σ over documents (what Ongoing did − what Multicase has booked for it)
 *   explained = Σ over open integration exceptions (the stock the warehouse changed that Multicase
 *               could not book, e.g. below zero): shown in a column of its own, not drift
 *   drift     = Ongoing on hand − Multicase on hand − in flight − explained
 *
 * so a difference that is only events on their way is in flight, one a person is already told
 * about is explained, and anything else (a change made behind the pipeline's back, a record stuck
 * past its document's reach) is drift.
 */
import { roundQuantity } from '../../connectors/multicase/adapter/values.js';
import { plural, textTable } from './format.js';

/** One document's effect on one article's stock, as one system sees it. */
export interface DocumentQuantity {
  /** The business key both systems share: PO number, picking-list number, return number, adjustment id. */
  document: string;
  article: string;
  quantity: number;
}

export interface InFlight {
  /** Which flow carries it, e.g. "goods receipt (flow 3)". */
  flow: string;
  document: string;
  article: string;
  quantity: number;
}

/** What open integration exceptions explain of one article's difference, and which exceptions. */
export interface Explained {
  article: string;
  quantity: number;
  exceptions: number[];
}

export interface ArticleStock {
  article: string;
  ongoing: number;
  multicase: number;
  inFlight: number;
  /** Explained by open integration exceptions (their ids in `exceptions`). */
  explained: number;
  exceptions: number[];
  drift: number;
  inFlightDocuments: Omit<InFlight, 'article'>[];
}

export interface StockReport {
  warehouse: string;
  checkedAt: number;
  /** Every article either system holds stock of or has in flight, sorted by article. */
  articles: ArticleStock[];
  /** Articles with drift ≠ 0. */
  drifted: number;
  /** Articles with something in flight. */
  withInFlight: number;
  /** Articles with a difference open exceptions explain. */
  explainedByExceptions: number;
}

const keyOf = (d: { document: string; article: string }) => `${d.document}\u0000${d.article}`;

/**
 * What one flow has in flight: per document and article, what Ongoing did less what Multicase
 * booked. With `settledOnceBooked` (single-shot documents such as an adjustment), a document that
 * Multicase lists at all (booked, or handled with 0 booked) is done; what still differs is drift.
 */
export function inFlightOf(
  flow: string,
  ongoingDone: readonly DocumentQuantity[],
  multicaseBooked: readonly DocumentQuantity[],
  options: { settledOnceBooked?: boolean } = {},
): InFlight[] {
  const sums = new Map<string, InFlight>();
  const add = (d: DocumentQuantity, sign: 1 | -1) => {
    const k = keyOf(d);
    const entry = sums.get(k) ?? { flow, document: d.document, article: d.article, quantity: 0 };
    entry.quantity += sign * d.quantity;
    sums.set(k, entry);
  };
  for (const d of ongoingDone) add(d, 1);
  for (const d of multicaseBooked) add(d, -1);
  const booked = new Set(multicaseBooked.map((d) => d.document));
  return [...sums.values()]
    .filter((e) => !(options.settledOnceBooked && booked.has(e.document)))
    .map((e) => ({ ...e, quantity: roundQuantity(e.quantity) }))
    .filter((e) => e.quantity !== 0);
}

export function compareStock(
  ongoing: ReadonlyMap<string, number>,
  multicase: ReadonlyMap<string, number>,
  inFlight: readonly InFlight[],
  meta: { warehouse: string; checkedAt: number },
  explainedByExceptions: readonly Explained[] = [],
): StockReport {
  const byArticle = new Map<string, InFlight[]>();
  for (const f of inFlight) byArticle.set(f.article, [...(byArticle.get(f.article) ?? []), f]);
  const explained = new Map(explainedByExceptions.map((e) => [e.article, e]));
  const names = [...new Set([...ongoing.keys(), ...multicase.keys(), ...byArticle.keys(), ...explained.keys()])].sort();
  const articles: ArticleStock[] = [];
  for (const article of names) {
    const o = roundQuantity(ongoing.get(article) ?? 0);
    const m = roundQuantity(multicase.get(article) ?? 0);
    const docs = byArticle.get(article) ?? [];
    const f = roundQuantity(docs.reduce((s, d) => s + d.quantity, 0));
    const e = roundQuantity(explained.get(article)?.quantity ?? 0);
    if (o === 0 && m === 0 && f === 0 && e === 0) continue;
    articles.push({
      article,
      ongoing: o,
      multicase: m,
      inFlight: f,
      explained: e,
      exceptions: explained.get(article)?.exceptions ?? [],
      drift: roundQuantity(o - m - f - e),
      inFlightDocuments: docs.map(({ flow, document, quantity }) => ({ flow, document, quantity })),
    });
  }
  return {
    ...meta,
    articles,
    drifted: articles.filter((a) => a.drift !== 0).length,
    withInFlight: articles.filter((a) => a.inFlightDocuments.length > 0).length,
    explainedByExceptions: articles.filter((a) => a.explained !== 0).length,
  };
}

/** Drift per article, only where there is some. */
export function driftOf(report: StockReport): Map<string, number> {
  return new Map(report.articles.filter((a) => a.drift !== 0).map((a) => [a.article, a.drift]));
}

/** Two passes agree when they find the same drift on the same articles (then it is no race between reads). */
export function sameDrift(a: StockReport, b: StockReport): boolean {
  const da = driftOf(a);
  const db = driftOf(b);
  return da.size === db.size && [...da].every(([article, d]) => db.get(article) === d);
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The terminal form: a summary line, the articles that differ (every one with `all`), and what is in flight. */
export function formatStockReport(report: StockReport, options: { all?: boolean } = {}): string {
  const shown = report.articles.filter(
    (a) => options.all || a.drift !== 0 || a.inFlight !== 0 || a.inFlightDocuments.length > 0 || a.explained !== 0,
  );
  const head =
    `Stock of warehouse ${report.warehouse}, Ongoing against Multicase, at ${new Date(report.checkedAt).toISOString()}: ` +
    `${plural(report.articles.length, 'article')} compared, ${report.drifted} with drift, ${report.withInFlight} with events in flight, ` +
    `${report.explainedByExceptions} with a difference open exceptions explain.`;
  const lines = [head];
  if (shown.length > 0) {
    lines.push(
      '',
      textTable(
        ['article', 'ongoing', 'multicase', 'in flight', 'open exceptions', 'drift'],
        shown.map((a) => [
          a.article,
          a.ongoing,
          a.multicase,
          signed(a.inFlight),
          a.explained === 0 ? '0' : `${signed(a.explained)} (${a.exceptions.map((id) => `#${id}`).join(', ')})`,
          signed(a.drift),
        ]),
      ),
    );
  }
  const docs = shown.flatMap((a) =>
    a.inFlightDocuments.map((d) => [d.flow, d.document, a.article, signed(d.quantity)]),
  );
  if (docs.length > 0)
    lines.push(
      '',
      'In flight (done in Ongoing, not yet booked in Multicase):',
      textTable(['flow', 'document', 'article', 'quantity'], docs),
    );
  if (report.explainedByExceptions > 0)
    lines.push(
      '',
      'Open exceptions: stock the warehouse changed that Multicase could not book; npm run ops -- exceptions list says what to do.',
    );
  if (report.drifted > 0)
    lines.push(
      '',
      'Drift = ongoing − multicase − in flight − open exceptions: a change no flow explains. Count the article, then correct the system that is wrong.',
    );
  return lines.join('\n');
}

/** The `--json` form: the same report, times as ISO strings. */
export function stockReportJson(report: StockReport, options: { all?: boolean } = {}): string {
  const articles = report.articles.filter(
    (a) => options.all || a.drift !== 0 || a.inFlightDocuments.length > 0 || a.explained !== 0,
  );
  return JSON.stringify(
    {
      warehouse: report.warehouse,
      checkedAt: new Date(report.checkedAt).toISOString(),
      compared: report.articles.length,
      drifted: report.drifted,
      withInFlight: report.withInFlight,
      explainedByExceptions: report.explainedByExceptions,
      articles,
    },
    null,
    2,
  );
}
