/** A throw-away Multicase database for a test file: migrated, seeded with the demo data, on the machine's real PostgreSQL. */
import type { Knex } from 'knex';
import { connectMulticase, migrateLatest } from '../../infra/local/multicase-db/db.js';
import { seedDemoData } from '../../infra/local/multicase-db/seed.js';
import { createTempDatabase, type TempDatabase } from './databases.js';

export async function seededMulticase(prefix: string): Promise<{ db: TempDatabase; knex: Knex }> {
  const db = await createTempDatabase(prefix);
  const knex = connectMulticase(db.url);
  await migrateLatest(knex);
  await seedDemoData(knex);
  return { db, knex };
}
