/**
 * Which external systems each role talks to, derived from the flow table: the Multicase database
 * (its sources, its sinks), the Ongoing API (its sources, its sinks), and both for the scheduled
 * stock check that sink-multicase runs when RECONCILE_INTERVAL_MS > 0. A process gets the
 * credentials of these and no others (infra/deploy's per-role Secrets, test/deploy-manifests.test.ts),
 * and refuses to start without them.
 */
import { Gauge } from 'prom-client';
import { registry } from '../runtime/metrics.js';
import { flows, sinkStagesOf, type Role } from './flows.js';

const roleRunning = new Gauge({
  name: 'pipeline_role_running',
  help: 'always 1, once per role this process runs (standbys included); an alert fires when no process of a role is scraped',
  labelNames: ['role'],
  registers: [registry],
});

/** Says which roles this process runs, in pipeline_role_running. */
export function announceRoles(roles: Iterable<Role>): void {
  for (const role of roles) roleRunning.set({ role }, 1);
}

export interface SystemsOfRole {
  readonly multicase: boolean;
  readonly ongoing: boolean;
}

const steps = flows.flatMap((f) => [
  ...f.sources.map((s) => s.role),
  ...sinkStagesOf(f).map((s) => s.role),
  ...f.mappings.map((m) => m.role),
]);

export function systemsOf(role: Role, opts: { reconcile: boolean }): SystemsOfRole {
  const runs = (kind: Role) => role === kind && steps.includes(kind);
  const reconciles = role === 'sink-multicase' && opts.reconcile;
  return {
    multicase: runs('source-multicase') || runs('sink-multicase') || reconciles,
    ongoing: runs('source-ongoing') || runs('sink-ongoing') || reconciles,
  };
}

/** Whether any of `roles` talks to the system. */
export const rolesUse = (roles: Iterable<Role>, system: keyof SystemsOfRole, opts: { reconcile: boolean }): boolean =>
  [...roles].some((r) => systemsOf(r, opts)[system]);
