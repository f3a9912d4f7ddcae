/**
 * The alert rules and the Grafana dashboard, checked without a running pipeline: `promtool check
 * rules` passes, `promtool test rules` fires each alert of alerts.test.yml from series shaped as the
 * code exports them, the rules cover what an operator must be woken for, assume no job name, read
 * only metrics the code exports, and point at a section of the runbook that exists; the dashboard
 * file is what its generator (from the flow table) writes, with namespace and job variables.
 * test/alerts-prometheus.test.ts runs both against a real Prometheus and pipeline.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// Domain metrics are defined beside the code that owns them; the pipeline loads these modules too.
import '../connectors/multicase/horizon.js';
import '../pipeline/ops/reconcile.js';
import '../connectors/ongoing/api/request-metrics.js';
import '../pipeline/consumer-lag.js';
import '../pipeline/roles.js';
import '../runtime/build-info.js';
import '../connectors/multicase/adapter/exceptions.js';
import { dashboardJson, dashboardPath, dashboardQueries, stagesOf } from '../pipeline/ops/dashboard.js';
import { flows, ROLES } from '../pipeline/flows.js';
import { registry } from '../runtime/metrics.js';
import { ALERT_RULES, ensureTool, shortenedRules } from './support/prometheus.js';

const rules = readFileSync(ALERT_RULES, 'utf8');
const alertNames = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
const blocks = rules.split(/(?=\n {6}- alert: )/).filter((b) => b.includes('- alert: '));
const blockOf = (alert: string) => blocks.find((b) => b.includes(`- alert: ${alert}\n`));
const runbook = readFileSync(fileURLToPath(new URL('../docs/runbook.md', import.meta.url)), 'utf8');
/** GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
    m[1]!
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

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

  it('fire as alerts.test.yml expects (promtool test rules: process down, a role absent, the write lease held by none or two, a record held too long, lag growing)', () => {
    const out = execFileSync('promtool', ['test', 'rules', path.join(path.dirname(ALERT_RULES), 'alerts.test.yml')], {
      encoding: 'utf8',
    });
    expect(out).toContain('SUCCESS');
  });

  it('cover what an operator must be woken for, each with a section of the runbook', () => {
    const expectations: Record<string, RegExp> = {
      PipelineStagePaused: /pipeline_stage_paused/,
      PipelineConsumerLagGrowing: /pipeline_consumer_group_lag_records/,
      PipelineDeadLetters: /pipeline_records_dead_lettered_total/,
      MulticaseChangeCaptureHeldBack: /pipeline_cdc_horizon_lag_seconds/,
      OngoingRateLimited: /pipeline_ongoing_requests_total\{status="429"\}/,
      PipelineSourceNotPolled: /pipeline_source_last_success_timestamp_seconds/,
      PipelineProcessDown: /up == 0 and on \(job, instance\) max_over_time\(pipeline_build_info/,
      PipelineRoleAbsent: /absent\(pipeline_role_running\{role="/,
      OngoingWriteLeaseNotHeld: /pipeline_lease_held\{lease=~"ongoing-writes.*== 0/s,
      OngoingWriteLeaseHeldTwice: /pipeline_lease_held\{lease=~"ongoing-writes.*> 1/s,
      PipelineRecordHeldTooLong: /pipeline_held_records_overdue/,
      StockDrift: /pipeline_stock_drift_items/,
      IntegrationExceptionsOpen: /pipeline_integration_exceptions_open/,
    };
    for (const [alert, metric] of Object.entries(expectations)) {
      expect(blockOf(alert), alert).toBeDefined();
      expect(blockOf(alert), alert).toMatch(metric);
    }
    for (const b of blocks) {
      const name = /- alert: (\w+)/.exec(b)![1]!;
      const url = /runbook_url: "docs\/runbook\.md#([a-z0-9-]+)"/.exec(b)?.[1];
      expect(url, `${name} has a runbook_url`).toBeDefined();
      expect(anchors.has(url!), `docs/runbook.md has a section #${url} for ${name}`).toBe(true);
      expect(url, name).toBe(name.toLowerCase());
    }
  });

  it('assume no job name, and find every role absent by itself', () => {
    expect(rules).not.toMatch(/job\s*=~?\s*"/);
    const absent = [...rules.matchAll(/absent\(pipeline_role_running\{role="([a-z-]+)"\}\)/g)].map((m) => m[1]);
    expect(absent.sort()).toEqual([...ROLES].sort());
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

  it('narrows every query to the namespace and job chosen in its variables', () => {
    const dashboard = JSON.parse(dashboardJson()) as {
      templating: { list: Array<{ name: string; definition?: string }> };
    };
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'job']);
    expect(dashboard.templating.list[1]!.definition).toContain('pipeline_build_info');
    for (const q of dashboardQueries()) {
      const selectors = [...q.expr.matchAll(/\bpipeline_[a-z_]+(\{[^}]*\})?/g)];
      expect(selectors.length, q.expr).toBeGreaterThan(0);
      for (const s of selectors) expect(s[1], q.expr).toMatch(/^\{namespace=~"\$namespace",job=~"\$job"/);
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
