/**
 * The operations CLI: `npm run ops -- <command>`. This file only parses the command line and
 * prints; what each command does lives in `pipeline/ops/<command>.ts` as functions over a Runtime.
 */
import type { Knex } from 'knex';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../runtime/config.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';
import { integerOption, parseOptions, required, timeOption } from './args.js';
import { configMarkdown } from './config.js';
import { formatDeadLetters, formatRetry, listDeadLetters, retryDeadLetters } from './dlq.js';
import { OpsError, UsageError } from './errors.js';
import { followReplay, formatReplay, replay, type ReplayTarget } from './replay.js';
import { progressReporter, silentProgress, type ProgressReporter } from './progress.js';
import { resnapshotCommand } from './resnapshot.js';
import { formatSetup, runSetup } from './setup.js';
import {
  deleteShippingMethod,
  formatShippingMethods,
  listShippingMethods,
  setShippingMethod,
  type ShippingMethodChanges,
} from './shipping-map.js';
import { collectStatus, formatStatus } from './status.js';
import { checkShippingMap, formatMapCheck, mappingProblems, ongoingCodes } from './shipping-map-check.js';
import { flowsMarkdown, flowsText } from './flows.js';
import { connectMulticase, multicaseConnectionFrom } from '../../connectors/multicase/database.js';
import { OngoingApi, ongoingApiSettings, ongoingPassword } from '../../connectors/ongoing/api/client.js';
import { reconcileStock } from './reconcile.js';
import { warehouseSettings } from '../settings.js';
import { describeConsole, startStandaloneConsole, untilSignal } from '../console/standalone.js';
import { formatStockReport, stockReportJson } from './reconcile-diff.js';
import { multicaseCommand } from './multicase.js';
import { exceptionsCommand } from './exceptions.js';

export const USAGE = `Usage: npm run ops -- <command> [options]

Commands:
  flows [--markdown]
      The eight flows: for each, the file that reads the source system, the mapping, the sink
      and the topics between them.
  setup
      Create the missing topics and register every value schema (BACKWARD compatibility).
      Safe to run again: existing topics and schemas are left as they are.
  config
      Print every configuration variable (default, description; secrets marked) as a Markdown table.
  status
      Lag of every pipeline consumer group per partition, source positions, dead letters per topic,
      the open integration exceptions.
  exceptions list [--kind K] [--limit N] | exceptions resolve <id> --note TEXT [--by NAME]
      The integration exceptions open in Multicase (booked as the warehouse reported, for a person);
      resolve marks one dealt with, the note goes into its documents' history (--by: default you).
  replay --group G --topic T (--to-earliest | --to-time ISO | --to-offset N) [--partition P] [--dry-run] [--follow]
      Move group G's committed offsets on T back (or forward), e.g. to resync after an outage.
      The stage re-reads from there; re-processing is safe, every command is idempotent.
      Stop the pipeline role that runs G first: Kafka only moves offsets of a group without members.
      --to-offset is limited to each partition's earliest..end offset. --follow then shows how far
      the group has read again (start the role meanwhile), with rate and time left.
  resnapshot --source S [--no-wait] [--pickup-timeout-ms N]
      Ask the running source S (e.g. multicase.products) to send every row it holds again, in
      chunks between its change reads (Debezium's incremental snapshot); the Ongoing sink writes
      them even if unchanged. How to refill a restored Ongoing. Follows its progress unless --no-wait.
  dlq list [--topic dlq.T] [--from-offset N] [--limit N]
      Show dead letters (default: every dlq.* topic holding letters, the first 50 of each):
      key, original topic/partition@offset, stage, error, attempts, first failure, message.
  dlq retry --topic dlq.T [--from-offset N] [--key K] [--limit N] [--dry-run]
      Re-publish dead letters to their original topic (dlq.original.topic): the original key,
      value bytes and headers, without the dlq.* headers. The dead-letter topic is not changed,
      so retry prints the --from-offset to use next time; pass it to never retry a letter twice.
      Source rows that never became events (JSON) are skipped: fix them in the source system.
  shipping-map list
      Show how Multicase shipping methods (FreightID) map to Ongoing way of delivery/transporter.
  shipping-map set --id N [--code C] [--way-of-delivery CODE] [--way-of-delivery-name NAME]
                   [--transporter CODE] [--service CODE] [--skip-check]
      Add or change the mapping of FreightID N. Options not given keep their value; "" clears one.
      The codes are checked against Ongoing's ways of delivery and transporter contracts first
      (--skip-check when Ongoing cannot be reached). Held picking lists go out once mapped.
  shipping-map check
      Active Multicase freight methods without a mapping, and mappings naming codes Ongoing lacks.
  shipping-map delete --id N
      Remove the mapping of FreightID N (a tombstone on the compacted topic).
  reconcile [--json] [--all]
      Ongoing's stock per article against Multicase's on-hand stock in the warehouse Ongoing runs
      (MULTICASE_ONGOING_WAREHOUSE). What Ongoing has done and Multicase has not booked yet
      (receipts, picks, returns, adjustments, compared by document) is shown as in flight, not as
      drift. Lists the articles that differ (--all: every article). The pipeline runs the same
      check on a schedule (RECONCILE_INTERVAL_MS) and sets pipeline_stock_drift_items. Exit code 0 when there is no drift, 3 when there is (1 failed, 2 bad usage), for cron and CI.
  multicase install-change-tracking [--dry-run]
      Install in the Multicase database (MULTICASE_DATABASE_URL) the change tracking the sources
      read (columns, triggers, NOTIFY of connectors/multicase/install.ts) and nothing else; what is
      there already is left alone, so it is safe to run again. --dry-run prints the SQL instead.
  multicase grants [--database NAME] [--source-user NAME] [--sink-user NAME] [--ops-user NAME]
      Print the GRANT statements, per database user and table, that give the pipeline what it needs
      in the Multicase database and nothing more: one user for source-multicase, one for
      sink-multicase, one for the console and ops commands (default names multicase_pipeline_source,
      …_sink, …_ops; the database from MULTICASE_DATABASE_URL). Connects to nothing.
  console
      The browser console on CONSOLE_PORT (default 8088): the flows with live figures, what needs
      a person (held picking lists, dead letters, paused stages, stock drift) and the shipping-method
      map editor. Read-only unless CONSOLE_WRITE=true, which needs CONSOLE_TOKEN. Figures come from
      the pipeline's /metrics URLs in CONSOLE_METRICS_URLS. Runs until Ctrl-C.
  help
      Show this text.

Connection settings come from the environment (KAFKA_BROKERS, KAFKA_NAMESPACE,
SCHEMA_REGISTRY_URL, …; see \`npm run ops -- config\`). LOG_LEVEL=info shows client logs.
`;

