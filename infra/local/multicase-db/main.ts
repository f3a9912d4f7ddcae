/**
 * node dist/infra/multicase-db/main.js migrate|rollback|seed
 *
 * migrate   create the database if missing, then apply every pending migration
 * rollback  roll every migration back (drops schema multicase and all its data)
 * seed      migrate, then add the demo reference data (idempotent)
 */
import { loadConfig } from '../../../runtime/config.js';
import { createLogger } from '../../../runtime/logger.js';
import { errorMessage } from '../../../runtime/errors.js';
import { connectMulticase, ensureDatabase, migrateDown, migrateLatest, multicaseDbSettings } from './db.js';
import { seedDemoData } from './seed.js';

const COMMANDS = ['migrate', 'rollback', 'seed'] as const;
type Command = (typeof COMMANDS)[number];

async function main(command: Command): Promise<void> {
  const log = createLogger({ component: 'multicase-db' });
  const { url } = loadConfig(multicaseDbSettings);
  if (command !== 'rollback' && (await ensureDatabase(url))) log.info('created database', { url });
  const knex = connectMulticase(url, { poolMax: 2 });
  try {
    if (command === 'rollback') {
      log.info('rolled back', { migrations: await migrateDown(knex) });
      return;
    }
    log.info('migrated', { applied: await migrateLatest(knex) });
    if (command === 'seed') log.info('seeded demo data', { inserted: await seedDemoData(knex) });
  } finally {
    await knex.destroy();
  }
}

const command = process.argv[2];
if (!COMMANDS.includes(command as Command)) {
  process.stderr.write(`usage: node dist/infra/multicase-db/main.js ${COMMANDS.join('|')}\n`);
  process.exitCode = 2;
} else {
  main(command as Command).catch((err: unknown) => {
    createLogger({ component: 'multicase-db' }).error(`${command} failed`, { error: errorMessage(err) });
    process.exitCode = 1;
  });
}
