/**
 * The sinks' idempotency table and Multicase's document-number sequences. The series themselves
 * are the integration's contract (NUMBER_SERIES in connectors/multicase/adapter/number-series.ts);
 * this creates them.
 */
import type { SqlMigration } from '../../../../connectors/multicase/install.js';
import { NUMBER_SERIES } from '../../../../connectors/multicase/adapter/number-series.js';
import { S, present } from './sql.js';

export const idempotencyAndNumbers: SqlMigration = {
  name: '0007_idempotency_and_number_series',
  up: `
-- A sink inserts its event id here in the same transaction as its effect; the primary key makes
-- a replayed or duplicated event fail (or, with ON CONFLICT DO NOTHING, do nothing).
CREATE TABLE ${S}.applied_events (
  event_id text PRIMARY KEY ${present('applied_events', 'event_id')},
  topic text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
${Object.values(NUMBER_SERIES)
  .map((s) => `CREATE SEQUENCE ${S}.${s.sequence} AS bigint START WITH ${s.start};`)
  .join('\n')}
`,
  down: `
${Object.values(NUMBER_SERIES)
  .map((s) => `DROP SEQUENCE ${S}.${s.sequence};`)
  .join('\n')}
DROP TABLE ${S}.applied_events;
`,
};