export interface OpsIo {
  out(text: string): void;
  err(text: string): void;
  /** The runtime to work with; only called by commands that talk to Kafka or the registry. */
  runtime(): Runtime;
  /** Ongoing's API, for commands that check against it. */
  ongoing?(): OngoingApi;
  /** The Multicase database, for commands that read it. */
  multicaseDb?(): Knex;
  /** A progress bar on stderr for a long operation. */
  progress?(label: string): ProgressReporter;
}

/** What a command prints, and the exit code when it is not 0 (e.g. `reconcile` found drift). */
type Command = (args: string[], io: OpsIo) => Promise<string | { text: string; exitCode: number }>;

/** `ops reconcile` exits with this when it finds drift: not a failure of the command (1) nor bad usage (2). */
export const DRIFT_EXIT_CODE = 3;

const optionalInt = (command: string, name: string, raw: string | undefined, min = 0) =>
  raw === undefined ? undefined : integerOption(command, name, raw, min);
const emptyToNull = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? null : v);

function replayTarget(o: { 'to-earliest'?: boolean; 'to-time'?: string; 'to-offset'?: string }): ReplayTarget {
  const given = [
    o['to-earliest'] ? '--to-earliest' : '',
    o['to-time'] !== undefined ? '--to-time' : '',
    o['to-offset'] !== undefined ? '--to-offset' : '',
  ].filter(Boolean);
  if (given.length !== 1)
    throw new UsageError(
      `replay: give exactly one of --to-earliest, --to-time ISO, --to-offset N${given.length ? ` (got ${given.join(' and ')})` : ''}`,
    );
  if (o['to-time'] !== undefined) return { kind: 'time', timestampMs: timeOption('replay', 'to-time', o['to-time']) };
  if (o['to-offset'] !== undefined)
    return { kind: 'offset', offset: integerOption('replay', 'to-offset', o['to-offset']) };
  return { kind: 'earliest' };
}

function shippingId(command: string, raw: string | undefined): number {
  const id = integerOption(command, 'id', required(command, 'id', raw), 1);
  if (id > 2_147_483_647n) throw new UsageError(`${command}: --id ${raw} is larger than a Multicase FreightID can be`);
  return Number(id);
}

