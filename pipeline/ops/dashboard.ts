/**
 * The Grafana dashboard of the pipeline (infra/deploy/grafana/pipeline.json), derived from the flow
 * table: an overview row, then one row per flow with its sources' polls, its stages' throughput,
 * backlog, end-to-end latency, reporting back to Ongoing, dead letters and pauses. `npm run dashboard` writes the file; a test
 * fails when it is stale and runs every panel's query against a real Prometheus scraping a pipeline.
 * The variables `namespace` and `job` (from pipeline_build_info) narrow every query to one
 * deployment, whatever job name its scrape configuration gives it.
 *
 * A counter or histogram of a stage exists only once the stage has counted something, so a query
 * over one falls back to 0 for each stage that runs but has counted nothing yet (its
 * `pipeline_parked_records`, which every running stage exports): a stage name that matches no
 * running stage still shows "No data", a stage that is idle shows 0.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryRoot } from '../../schemas/analytics-doc.js';
import { flows, sinkStagesOf, type Flow } from '../flows.js';

export interface PanelQuery {
  expr: string;
  legendFormat: string;
}

interface Panel {
  title: string;
  description: string;
  unit: string;
  targets: PanelQuery[];
  width?: number;
}

const RATE = '$__rate_interval';

/** Every series of the pipeline in the query, narrowed to the dashboard's namespace and job. */
export function scoped(expr: string): string {
  return expr.replace(/\b(pipeline_[a-z_]+)(?:\{([^}]*)\})?/g, (_m, metric: string, labels: string | undefined) => {
    const own = labels ? `,${labels}` : '';
    return `${metric}{namespace=~"$namespace",job=~"$job"${own}}`;
  });
}
const alternation = (names: readonly string[]) =>
  names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');

/** `by` + fallback to 0 for every running stage in `stages` that has not counted yet. */
function perStage(expr: string, stages: readonly string[]): string {
  return `${expr} or (0 * max by (stage) (pipeline_parked_records{stage=~"${alternation(stages)}"}))`;
}

function perSource(expr: string, sources: readonly string[]): string {
  return `${expr} or (0 * max by (source) (pipeline_source_last_success_timestamp_seconds{source=~"${alternation(sources)}"}))`;
}

export function stagesOf(flow: Flow): string[] {
  return [...flow.mappings.map((m) => m.spec.name), ...sinkStagesOf(flow).map((s) => s.name)];
}

/** The acknowledgements a flow's Ongoing source emits, and those its reporting-back sink applied. */
function reportingBackPanel(flow: Flow): Panel[] {
  const report = flow.reportsBack;
  if (!report) return [];
  const stage = `source:${report.source}`;
  // 0 for a source that runs but has acknowledged nothing yet (its last-success gauge exists from the start).
  const running = `label_replace(pipeline_source_last_success_timestamp_seconds{source="${report.source}"}, "stage", "source:$1", "source", "(.*)")`;
  return [
    {
      title: 'Reported back to Ongoing',
      description: `Acknowledgements ${report.source} emits on ${report.topic.name} once its events are in Kafka, and those ${report.sink.name} applied in Ongoing (${report.call}), per second.`,
      unit: 'ops',
      targets: [
        {
          expr: `sum by (stage) (rate(pipeline_records_produced_total{stage="${stage}",topic="${report.topic.name}"}[${RATE}])) or (0 * max by (stage) (${running}))`,
          legendFormat: '{{stage}} emitted',
        },
        {
          expr: perStage(
            `sum by (stage) (rate(pipeline_records_consumed_total{stage="${report.sink.name}"}[${RATE}]))`,
            [report.sink.name],
          ),
          legendFormat: '{{stage}} applied',
        },
      ],
    },
  ];
}

