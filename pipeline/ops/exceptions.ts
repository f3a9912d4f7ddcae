/**
 * `ops exceptions list|resolve` and the exceptions part of `ops status`: the integration
 * exceptions open in Multicase (what the warehouse did that Multicase's model could not reconcile,
 * booked anyway), and marking one resolved once a person has dealt with it in Multicase.
 */
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import {
  EXCEPTION_KINDS,
  openExceptions,
  resolveException,
  type ExceptionKind,
  type IntegrationException,
} from '../../connectors/multicase/adapter/exceptions.js';
import { OpsError } from './errors.js';
import { isoTime, plural, textTable } from './format.js';

/** The open exceptions (the most recent of them), or why they could not be read. */
export type ExceptionReport =
  | {
      measured: true;
      open: number;
      byKind: Partial<Record<ExceptionKind, number>>;
      recent: IntegrationException[];
    }
  | { measured: false; problem: string };

const ageOf = (createdAt: number, now: number): string => {
  const minutes = Math.max(0, Math.round((now - createdAt) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
};

const documentOf = (e: IntegrationException) => `${e.documentType.replace(/_/g, ' ')} ${e.documentNumber}`;

/** The table of exceptions: id, kind, document, article, quantities, age, reason. */
export function exceptionTable(list: readonly IntegrationException[], now = Date.now()): string {
  return textTable(
    ['id', 'kind', 'document', 'article', 'expected', 'reported', 'booked', 'age', 'reason'],
    list.map((e) => [
      e.id,
      e.kind,
      documentOf(e),
      e.productNumber,
      e.expected,
      e.reported,
      e.booked,
      e.status === 'open' ? ageOf(e.createdAt, now) : `resolved ${isoTime(e.resolvedAt)}`,
      e.reason,
    ]),
  );
}

export function formatOpenExceptions(r: ExceptionReport, now = Date.now()): string[] {
  const title =
    'Integration exceptions (booked as the warehouse reported, for a person to resolve in Multicase; then: npm run ops -- exceptions resolve <id> --note …)';
  if (!r.measured) return [title, `unknown; ${r.problem}`];
  if (r.open === 0) return [title, 'none open'];
  const kinds = Object.entries(r.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return [
    title,
    exceptionTable(r.recent, now),
    r.open > r.recent.length
      ? `(${r.open} open: ${kinds}; the ${r.recent.length} most recent shown)`
      : `${plural(r.open, 'open exception')}: ${kinds}`,
  ];
}

export async function listExceptions(
  db: MulticaseDb,
  options: { kind?: string; limit?: number } = {},
): Promise<string> {
  if (options.kind !== undefined && !Object.hasOwn(EXCEPTION_KINDS, options.kind))
    throw new OpsError(
      `--kind ${options.kind} is not a kind of exception (${Object.keys(EXCEPTION_KINDS).join(', ')})`,
    );
  const report = await openExceptions(db, {
    limit: options.limit ?? 50,
    ...(options.kind ? { kind: options.kind as ExceptionKind } : {}),
  });
  return formatOpenExceptions({ measured: true, ...report }).join('\n');
}

/** Marks exception `id` resolved by `by` with `note`; refuses an unknown id. */
export async function resolveExceptionCommand(db: MulticaseDb, id: number, by: string, note: string): Promise<string> {
  if (note.trim() === '') throw new OpsError('--note must say what was done about the exception');
  const r = await resolveException(db, id, by, note.trim());
  if (r.outcome === 'unknown') throw new OpsError(`there is no integration exception ${id}`);
  const e = r.exception;
  return r.outcome === 'resolved'
    ? `Exception ${id} (${e.kind}, ${documentOf(e)}) resolved by ${by}: ${e.resolutionNote}`
    : `Exception ${id} was already resolved by ${e.resolvedBy} at ${isoTime(e.resolvedAt)}: ${e.resolutionNote}`;
}