const commands: Record<string, Command> = {
  async flows(args) {
    const o = parseOptions('flows', args, { markdown: 'boolean' });
    return o.markdown ? flowsMarkdown() : flowsText();
  },
  async setup(args, io) {
    parseOptions('setup', args, {});
    return formatSetup(
      await runSetup(io.runtime(), { goodsOwnerId: loadConfig({ id: ongoingApiSettings.goodsOwnerId }).id }),
    );
  },
  async config(args) {
    parseOptions('config', args, {});
    return configMarkdown();
  },
  async status(args, io) {
    parseOptions('status', args, {});
    return formatStatus(await collectStatus(io.runtime()));
  },
  async replay(args, io) {
    const o = parseOptions('replay', args, {
      group: 'string',
      topic: 'string',
      'to-earliest': 'boolean',
      'to-time': 'string',
      'to-offset': 'string',
      partition: 'string',
      'dry-run': 'boolean',
      follow: 'boolean',
    });
    const group = required('replay', 'group', o.group);
    const topic = required('replay', 'topic', o.topic);
    const target = replayTarget(o);
    const partition = optionalInt('replay', 'partition', o.partition);
    const result = await replay(io.runtime(), {
      group,
      topic,
      target,
      ...(partition !== undefined ? { partition: Number(partition) } : {}),
      dryRun: o['dry-run'] ?? false,
    });
    if (!o.follow || !result.applied) return formatReplay(result);
    io.out(formatReplay(result));
    const progress = io.progress?.(`replay ${group}`);
    const followed = await followReplay(io.runtime(), result, progress ?? silentProgress);
    progress?.finish();
    return `Group ${group} has read ${followed.done} of the ${followed.total} records again.`;
  },
  async dlq(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') {
      const o = parseOptions('dlq list', rest, { topic: 'string', 'from-offset': 'string', limit: 'string' });
      const fromOffset = optionalInt('dlq list', 'from-offset', o['from-offset']);
      const limit = optionalInt('dlq list', 'limit', o.limit, 1);
      const pages = await listDeadLetters(io.runtime(), {
        ...(o.topic !== undefined ? { topic: o.topic } : {}),
        ...(fromOffset !== undefined ? { fromOffset } : {}),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
      });
      return formatDeadLetters(pages);
    }
    if (sub === 'retry') {
      const o = parseOptions('dlq retry', rest, {
        topic: 'string',
        key: 'string',
        'from-offset': 'string',
        limit: 'string',
        'dry-run': 'boolean',
      });
      const topic = required('dlq retry', 'topic', o.topic);
      const fromOffset = optionalInt('dlq retry', 'from-offset', o['from-offset']);
      const limit = optionalInt('dlq retry', 'limit', o.limit, 1);
      const result = await retryDeadLetters(io.runtime(), {
        topic,
        ...(o.key !== undefined ? { key: o.key } : {}),
        ...(fromOffset !== undefined ? { fromOffset } : {}),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
        dryRun: o['dry-run'] ?? false,
        ...(io.progress && !o['dry-run'] ? { progress: io.progress('dlq retry') } : {}),
      });
      return formatRetry(result);
    }
    throw new UsageError(
      sub === undefined
        ? 'dlq: give a subcommand: list or retry'
        : `dlq: unknown subcommand "${sub}"; use list or retry`,
    );
  },
  async 'shipping-map'(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') {
      parseOptions('shipping-map list', rest, {});
      return formatShippingMethods(await listShippingMethods(io.runtime()));
    }
    if (sub === 'set') {
      const o = parseOptions('shipping-map set', rest, {
        id: 'string',
        code: 'string',
        'way-of-delivery': 'string',
        'way-of-delivery-name': 'string',
        transporter: 'string',
        service: 'string',
        'skip-check': 'boolean',
      });
      const id = shippingId('shipping-map set', o.id);
      const changes: ShippingMethodChanges = {
        shippingMethodCode: emptyToNull(o.code),
        wayOfDeliveryCode: emptyToNull(o['way-of-delivery']),
        wayOfDeliveryName: emptyToNull(o['way-of-delivery-name']),
        transporterCode: emptyToNull(o.transporter),
        transporterServiceCode: emptyToNull(o.service),
      };
      if (!o['skip-check']) {
        if (!io.ongoing)
          throw new UsageError('shipping-map set: cannot check the codes against Ongoing here; give --skip-check');
        const previous = (await listShippingMethods(io.runtime())).find((m) => m.shippingMethodId === id);
        const next = {
          wayOfDeliveryCode: null,
          transporterCode: null,
          transporterServiceCode: null,
          ...previous,
          ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)),
        };
        const problems = mappingProblems(next, await ongoingCodes(io.ongoing()));
        if (problems.length > 0)
          throw new UsageError(`shipping-map set: the mapping of shipping method ${id} ${problems.join('; ')}`);
      }
      const { previous, current } = await setShippingMethod(io.runtime(), id, changes);
      return `${previous ? 'Changed' : 'Added'} the mapping of shipping method ${id}:\n${formatShippingMethods([current])}`;
    }
    if (sub === 'check') {
      parseOptions('shipping-map check', rest, {});
      if (!io.ongoing || !io.multicaseDb)
        throw new UsageError('shipping-map check: needs Ongoing and the Multicase database');
      return formatMapCheck(
        await checkShippingMap(await listShippingMethods(io.runtime()), io.multicaseDb(), io.ongoing()),
      );
    }
    if (sub === 'delete') {
      const o = parseOptions('shipping-map delete', rest, { id: 'string' });
      const id = shippingId('shipping-map delete', o.id);
      const previous = await deleteShippingMethod(io.runtime(), id);
      return `Deleted the mapping of shipping method ${id} (was: ${previous.wayOfDeliveryCode ?? '-'} / ${previous.transporterCode ?? '-'} / ${previous.transporterServiceCode ?? '-'}).`;
    }
    throw new UsageError(
      sub === undefined
        ? 'shipping-map: give a subcommand: list, set, check or delete'
        : `shipping-map: unknown subcommand "${sub}"; use list, set, check or delete`,
    );
  },
  async reconcile(args, io) {
    const o = parseOptions('reconcile', args, { json: 'boolean', all: 'boolean' });
    if (!io.ongoing || !io.multicaseDb) throw new UsageError('reconcile: needs Ongoing and the Multicase database');
    const report = await reconcileStock(
      { ongoing: io.ongoing(), db: io.multicaseDb(), warehouse: loadConfig(warehouseSettings).integratedWarehouse },
      io.progress ? { progress: io.progress('reconcile: Ongoing documents and articles read') } : {},
    );
    const text = o.json
      ? stockReportJson(report, { all: o.all ?? false })
      : formatStockReport(report, { all: o.all ?? false });
    return { text, exitCode: report.drifted > 0 ? DRIFT_EXIT_CODE : 0 };
  },
  async console(args, io) {
    parseOptions('console', args, {});
    if (!io.ongoing || !io.multicaseDb) throw new UsageError('console: needs Ongoing and the Multicase database');
    const running = await startStandaloneConsole(io.runtime(), io.ongoing(), () => io.multicaseDb!());
    io.out(describeConsole(running));
    await untilSignal();
    await running.close();
    return 'Console stopped.';
  },
  multicase: (args, io) => multicaseCommand(args, io),
  resnapshot: (args, io) => resnapshotCommand(args, io),
  exceptions: (args, io) => exceptionsCommand(args, io),
  async help() {
    return USAGE;
  },
};