function flowPanels(flow: Flow): Panel[] {
  // Flow 5 runs inside flow 4's mapping: show that mapping, whose held picking lists it releases.
  const host = flow.builtInto ? flows.find((f) => f.number === flow.builtInto!.flow) : undefined;
  const stages = host ? host.mappings.map((m) => m.spec.name) : stagesOf(flow);
  const sinks = sinkStagesOf(flow).map((s) => s.name);
  const sources = flow.sources.map((s) => s.name);
  const s = `stage=~"${alternation(stages)}"`;
  const panels: Panel[] = [];
  if (sources.length > 0) {
    const src = `source=~"${alternation(sources)}"`;
    panels.push({
      title: 'Source polls and events',
      description: 'Polls of the source system per second by outcome, and change events emitted per second.',
      unit: 'ops',
      targets: [
        {
          expr: perSource(`sum by (source) (rate(pipeline_source_polls_total{${src},outcome="ok"}[${RATE}]))`, sources),
          legendFormat: '{{source}} polls ok',
        },
        {
          expr: perSource(
            `sum by (source) (rate(pipeline_source_polls_total{${src},outcome="error"}[${RATE}]))`,
            sources,
          ),
          legendFormat: '{{source}} polls failed',
        },
        {
          expr: perSource(`sum by (source) (rate(pipeline_source_events_total{${src}}[${RATE}]))`, sources),
          legendFormat: '{{source}} events',
        },
      ],
    });
    panels.push({
      title: 'Since the last successful poll',
      description:
        'Seconds since each source last polled its system successfully (PipelineSourceNotPolled fires above 5 minutes).',
      unit: 's',
      targets: [
        {
          expr: `time() - max by (source) (pipeline_source_last_success_timestamp_seconds{${src}})`,
          legendFormat: '{{source}}',
        },
      ],
    });
  }
  panels.push(
    {
      title: host ? `Held for a shipping-method mapping (flow ${host.number})` : 'Records handled per second',
      description: host
        ? 'Picking lists the mapping holds until their freight method is mapped (npm run ops -- shipping-map), and mappings in the table.'
        : 'Records each stage of the flow read per second.',
      unit: host ? 'short' : 'ops',
      targets: host
        ? [
            { expr: `sum by (stage) (pipeline_parked_records{${s}})`, legendFormat: '{{stage}} held' },
            {
              expr: `max by (table) (pipeline_table_entries{table="state.shipping-method-map"}) or (0 * max by (stage) (pipeline_parked_records{${s}}))`,
              legendFormat: 'mappings',
            },
          ]
        : [
            {
              expr: perStage(`sum by (stage) (rate(pipeline_records_consumed_total{${s}}[${RATE}]))`, stages),
              legendFormat: '{{stage}}',
            },
          ],
    },
    {
      title: 'Backlog (consumer lag)',
      description:
        'Records waiting in each stage\'s input topic: committed offsets against the end, read from the brokers by one process (PipelineConsumerLagGrowing), and as each stage saw it after its last batch; records held back for late data are in "parked".',
      unit: 'short',
      targets: [
        {
          expr: perStage(`sum by (stage) (pipeline_consumer_group_lag_records{${s}})`, stages),
          legendFormat: '{{stage}} not committed',
        },
        {
          expr: perStage(`sum by (stage) (pipeline_consumer_lag_records{${s}})`, stages),
          legendFormat: '{{stage}} after last batch',
        },
        { expr: `sum by (stage) (pipeline_parked_records{${s}})`, legendFormat: '{{stage}} parked' },
      ],
    },
  );
  if (sinks.length > 0) {
    panels.push({
      title: 'End to end, p99',
      description:
        'From the change read in its source system to its effect in the target, 99th percentile per sink (0: nothing applied in the window).',
      unit: 's',
      targets: [
        {
          expr: perStage(
            `histogram_quantile(0.99, sum by (stage, le) (rate(pipeline_end_to_end_seconds_bucket{stage=~"${alternation(sinks)}"}[${RATE}])))`,
            sinks,
          ),
          legendFormat: '{{stage}}',
        },
      ],
    });
  }
  panels.push(...reportingBackPanel(flow));
  panels.push({
    title: 'Dead letters and pauses',
    description:
      'Records dead-lettered per second (npm run ops -- dlq list), and 1 while a stage waits out a fault (/healthz says why).',
    unit: 'short',
    targets: [
      {
        expr: perStage(`sum by (stage) (rate(pipeline_records_dead_lettered_total{${s}}[${RATE}]))`, stages),
        legendFormat: '{{stage}} dead letters/s',
      },
      { expr: perStage(`max by (stage) (pipeline_stage_paused{${s}})`, stages), legendFormat: '{{stage}} paused' },
    ],
  });
  return panels;
}

