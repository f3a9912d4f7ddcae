/**
 * The activity generator: drives realistic activity through both systems at a chosen pace,
 * reproducibly from a seed. On the Multicase side it acts as the shop's users (products, purchase
 * orders, customer orders sent to the warehouse, returns); on the Ongoing side as the warehouse
 * staff (receiving, picking with discrepancies, shipping with tracking, taking returns back,
 * stock corrections), but only on what already reached Ongoing, so it works with or without the
 * pipeline running: warehouse actions are simply skipped until there is something to work on.
 *
 * Every choice comes from a seeded PRNG (one stream per action, see generator/rng.ts) applied to
 * what the Multicase database shows, so the same seed on the same data gives the same actions.
 *
 *   node dist/infra/generator.js [--seed N] [--rate R] [--duration S] [--max N]
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { OngoingApi, ongoingApiSettings } from '../../../connectors/ongoing/api/client.js';
import { loadConfig, setting } from '../../../runtime/config.js';
import { errorClass, errorMessage } from '../../../runtime/errors.js';
import { createLogger, type Logger } from '../../../runtime/logger.js';
import { executePlan, ongoingLookup } from './execute.js';
import { ACTION_KINDS, DEFAULT_MIX, isOngoingAction, planNextAction, type ActionKind } from './plan.js';
import { actionRng, weighted } from './rng.js';
import { readWorld, type World } from './world.js';
import { connectMulticase, multicaseDbSettings } from '../multicase-db/db.js';
import { SimulatorControl } from '../ongoing-simulator/control.js';

export { ACTION_KINDS, DEFAULT_MIX, MULTICASE_ACTION_KINDS, ONGOING_ACTION_KINDS, SAFETY_STOCK, isOngoingAction, planNextAction } from './plan.js';
export type { ActionKind, NothingToDo, PlannedAction } from './plan.js';
export { actionRng, mulberry32, type Rng } from './rng.js';
export { GENERATOR_WAREHOUSE, readWorld, type World } from './world.js';

export interface GeneratorOptions {
  seed: number;
  /** Steady pace: one action every 1/ratePerSecond seconds (skipped ones included). */
  ratePerSecond: number;
  durationMs?: number;
  maxActions?: number;
  /** Relative weights; kinds not named keep their DEFAULT_MIX weight, 0 turns a kind off. */
  mix?: Partial<Record<ActionKind, number>>;
  signal?: AbortSignal;
  onAction?: (a: GeneratedAction) => void;
}

export interface GeneratorDeps {
  db: Knex;
  control: SimulatorControl;
  api: OngoingApi;
  log?: Logger;
}

export interface GeneratedAction {
  /** Position in the run, from 0. */
  index: number;
  kind: ActionKind;
  side: 'multicase' | 'ongoing';
  /** skipped: nothing eligible yet (e.g. nothing has reached Ongoing); failed: the action threw. */
  outcome: 'done' | 'skipped' | 'failed';
  /** Business key acted on: product, purchase order, order (or Ongoing order), return number. */
  key?: string;
  detail?: string;
  error?: string;
  at: Date;
  durationMs: number;
}

export interface KindCount {
  done: number;
  skipped: number;
  failed: number;
}

export interface GeneratorSummary {
  seed: number;
  actions: number;
  done: number;
  skipped: number;
  failed: number;
  byKind: Record<ActionKind, KindCount>;
  elapsedMs: number;
  stoppedBy: 'maxActions' | 'duration' | 'abort';
}

/** New products go on documents once Ongoing has their article; looked up at most this often. */
const ARTICLE_CHECK_INTERVAL_MS = 2_000;

