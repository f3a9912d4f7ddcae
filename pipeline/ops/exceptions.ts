/**
 * `ops exceptions list|resolve` and the exceptions part of `ops status`: the integration
 * exceptions open in Multicase (what the warehouse did that Multicase's model could not reconcile,
 * booked anyway), and marking one resolved once a person has dealt with it in Multicase.
 */
import { userInfo } from 'node:os';
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import {
  EXCEPTION_KINDS,
  openExceptions,
  resolveException,
  type ExceptionKind,
  type IntegrationException,
} from '../../connectors/multicase/adapter/exceptions.js';
import { integerOption, parseOptions, required } from './args.js';
import type { OpsIo } from './cli.js';
import { OpsError, UsageError } from './errors.js';
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

/** Who resolves, when --by is not given: the user running the command. */
function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'ops';
  }
}

/** `exceptions list [--kind K] [--limit N]` and `exceptions resolve <id> --note … [--by NAME]`. */
export async function exceptionsCommand(args: string[], io: Pick<OpsIo, 'multicaseDb'>): Promise<string> {
  const [sub, ...rest] = args;
  if (!io.multicaseDb) throw new UsageError('exceptions: needs the Multicase database');
  if (sub === 'list') {
    const o = parseOptions('exceptions list', rest, { kind: 'string', limit: 'string' });
    const limit = o.limit === undefined ? undefined : Number(integerOption('exceptions list', 'limit', o.limit, 1));
    return listExceptions(io.multicaseDb(), {
      ...(o.kind !== undefined ? { kind: o.kind } : {}),
      ...(limit !== undefined ? { limit } : {}),
    });
  }
  if (sub === 'resolve') {
    const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
    const options = positional === undefined ? rest : rest.slice(1);
    const o = parseOptions('exceptions resolve', options, { id: 'string', note: 'string', by: 'string' });
    const raw = required('exceptions resolve', 'id', positional ?? o.id);
    const id = Number(integerOption('exceptions resolve', 'id', raw, 1));
    const note = required('exceptions resolve', 'note', o.note);
    return resolveExceptionCommand(io.multicaseDb(), id, o.by ?? currentUser(), note);
  }
  throw new UsageError(
    sub === undefined
      ? 'exceptions: give a subcommand: list or resolve'
      : `exceptions: unknown subcommand "${sub}"; use list or resolve`,
  );
}