const overview: Panel[] = [
  {
    title: 'Processes by role and build',
    description:
      'Pipeline processes scraped, per role (standbys included; PipelineRoleAbsent fires when a role has none) and per version.',
    unit: 'short',
    targets: [
      { expr: 'count by (role) (pipeline_role_running)', legendFormat: '{{role}}' },
      { expr: 'count by (version) (pipeline_build_info)', legendFormat: 'version {{version}}' },
    ],
  },
  {
    title: 'Ongoing write lease',
    description:
      'Processes holding the Ongoing write lease of each goods owner: 1 is right; 0 means nobody writes Ongoing, 2 would be two writers (OngoingWriteLeaseNotHeld, OngoingWriteLeaseHeldTwice).',
    unit: 'short',
    targets: [
      { expr: 'sum by (lease) (pipeline_lease_held{lease=~"ongoing-writes\\\\..+"})', legendFormat: '{{lease}}' },
    ],
  },
  {
    title: 'Held longer than HELD_RECORD_ALERT_AFTER_MS',
    description:
      'Records a stage holds for a person (a picking list whose freight method has no mapping) for longer than the setting (PipelineRecordHeldTooLong).',
    unit: 'short',
    targets: [{ expr: 'sum by (stage) (pipeline_held_records_overdue) > 0 or vector(0)', legendFormat: '{{stage}}' }],
  },
  {
    title: 'Paused stages and sources',
    description: 'Stages and sources waiting out a fault of infrastructure or configuration (PipelineStagePaused).',
    unit: 'short',
    targets: [{ expr: 'sum(pipeline_stage_paused) or vector(0)', legendFormat: 'paused' }],
  },
  {
    title: 'Ongoing requests by status',
    description: 'Requests to the Ongoing API per second by HTTP status; 429 is rate limiting (OngoingRateLimited).',
    unit: 'reqps',
    targets: [{ expr: `sum by (status) (rate(pipeline_ongoing_requests_total[${RATE}]))`, legendFormat: '{{status}}' }],
  },
  {
    title: 'Change-capture horizon lag',
    description:
      'Age of the oldest open transaction holding Multicase change capture back (MulticaseChangeCaptureHeldBack above 5 minutes).',
    unit: 's',
    targets: [{ expr: 'max by (source) (pipeline_cdc_horizon_lag_seconds)', legendFormat: '{{source}}' }],
  },
  {
    title: 'Stock drift',
    description:
      'Articles whose stock differs between Ongoing and Multicase beyond what is in flight, as of the last reconciliation (StockDrift).',
    unit: 'short',
    targets: [{ expr: 'count(pipeline_stock_drift_items != 0) or vector(0)', legendFormat: 'articles drifting' }],
  },
];

/** Every query of the dashboard, with the row and panel it belongs to. */
export function dashboardQueries(): Array<{ row: string; panel: string } & PanelQuery> {
  return rows().flatMap(({ title, panels }) =>
    panels.flatMap((p) => p.targets.map((t) => ({ row: title, panel: p.title, ...t, expr: scoped(t.expr) }))),
  );
}

function rows(): Array<{ title: string; panels: Panel[] }> {
  return [
    { title: 'Overview', panels: overview },
    ...flows.map((f) => ({ title: `Flow ${f.number}: ${f.name} (${f.direction})`, panels: flowPanels(f) })),
  ];
}

export function pipelineDashboard(): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows()) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    const width = Math.max(4, Math.floor(24 / row.panels.length));
    row.panels.forEach((p, i) => {
      panels.push({
        id: id++,
        type: 'timeseries',
        title: p.title,
        description: p.description,
        datasource,
        gridPos: { h: 7, w: width, x: i * width, y },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        options: {
          legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
          tooltip: { mode: 'multi', sort: 'none' },
        },
        targets: p.targets.map((t, j) => ({
          datasource,
          expr: scoped(t.expr),
          legendFormat: t.legendFormat,
          refId: String.fromCharCode(65 + j),
        })),
      });
    });
    y += 7;
  }
  return {
    title: 'Multicase ↔ Ongoing WMS pipeline',
    uid: 'multicase-ongoing-pipeline',
    description:
      'Generated from pipeline/flows.ts by `npm run dashboard` (pipeline/ops/dashboard.ts); do not edit by hand.',
    tags: ['multicase', 'ongoing', 'kafka'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        labelVariable('namespace', 'Namespace', 'label_values(pipeline_build_info, namespace)', datasource),
        labelVariable('job', 'Job', 'label_values(pipeline_build_info{namespace=~"$namespace"}, job)', datasource),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** A variable over a label's values, all of them by default (`.*` also matches a series without the label). */
function labelVariable(name: string, label: string, query: string, datasource: object): Record<string, unknown> {
  return {
    name,
    label,
    type: 'query',
    datasource,
    definition: query,
    query: { query, refId: `${name}-values` },
    refresh: 2,
    includeAll: true,
    allValue: '.*',
    multi: true,
    current: { text: ['All'], value: ['$__all'] },
    sort: 1,
    hide: 0,
  };
}

/** The repository's root, from the source file (tests) or its build in dist/. */
export const dashboardPath = (): string => path.join(repositoryRoot(), 'infra/deploy/grafana/pipeline.json');

export const dashboardJson = (): string => `${JSON.stringify(pipelineDashboard(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(dashboardPath(), dashboardJson());
  console.log(`wrote ${dashboardPath()}`);
}