function resolveMix(mix: GeneratorOptions['mix']): Record<ActionKind, number> {
  const out = { ...DEFAULT_MIX };
  for (const [kind, weight] of Object.entries(mix ?? {})) {
    if (!(ACTION_KINDS as readonly string[]).includes(kind)) throw new RangeError(`generator mix names an unknown action kind: ${kind}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new RangeError(`generator mix weight of ${kind} must be a number of at least 0, got ${String(weight)}`);
    out[kind as ActionKind] = weight;
  }
  if (!ACTION_KINDS.some((k) => out[k] > 0)) throw new RangeError('generator mix turns every action kind off');
  return out;
}

/** Resolves after `ms`, or early (false) when the signal aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function runGenerator(deps: GeneratorDeps, opts: GeneratorOptions): Promise<GeneratorSummary> {
  if (!Number.isInteger(opts.seed)) throw new RangeError(`generator seed must be an integer, got ${String(opts.seed)}`);
  if (typeof opts.ratePerSecond !== 'number' || !Number.isFinite(opts.ratePerSecond) || opts.ratePerSecond <= 0)
    throw new RangeError(`generator ratePerSecond must be a number above 0, got ${String(opts.ratePerSecond)}`);
  const mix = resolveMix(opts.mix);
  const seed = opts.seed >>> 0;
  const log = (deps.log ?? createLogger()).child({ component: 'generator' });
  const { db, api } = deps;

  // Products that exist before the run may go on documents at once; newer ones once Ongoing has them.
  const maxRow = (await db('multicase.products').max('id as id').first()) as { id: number | null } | undefined;
  const productsBefore = Number(maxRow?.id ?? 0);
  const inOngoing = new Set<string>();
  let lastArticleCheck = 0;
  const markUsable = async (world: World) => {
    const unconfirmed = world.products.filter((p) => p.id > productsBefore && !inOngoing.has(p.productNumber)).map((p) => p.productNumber);
    if (unconfirmed.length > 0 && Date.now() - lastArticleCheck >= ARTICLE_CHECK_INTERVAL_MS) {
      lastArticleCheck = Date.now();
      try {
        const found = await ongoingLookup(() => api.getArticles({ articleNumbers: unconfirmed.slice(-100) }), 1);
        for (const a of found) inOngoing.add(a.articleNumber);
      } catch (err) {
        log.debug('could not look up new articles in Ongoing', { error: errorMessage(err) });
      }
    }
    for (const p of world.products) p.usable = p.id <= productsBefore || inOngoing.has(p.productNumber);
  };

  const byKind = Object.fromEntries(ACTION_KINDS.map((k) => [k, { done: 0, skipped: 0, failed: 0 }])) as Record<ActionKind, KindCount>;
  const summary: GeneratorSummary = { seed, actions: 0, done: 0, skipped: 0, failed: 0, byKind, elapsedMs: 0, stoppedBy: 'abort' };
  const record = (a: GeneratedAction) => {
    summary.actions += 1;
    summary[a.outcome] += 1;
    byKind[a.kind][a.outcome] += 1;
    if (a.outcome === 'failed') log.warn('generated action failed', { index: a.index, kind: a.kind, key: a.key, error: a.error });
    else log.debug(`generated action ${a.outcome}`, { index: a.index, kind: a.kind, key: a.key, detail: a.detail });
    try {
      opts.onAction?.(a);
    } catch (err) {
      log.warn('onAction callback threw', { error: errorMessage(err) });
    }
  };

  const step = async (index: number): Promise<GeneratedAction> => {
    const rng = actionRng(seed, index);
    const t0 = Date.now();
    const finish = (kind: ActionKind, rest: Pick<GeneratedAction, 'outcome' | 'key' | 'detail' | 'error'>): GeneratedAction => {
      const a: GeneratedAction = { index, kind, side: isOngoingAction(kind) ? 'ongoing' : 'multicase', outcome: rest.outcome, at: new Date(t0), durationMs: Date.now() - t0 };
      if (rest.key !== undefined) a.key = rest.key;
      if (rest.detail !== undefined) a.detail = rest.detail;
      if (rest.error !== undefined) a.error = rest.error;
      return a;
    };
    let world: World;
    try {
      world = await readWorld(db);
      await markUsable(world);
    } catch (err) {
      const kind = weighted(rng, ACTION_KINDS.map((k) => [k, mix[k]] as const)) ?? 'createProduct';
      return finish(kind, { outcome: 'failed', error: `reading the Multicase database: ${errorClass(err)}: ${errorMessage(err)}` });
    }
    const plan = planNextAction(rng, world, mix);
    if ('skip' in plan) return finish(plan.kind, { outcome: 'skipped', detail: plan.skip });
    try {
      const result = await executePlan(deps, plan, rng, world);
      return finish(plan.kind, result);
    } catch (err) {
      const key = 'key' in plan ? plan.key : undefined;
      return finish(plan.kind, { outcome: 'failed', key, detail: 'detail' in plan ? plan.detail : undefined, error: `${errorClass(err)}: ${errorMessage(err)}` });
    }
  };

  const interval = 1000 / opts.ratePerSecond;
  const started = Date.now();
  const deadline = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  let nextAt = started;
  log.info('generator started', { seed, ratePerSecond: opts.ratePerSecond, durationMs: opts.durationMs, maxActions: opts.maxActions });
  for (let index = 0; ; index++) {
    if (opts.signal?.aborted) {
      summary.stoppedBy = 'abort';
      break;
    }
    if (opts.maxActions !== undefined && index >= opts.maxActions) {
      summary.stoppedBy = 'maxActions';
      break;
    }
    if (nextAt >= deadline || Date.now() >= deadline) {
      summary.stoppedBy = 'duration';
      break;
    }
    if (!(await pause(nextAt - Date.now(), opts.signal))) {
      summary.stoppedBy = 'abort';
      break;
    }
    // A steady pace; after a stall (slow database, long action) carry on without a burst.
    nextAt = Math.max(nextAt + interval, Date.now() - interval);
    record(await step(index));
  }
  summary.elapsedMs = Date.now() - started;
  log.info('generator stopped', { stoppedBy: summary.stoppedBy, actions: summary.actions, done: summary.done, skipped: summary.skipped, failed: summary.failed, elapsedMs: summary.elapsedMs });
  return summary;
}

// ---------------------------------------------------------------------------------------------
// CLI

export const generatorSettings = {
  ...multicaseDbSettings,
  ...ongoingApiSettings,
  controlUrl: setting.url('ONGOING_SIM_CONTROL_URL', {
    description: "the Ongoing simulator's warehouse-operator control path (the generator plays the warehouse staff through it)",
    default: 'http://127.0.0.1:8090/demo/sim',
  }),
};

const USAGE = `usage: node dist/infra/generator.js [--seed N] [--rate R] [--duration S] [--max N]

  --seed N       PRNG seed (default: random, printed); the same seed on the same data replays the same actions
  --rate R       actions per second (default 2)
  --duration S   stop after S seconds (default: until Ctrl-C)
  --max N        stop after N actions

settings: MULTICASE_DATABASE_URL, ONGOING_API_BASE_URL, ONGOING_API_USERNAME, ONGOING_API_PASSWORD,
ONGOING_GOODS_OWNER_ID, ONGOING_API_TIMEOUT_MS, ONGOING_SIM_CONTROL_URL`;

export interface GeneratorCliArgs {
  seed?: number;
  rate: number;
  durationMs?: number;
  maxActions?: number;
  help: boolean;
}

export function parseGeneratorArgs(argv: string[]): GeneratorCliArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { seed: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, max: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const num = (name: string, raw: string | undefined, check: (n: number) => boolean, expected: string): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new RangeError(`--${name} must be ${expected}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const duration = num('duration', values.duration, (n) => n > 0, 'a number of seconds above 0');
  const args: GeneratorCliArgs = { rate: num('rate', values.rate, (n) => n > 0, 'a number above 0') ?? 2, help: values.help ?? false };
  const seed = num('seed', values.seed, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'a whole number from 0 to 4294967295');
  const max = num('max', values.max, (n) => Number.isInteger(n) && n > 0, 'a whole number above 0');
  if (seed !== undefined) args.seed = seed;
  if (duration !== undefined) args.durationMs = Math.round(duration * 1000);
  if (max !== undefined) args.maxActions = max;
  return args;
}

function countsLine(s: Pick<GeneratorSummary, 'actions' | 'done' | 'skipped' | 'failed'>): string {
  return `${s.actions} actions (${s.done} done, ${s.skipped} skipped, ${s.failed} failed)`;
}

export function formatSummary(summary: GeneratorSummary): string {
  const rows = ACTION_KINDS.filter((k) => summary.byKind[k].done + summary.byKind[k].skipped + summary.byKind[k].failed > 0).map(
    (k) => `  ${k.padEnd(22)} ${String(summary.byKind[k].done).padStart(6)} ${String(summary.byKind[k].skipped).padStart(8)} ${String(summary.byKind[k].failed).padStart(7)}`,
  );
  return [
    `generator stopped (${summary.stoppedBy}) after ${(summary.elapsedMs / 1000).toFixed(1)} s: ${countsLine(summary)}, seed ${summary.seed}`,
    `  ${'kind'.padEnd(22)} ${'done'.padStart(6)} ${'skipped'.padStart(8)} ${'failed'.padStart(7)}`,
    ...rows,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  let args: GeneratorCliArgs;
  try {
    args = parseGeneratorArgs(argv);
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig(generatorSettings);
  const log = createLogger({ process: 'generator' });
  const db = connectMulticase(config.url, { poolMax: 4 });
  const api = new OngoingApi({ baseUrl: config.baseUrl, username: config.username, password: config.password, goodsOwnerId: config.goodsOwnerId, timeoutMs: config.timeoutMs });
  const control = new SimulatorControl(config.controlUrl);
  const seed = args.seed ?? Math.floor(Math.random() * 0x1_0000_0000);

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    process.stdout.write(`\n${signal}: stopping after the current action (again to quit at once)…\n`);
    abort.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const until = [args.durationMs !== undefined ? `${args.durationMs / 1000} s` : undefined, args.maxActions !== undefined ? `${args.maxActions} actions` : undefined].filter(Boolean).join(' or ') || 'Ctrl-C';
  process.stdout.write(`generator: seed ${seed}, ${args.rate} actions/s, until ${until}\n`);
  const counts = { actions: 0, done: 0, skipped: 0, failed: 0 };
  let last: GeneratedAction | undefined;
  const started = Date.now();
  const progress = setInterval(() => {
    const lastText = last
      ? ` · last: ${[last.kind, last.key, last.outcome === 'done' ? last.detail : `(${last.outcome}${last.detail ? `: ${last.detail}` : ''}${last.error ? `: ${last.error}` : ''})`].filter(Boolean).join(' ')}`
      : '';
    process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${countsLine(counts)}${lastText}\n`);
  }, 5_000);
  try {
    const summary = await runGenerator(
      { db, control, api, log },
      {
        seed,
        ratePerSecond: args.rate,
        signal: abort.signal,
        ...(args.durationMs !== undefined ? { durationMs: args.durationMs } : {}),
        ...(args.maxActions !== undefined ? { maxActions: args.maxActions } : {}),
        onAction: (a) => {
          counts.actions += 1;
          counts[a.outcome] += 1;
          last = a;
        },
      },
    );
    process.stdout.write(`${formatSummary(summary)}\n`);
  } finally {
    clearInterval(progress);
    await db.destroy();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`generator failed: ${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}
