/**
 * `ops multicase …`: what the integration needs in Multicase's database. `install-change-tracking`
 * installs the change tracking (install-change-tracking.ts); `grants` prints the GRANT statements of
 * connectors/multicase/grants.ts for the users named, connecting to nothing.
 */
import { DEFAULT_USER_NAMES, grantScript, type MulticaseUser } from '../../connectors/multicase/grants.js';
import { multicaseDbSettings } from '../../connectors/multicase/database.js';
import { loadConfig } from '../../runtime/config.js';
import { parseOptions } from './args.js';
import type { OpsIo } from './cli.js';
import { UsageError } from './errors.js';
import { formatChangeTracking, installChangeTracking } from './install-change-tracking.js';

export async function multicaseCommand(args: string[], io: OpsIo): Promise<string> {
  const [sub, ...rest] = args;
  if (sub === 'grants') return multicaseGrants(rest);
  if (sub !== 'install-change-tracking')
    throw new UsageError(
      sub === undefined
        ? 'multicase: give a subcommand: install-change-tracking or grants'
        : `multicase: unknown subcommand "${sub}"; use install-change-tracking or grants`,
    );
  const o = parseOptions('multicase install-change-tracking', rest, { 'dry-run': 'boolean' });
  if (!io.multicaseDb) throw new UsageError('multicase install-change-tracking: needs the Multicase database');
  return formatChangeTracking(await installChangeTracking(io.multicaseDb(), { dryRun: o['dry-run'] ?? false }));
}

export function multicaseGrants(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const o = parseOptions('multicase grants', args, {
    database: 'string',
    'source-user': 'string',
    'sink-user': 'string',
    'ops-user': 'string',
  });
  const names: Record<MulticaseUser, string> = {
    source: o['source-user'] ?? DEFAULT_USER_NAMES.source,
    sink: o['sink-user'] ?? DEFAULT_USER_NAMES.sink,
    ops: o['ops-user'] ?? DEFAULT_USER_NAMES.ops,
  };
  for (const [option, name] of Object.entries(names))
    if (name.trim() === '') throw new UsageError(`multicase grants: --${option}-user is empty`);
  const database = o.database ?? databaseOf(loadConfig({ url: multicaseDbSettings.url }, env).url);
  return grantScript(database, names);
}

const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
