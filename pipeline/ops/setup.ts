/**
 * `ops setup`: creates the missing topics (those of the catalog, their dead letters, and every
 * lease's) and registers every value schema (BACKWARD). Idempotent. Run once per environment with
 * rights to create topics and register schemas (the setup Job), so that the roles need neither.
 */
import type { Runtime } from '../../runtime/runtime.js';
import { allTopics } from '../../schemas/catalog.js';
import { ensureTopology } from '../../runtime/topology.js';
import { leaseTopics } from '../leases.js';
import { plural } from './format.js';

export interface SetupResult {
  createdTopics: string[];
  /** Existing topics whose retention or cleanup policy was brought in line with the catalog. */
  reconfiguredTopics?: Array<{ topic: string }>;
  subjects: number;
}

export async function runSetup(rt: Runtime, cfg: { goodsOwnerId: number }): Promise<SetupResult> {
  return ensureTopology(rt, allTopics, leaseTopics(cfg.goodsOwnerId));
}

export function formatSetup(r: SetupResult): string {
  const created =
    r.createdTopics.length === 0
      ? 'All topics already existed; none created.'
      : `Created ${plural(r.createdTopics.length, 'topic')}:\n${r.createdTopics.map((t) => `  ${t}`).join('\n')}`;
  const reconfigured = r.reconfiguredTopics?.length
    ? `\nBrought the retention or cleanup policy of ${plural(r.reconfiguredTopics.length, 'existing topic')} in line:\n${r.reconfiguredTopics.map((t) => `  ${t.topic}`).join('\n')}`
    : '';
  return `${created}${reconfigured}\nRegistered ${plural(r.subjects, 'value schema')} with BACKWARD compatibility (already registered ones are unchanged).`;
}
