/**
 * The alert rules and the Grafana dashboard, checked without a running pipeline: `promtool check
 * rules` passes, the rules cover what an operator must be woken for and read only metrics the
 * code exports, and the dashboard file is what its generator (from the flow table) writes.
 * test/alerts-prometheus.test.ts runs both against a real Prometheus and pipeline.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// Domain metrics are defined beside the code that owns them; the pipeline loads these modules too.
import '../connectors/multicase/horizon.js';
import '../pipeline/ops/reconcile.js';
import '../connectors/ongoing/api/request-metrics.js';
import '../connectors/multicase/adapter/exceptions.js';
import { dashboardJson, dashboardPath, dashboardQueries, stagesOf } from '../pipeline/ops/dashboard.js';
import { flows } from '../pipeline/flows.js';
import { registry } from '../runtime/metrics.js';
import { ALERT_RULES, ensureTool, shortenedRules } from './support/prometheus.js';

const rules = readFileSync(ALERT_RULES, 'utf8');
const alertNames = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);

/** Metric names the code registers, with the series names Prometheus derives from histograms. */
async function exportedMetrics(): Promise<Set<string>> {
  const names = (await registry.getMetricsAsJSON()).flatMap((m) =>
    String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  );
  return new Set(names);
}

describe('Prometheus alert rules', () => {
  beforeAll(() => ensureTool('prometheus', 'promtool'), 600_000);

  it('pass promtool check rules, as written and as shortened for the tests', () => {
    const out = execFileSync('promtool', ['check', 'rules', ALERT_RULES], { encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${alertNames.length} rules found`);
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
    try {
      writeFileSync(path.join(dir, 'alerts.yml'), shortenedRules(rules));
      expect(
        execFileSync('promtool', ['check', 'rules', path.join(dir, 'alerts.yml')], { encoding: 'utf8' }),
      ).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cover a paused stage, growing lag, dead letters, the change-capture horizon, 429s, a source not polled, stock drift and open integration exceptions', () => {
    const expectations: Record<string, RegExp> = {
      PipelineStagePaused: /pipeline_stage_paused/,
      PipelineConsumerLagGrowing: /pipeline_consumer_lag_records/,
      PipelineDeadLetters: /pipeline_records_dead_lettered_total/,
      MulticaseChangeCaptureHeldBack: /pipeline_cdc_horizon_lag_seconds/,
      OngoingRateLimited: /pipeline_ongoing_requests_total\{status="429"\}/,
      PipelineSourceNotPolled: /pipeline_source_last_success_timestamp_seconds/,
      StockDrift: /pipeline_stock_drift_items/,
      IntegrationExceptionsOpen: /pipeline_integration_exceptions_open/,
    };
    for (const [alert, metric] of Object.entries(expectations)) {
      const block = rules.split(/(?=\n {6}- alert: )/).find((b) => b.includes(`- alert: ${alert}\n`));
      expect(block, alert).toBeDefined();
      expect(block, alert).toMatch(metric);
      expect(block, alert).toMatch(/runbook: /);
    }
  });

  it('read only metrics the pipeline exports', async () => {
    const exported = await exportedMetrics();
    const used = new Set([...rules.matchAll(/\b(pipeline_[a-z_]+)/g)].map((m) => m[1]!));
    expect([...used].filter((m) => !exported.has(m))).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('is what `npm run dashboard` generates from the flow table (run it after changing flows.ts)', () => {
    expect(readFileSync(dashboardPath(), 'utf8')).toBe(dashboardJson());
  });

  it('has one row per flow, and every stage of the flow table in its queries', () => {
    const dashboard = JSON.parse(dashboardJson()) as { panels: Array<{ type: string; title: string }> };
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    for (const f of flows)
      expect(
        rows.filter((r) => r.startsWith(`Flow ${f.number}: ${f.name}`)),
        `flow ${f.number}`,
      ).toHaveLength(1);
    const queries = dashboardQueries();
    for (const f of flows) {
      const own = queries
        .filter((q) => q.row.startsWith(`Flow ${f.number}:`))
        .map((q) => q.expr.replaceAll('\\\\', ''))
        .join('\n');
      for (const stage of stagesOf(f)) expect(own, `flow ${f.number}, stage ${stage}`).toContain(stage);
      for (const source of f.sources) expect(own, `flow ${f.number}, source ${source.name}`).toContain(source.name);
    }
  });

  it('queries only metrics the pipeline exports', async () => {
    const exported = await exportedMetrics();
    const used = new Set(
      dashboardQueries().flatMap((q) => [...q.expr.matchAll(/\b(pipeline_[a-z_]+)/g)].map((m) => m[1]!)),
    );
    expect([...used].filter((m) => !exported.has(m))).toEqual([]);
  });
});