export const COMMANDS = Object.keys(commands);

/** Runs one command; returns the process exit code (0 done, 1 failed, 2 bad usage, 3 drift found by reconcile). */
export async function runOps(argv: string[], io: OpsIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.err(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = await command(args, io);
    io.out(typeof result === 'string' ? result : result.text);
    return typeof result === 'string' ? 0 : result.exitCode;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n(run \`npm run ops -- help\` for the usage of every command)`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    io.err(err instanceof OpsError ? err.message : `${name} failed: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}

async function main(): Promise<void> {
  // Client chatter (table loaded, rebalances) is noise on a terminal; LOG_LEVEL=info shows it.
  process.env.LOG_LEVEL ??= 'warn';
  let rt: Runtime | undefined;
  let db: Knex | undefined;
  const io: OpsIo = {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    runtime: () => (rt ??= createRuntime('ops')),
    ongoing: () => {
      const c = loadConfig(ongoingApiSettings);
      return new OngoingApi({
        baseUrl: c.baseUrl,
        username: c.username,
        password: ongoingPassword(c, 'this command'),
        goodsOwnerId: c.goodsOwnerId,
        timeoutMs: c.timeoutMs,
      });
    },
    multicaseDb: () => (db ??= connectMulticase(multicaseConnectionFrom())),
    progress: (label) => progressReporter(label),
  };
  const code = await runOps(process.argv.slice(2), io);
  if (rt) await rt.close();
  if (db) await db.destroy();
  process.exit(code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
