/**
 * The generator loop: one action per tick at a steady pace, each planned from its own random
 * stream (actionRng(seed, index)) and what Multicase shows at that moment, then carried out and
 * counted. The command line around it (arguments, progress lines, summary) is main.ts.
 */
import type { Knex } from 'knex';
import type { OngoingApi } from '../../../connectors/ongoing/api/client.js';
import { errorClass, errorMessage } from '../../../runtime/errors.js';
import { createLogger, type Logger } from '../../../runtime/logger.js';
import type { SimulatorControl } from '../ongoing-simulator/control.js';
import { executePlan, ongoingLookup } from './execute.js';
import { ACTION_KINDS, DEFAULT_MIX, isOngoingAction, planNextAction, type ActionKind } from './plan.js';
import { actionRng, weighted } from './rng.js';
import { readWorld, type World } from './world.js';

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
    if (!(ACTION_KINDS as readonly string[]).includes(kind))
      throw new RangeError(`generator mix names an unknown action kind: ${kind}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
      throw new RangeError(`generator mix weight of ${kind} must be a number of at least 0, got ${String(weight)}`);
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
    const unconfirmed = world.products
      .filter((p) => p.id > productsBefore && !inOngoing.has(p.productNumber))
      .map((p) => p.productNumber);
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

  const byKind = Object.fromEntries(ACTION_KINDS.map((k) => [k, { done: 0, skipped: 0, failed: 0 }])) as Record<
    ActionKind,
    KindCount
  >;
  const summary: GeneratorSummary = {
    seed,
    actions: 0,
    done: 0,
    skipped: 0,
    failed: 0,
    byKind,
    elapsedMs: 0,
    stoppedBy: 'abort',
  };
  const record = (a: GeneratedAction) => {
    summary.actions += 1;
    summary[a.outcome] += 1;
    byKind[a.kind][a.outcome] += 1;
    if (a.outcome === 'failed')
      log.warn('generated action failed', { index: a.index, kind: a.kind, key: a.key, error: a.error });
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
    const finish = (
      kind: ActionKind,
      rest: Pick<GeneratedAction, 'outcome' | 'key' | 'detail' | 'error'>,
    ): GeneratedAction => {
      const a: GeneratedAction = {
        index,
        kind,
        side: isOngoingAction(kind) ? 'ongoing' : 'multicase',
        outcome: rest.outcome,
        at: new Date(t0),
        durationMs: Date.now() - t0,
      };
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
      const kind =
        weighted(
          rng,
          ACTION_KINDS.map((k) => [k, mix[k]] as const),
        ) ?? 'createProduct';
      return finish(kind, {
        outcome: 'failed',
        error: `reading the Multicase database: ${errorClass(err)}: ${errorMessage(err)}`,
      });
    }
    const plan = planNextAction(rng, world, mix);
    if ('skip' in plan) return finish(plan.kind, { outcome: 'skipped', detail: plan.skip });
    try {
      const result = await executePlan(deps, plan, rng, world);
      return finish(plan.kind, result);
    } catch (err) {
      const key = 'key' in plan ? plan.key : undefined;
      return finish(plan.kind, {
        outcome: 'failed',
        key,
        detail: 'detail' in plan ? plan.detail : undefined,
        error: `${errorClass(err)}: ${errorMessage(err)}`,
      });
    }
  };

  const interval = 1000 / opts.ratePerSecond;
  const started = Date.now();
  const deadline = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  let nextAt = started;
  log.info('generator started', {
    seed,
    ratePerSecond: opts.ratePerSecond,
    durationMs: opts.durationMs,
    maxActions: opts.maxActions,
  });
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
  log.info('generator stopped', {
    stoppedBy: summary.stoppedBy,
    actions: summary.actions,
    done: summary.done,
    skipped: summary.skipped,
    failed: summary.failed,
    elapsedMs: summary.elapsedMs,
  });
  return summary;
}
