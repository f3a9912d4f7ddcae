/**
 * The alert rules (infra/deploy/prometheus/alerts.yml) and the Grafana dashboard
 * (infra/deploy/grafana/pipeline.json), checked by a real Prometheus (Debian's package) scraping a
 * running pipeline every second, with the rules' durations shortened to seconds. Faults are
 * injected through the Ongoing simulator's control and a record Kafka cannot decode; each matching
 * alert must fire, then clear once the fault is over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries } from '../pipeline/ops/dashboard.js';
import { flows } from '../pipeline/flows.js';
import type { Pipeline } from '../pipeline/main.js';
import { topics } from '../schemas/catalog.js';
import { openExceptions, resolveException } from '../connectors/multicase/adapter/exceptions.js';
import { getStock } from '../infra/local/multicase-db/actions.js';
import { eventually, type TestEnvironment } from './support/environment.js';
import { startRunningPipeline, stopRunningPipeline } from './support/running-pipeline.js';
import { releasePort, reservePorts } from './support/free-ports.js';
import { ensureTool, startPrometheus, type Alert, type TestPrometheus } from './support/prometheus.js';

let env: TestEnvironment;
let pipeline: Pipeline | undefined;
let prometheus: TestPrometheus | undefined;
let metricsPort: number;

beforeAll(async () => {
  ensureTool('prometheus', 'prometheus');
  [metricsPort] = (await reservePorts(1)) as [number];
  ({ env, pipeline } = await startRunningPipeline(
    'alerts',
    {
      METRICS_PORT: String(metricsPort),
      RETRY_PAUSE_AFTER_MS: '1000',
      ONGOING_SHIPMENT_POLL_MS: '500',
      ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '500',
      INTEGRATION_EXCEPTIONS_POLL_MS: '500',
    },
    { shippingMethods: false },
  ));
  prometheus = await startPrometheus([`127.0.0.1:${metricsPort}`]);
}, 180_000);

afterAll(async () => {
  await prometheus?.close();
  await stopRunningPipeline({ env, pipeline });
  if (metricsPort) releasePort(metricsPort);
}, 120_000);

const firing = async (name: string): Promise<Alert[]> =>
  (await prometheus!.alerts()).filter((a) => a.labels.alertname === name && a.state === 'firing');
const active = async (name: string): Promise<Alert[]> =>
  (await prometheus!.alerts()).filter((a) => a.labels.alertname === name);
const show = (alerts: Alert[]) =>
  alerts
    .map(
      (a) =>
        `${a.labels.alertname}{${Object.entries(a.labels)
          .filter(([k]) => k !== 'alertname')
          .map(([k, v]) => `${k}="${v}"`)
          .join(', ')}}`,
    )
    .join('\n  ');

describe('alerts and dashboards on a real Prometheus', () => {
  it('scrapes the pipeline and evaluates every rule without error', async () => {
    await eventually(
      () => prometheus!.query(`up{job="multicase-ongoing-pipeline"}`),
      (r) => r.length === 1 && r[0]!.value[1] === '1',
      20_000,
      'the pipeline scraped',
    );
    const rules = await eventually(
      async () =>
        (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
        },
      (b) => b.data.groups.flatMap((g) => g.rules).every((r) => r.health === 'ok'),
      20_000,
      'every rule evaluated',
    );
    expect(
      rules.data.groups
        .flatMap((g) => g.rules)
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      [
        'MulticaseChangeCaptureHeldBack',
        'OngoingRateLimited',
        'PipelineConsumerLagGrowing',
        'PipelineDeadLetters',
        'PipelineProcessDown',
        'PipelineSourceNotPolled',
        'PipelineStagePaused',
        'StockDrift',
        'IntegrationExceptionsOpen',
      ].sort(),
    );
  });

  it('every panel of the dashboard gets series back from Prometheus', async () => {
    // Flow 1 runs on the seeded products: wait until its sink has applied some, so rates have two samples.
    await eventually(
      () => prometheus!.query('sum(pipeline_records_consumed_total{stage="sink.ongoing.article"})'),
      (r) => Number(r[0]?.value[1] ?? 0) > 0,
      30_000,
      'articles written',
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const empty: string[] = [];
    for (const q of dashboardQueries()) {
      const series = await prometheus!.query(q.expr.replaceAll('$__rate_interval', '30s'));
      if (series.length === 0) empty.push(`${q.row} / ${q.panel} / ${q.legendFormat}: ${q.expr}`);
    }
    expect(empty).toEqual([]);
    const throughput = await prometheus!.query(
      'sum by (stage) (rate(pipeline_records_consumed_total{stage="sink.ongoing.article"}[30s]))',
    );
    expect(throughput.map((s) => s.metric.stage)).toEqual(['sink.ongoing.article']);
    // The series the alerts read beyond the long-standing ones: lag per batch, last successful poll, Ongoing requests by status.
    expect(
      (await prometheus!.query('pipeline_consumer_lag_records{stage="sink.ongoing.article"}')).length,
    ).toBeGreaterThan(0);
    expect((await prometheus!.query('time() - pipeline_source_last_success_timestamp_seconds < 30')).length).toBe(
      flows.flatMap((f) => f.sources).length,
    );
    expect((await prometheus!.query('pipeline_ongoing_requests_total{status="200"}')).length).toBeGreaterThan(0);
  }, 60_000);

  it('Ongoing answering 401: PipelineStagePaused fires for the Ongoing stages, and clears after', async () => {
    await env.control.denyAuthorization(10_000);
    const fired = await eventually(
      () => firing('PipelineStagePaused'),
      (a) => a.length > 0,
      15_000,
      'PipelineStagePaused firing',
    );
    console.log(`alert fired (Ongoing 401):\n  ${show(fired)}`);
    expect(fired.every((a) => /ongoing/.test(a.labels.stage ?? ''))).toBe(true);
    expect(fired[0]!.labels).toMatchObject({
      job: 'multicase-ongoing-pipeline',
      instance: `127.0.0.1:${metricsPort}`,
      severity: 'critical',
    });
    await eventually(
      () => active('PipelineStagePaused'),
      (a) => a.length === 0,
      25_000,
      'PipelineStagePaused cleared',
    );
  }, 60_000);

  it('Ongoing answering 429: OngoingRateLimited fires, and clears after', async () => {
    await env.control.setFaults({ tooManyRequestsNext: 12, retryAfterSeconds: 1 });
    const fired = await eventually(
      () => firing('OngoingRateLimited'),
      (a) => a.length > 0,
      15_000,
      'OngoingRateLimited firing',
    );
    console.log(`alert fired (Ongoing 429):\n  ${show(fired)}`);
    expect(fired[0]!.labels).toMatchObject({ instance: `127.0.0.1:${metricsPort}`, severity: 'warning' });
    await eventually(
      () => active('OngoingRateLimited'),
      (a) => a.length === 0,
      30_000,
      'OngoingRateLimited cleared',
    );
  }, 60_000);

  it('a record nobody can decode: PipelineDeadLetters fires for its stage and topic, and clears after', async () => {
    const producer = await env.rt.producer();
    await producer.send([
      { topic: topics.productChanged.name, key: 'NOT-AVRO', value: Buffer.from('not in the Confluent wire format') },
    ]);
    const fired = await eventually(
      () => firing('PipelineDeadLetters'),
      (a) => a.length > 0,
      15_000,
      'PipelineDeadLetters firing',
    );
    console.log(`alert fired (undecodable record):\n  ${show(fired)}`);
    expect(fired.map((a) => [a.labels.stage, a.labels.topic])).toContainEqual([
      'processor.product-to-article',
      'multicase.product.changed',
    ]);
    await eventually(
      () => active('PipelineDeadLetters'),
      (a) => a.length === 0,
      30_000,
      'PipelineDeadLetters cleared',
    );
  }, 60_000);

  it('stock counted below what Multicase has: IntegrationExceptionsOpen fires for its kind, and clears once resolved', async () => {
    await eventually(
      () => env.api.getArticles({ articleNumber: 'WOOL-SOCK' }),
      (a) => a.length === 1,
      30_000,
      'the article in Ongoing',
    );
    const onHand = await getStock(env.db, 'WOOL-SOCK', 'MAIN');
    await env.control.adjustStock({
      adjustments: [
        { articleNumber: 'WOOL-SOCK', numberOfItems: -(onHand + 3), cause: { code: 'COUNT', name: 'Count' } },
      ],
    });
    const fired = await eventually(
      () => firing('IntegrationExceptionsOpen'),
      (a) => a.length > 0,
      30_000,
      'IntegrationExceptionsOpen firing',
    );
    console.log(`alert fired (stock below zero):\n  ${show(fired)}`);
    expect(fired[0]!.labels).toMatchObject({ kind: 'stock_below_zero', severity: 'warning' });
    const [open] = (await openExceptions(env.db)).recent;
    expect(await resolveException(env.db, open!.id, 'alert test', 'counted again')).toMatchObject({
      outcome: 'resolved',
    });
    await eventually(
      () => active('IntegrationExceptionsOpen'),
      (a) => a.length === 0,
      30_000,
      'IntegrationExceptionsOpen cleared',
    );
  }, 90_000);
});
