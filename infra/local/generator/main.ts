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
import { OngoingApi, ongoingApiSettings } from '../../../connectors/ongoing/api/client.js';
import { loadConfig, setting } from '../../../runtime/config.js';
import { errorMessage } from '../../../runtime/errors.js';
import { createLogger } from '../../../runtime/logger.js';
import { ACTION_KINDS } from './plan.js';
import { runGenerator, type GeneratedAction, type GeneratorSummary } from './runner.js';
import { connectMulticase, multicaseDbSettings } from '../multicase-db/db.js';
import { SimulatorControl } from '../ongoing-simulator/control.js';

export {
  ACTION_KINDS,
  DEFAULT_MIX,
  MULTICASE_ACTION_KINDS,
  ONGOING_ACTION_KINDS,
  SAFETY_STOCK,
  isOngoingAction,
  planNextAction,
} from './plan.js';
export type { ActionKind, NothingToDo, PlannedAction } from './plan.js';
export { actionRng, mulberry32, type Rng } from './rng.js';
export { GENERATOR_WAREHOUSE, readWorld, type World } from './world.js';
export {
  runGenerator,
  type GeneratedAction,
  type GeneratorDeps,
  type GeneratorOptions,
  type GeneratorSummary,
  type KindCount,
} from './runner.js';

// ---------------------------------------------------------------------------------------------
// CLI

export const generatorSettings = {
  ...multicaseDbSettings,
  ...ongoingApiSettings,
  controlUrl: setting.url('ONGOING_SIM_CONTROL_URL', {
    description:
      "the Ongoing simulator's warehouse-operator control path (the generator plays the warehouse staff through it)",
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
    options: {
      seed: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      max: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const num = (
    name: string,
    raw: string | undefined,
    check: (n: number) => boolean,
    expected: string,
  ): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
      throw new RangeError(`--${name} must be ${expected}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const duration = num('duration', values.duration, (n) => n > 0, 'a number of seconds above 0');
  const args: GeneratorCliArgs = {
    rate: num('rate', values.rate, (n) => n > 0, 'a number above 0') ?? 2,
    help: values.help ?? false,
  };
  const seed = num(
    'seed',
    values.seed,
    (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
    'a whole number from 0 to 4294967295',
  );
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
  const rows = ACTION_KINDS.filter(
    (k) => summary.byKind[k].done + summary.byKind[k].skipped + summary.byKind[k].failed > 0,
  ).map(
    (k) =>
      `  ${k.padEnd(22)} ${String(summary.byKind[k].done).padStart(6)} ${String(summary.byKind[k].skipped).padStart(8)} ${String(summary.byKind[k].failed).padStart(7)}`,
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
  // A local tool: it talks to the simulator as its default user unless told otherwise.
  const config = loadConfig(generatorSettings, { ONGOING_API_PASSWORD: 'secret', ...process.env });
  const log = createLogger({ process: 'generator' });
  const db = connectMulticase(config.url, { poolMax: 4 });
  const api = new OngoingApi({
    baseUrl: config.baseUrl,
    username: config.username,
    password: config.password ?? 'secret',
    goodsOwnerId: config.goodsOwnerId,
    timeoutMs: config.timeoutMs,
  });
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

  const until =
    [
      args.durationMs !== undefined ? `${args.durationMs / 1000} s` : undefined,
      args.maxActions !== undefined ? `${args.maxActions} actions` : undefined,
    ]
      .filter(Boolean)
      .join(' or ') || 'Ctrl-C';
  process.stdout.write(`generator: seed ${seed}, ${args.rate} actions/s, until ${until}\n`);
  const counts = { actions: 0, done: 0, skipped: 0, failed: 0 };
  let last: GeneratedAction | undefined;
  const started = Date.now();
  const progress = setInterval(() => {
    const lastText = last
      ? ` · last: ${[last.kind, last.key, last.outcome === 'done' ? last.detail : `(${last.outcome}${last.detail ? `: ${last.detail}` : ''}${last.error ? `: ${last.error}` : ''})`].filter(Boolean).join(' ')}`
      : '';
    process.stdout.write(
      `[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${countsLine(counts)}${lastText}\n`,
    );
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
