/** `ops multicase grants`: the GRANT statements of connectors/multicase/grants.ts, for the users named. */
import { DEFAULT_USER_NAMES, grantScript, type MulticaseUser } from '../../connectors/multicase/grants.js';
import { multicaseDbSettings } from '../../connectors/multicase/database.js';
import { loadConfig } from '../../runtime/config.js';
import { parseOptions } from './args.js';
import { UsageError } from './errors.js';

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
