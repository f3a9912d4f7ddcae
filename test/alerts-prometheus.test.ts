/**
 * The alert rules (infra/deploy/prometheus/alerts.yml) and the Grafana dashboard
 * (infra/deploy/grafana/pipeline.json), checked by a real Prometheus (Debian's package) scraping a
 * running pipeline every second, with the rules' durations shortened to seconds. Faults are
 * injected through the Ongoing simulator's control, a record Kafka cannot decode, a picking list
 * whose freight method has no mapping, a backlog the stopped Ongoing sink cannot take, and a
 * second scrape target playing another pipeline process (one that also holds the Ongoing write
 * lease, then goes away, then stands by for a lease nobody holds); each matching alert must fire,
 * then clear once the fault is over.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesOrder, sendOrderToWarehouse } from '../infra/local/multicase-db/actions.js';
import { seedShippingMap } from '../infra/local/demo/shipping-map.js';
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
/** Another "pipeline process": a target serving whatever metrics text a test sets. */
let otherPort: number;
let other: Server | undefined;
let otherMetrics = '';

const BUILD = 'pipeline_build_info{version="0.0.0-other",revision="other",node_version="v20"} 1\n';

async function serveOther(text: string): Promise<void> {
  otherMetrics = text;
  if (other) return;
  other = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(otherMetrics));
  await new Promise<void>((r) => other!.listen(otherPort, '127.0.0.1', r));
}
async function stopOther(): Promise<void> {
  const s = other;
  other = undefined;
  if (s) await new Promise<void>((r) => s.close(() => r()));
}

beforeAll(async () => {
  ensureTool('prometheus', 'prometheus');
  [metricsPort, otherPort] = (await reservePorts(2)) as [number, number];
  ({ env, pipeline } = await startRunningPipeline(
    'alerts',
    {
      METRICS_PORT: String(metricsPort),
      RETRY_PAUSE_AFTER_MS: '1000',
      ONGOING_SHIPMENT_POLL_MS: '500',
      ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '500',
      HELD_RECORD_ALERT_AFTER_MS: '1000',
      CONSUMER_LAG_INTERVAL_MS: '1000',
      INTEGRATION_EXCEPTIONS_POLL_MS: '500',
    },
    { shippingMethods: false },
  ));
  prometheus = await startPrometheus([`127.0.0.1:${metricsPort}`, `127.0.0.1:${otherPort}`]);
}, 180_000);

afterAll(async () => {
  await stopOther();
  await prometheus?.close();
  await stopRunningPipeline({ env, pipeline });
  if (metricsPort) releasePort(metricsPort);
  if (otherPort) releasePort(otherPort);
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
      () => prometheus!.query(`up{job="multicase-ongoing-pipeline",instance="127.0.0.1:${metricsPort}"}`),
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
    expect([...new Set(rules.data.groups.flatMap((g) => g.rules).map((r) => r.name))].sort()).toEqual([
      'IntegrationExceptionsOpen',
      'MulticaseChangeCaptureHeldBack',
      'OngoingRateLimited',
      'OngoingWriteLeaseHeldTwice',
      'OngoingWriteLeaseNotHeld',
      'PipelineConsumerLagGrowing',
      'PipelineDeadLetters',
      'PipelineProcessDown',
      'PipelineRecordHeldTooLong',
      'PipelineRoleAbsent',
      'PipelineSourceNotPolled',
      'PipelineStagePaused',
      'StockDrift',
    ]);
    // Every role runs in this one process: none is absent once it has been scraped.
    await eventually(
      () => active('PipelineRoleAbsent'),
      (a) => a.length === 0,
      20_000,
      'no role absent',
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
      const series = await prometheus!.query(
        q.expr.replaceAll('$__rate_interval', '30s').replaceAll('$namespace', '.*').replaceAll('$job', '.*'),
      );
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

  it('a picking list held for its freight method: PipelineRecordHeldTooLong fires, and clears once the method is mapped', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'WOOL-SOCK', quantity: 1, unitPrice: 99 }],
    });
    await sendOrderToWarehouse(env.db, order.orderNumber);
    const fired = await eventually(
      () => firing('PipelineRecordHeldTooLong'),
      (a) => a.some((x) => x.labels.stage === 'processor.picking-list-to-order'),
      30_000,
      'PipelineRecordHeldTooLong firing',
    );
    console.log(`alert fired (held picking list):\n  ${show(fired)}`);
    expect(fired[0]!.labels).toMatchObject({ severity: 'warning' });
    expect(fired[0]!.annotations.runbook_url).toBe('docs/runbook.md#pipelinerecordheldtoolong');
    await seedShippingMap(env.rt);
    await eventually(
      () => active('PipelineRecordHeldTooLong'),
      (a) => a.length === 0,
      30_000,
      'PipelineRecordHeldTooLong cleared',
    );
  }, 90_000);

  it('another process holding the Ongoing write lease too, then gone, then standing by for a lease nobody holds: OngoingWriteLeaseHeldTwice, PipelineProcessDown, OngoingWriteLeaseNotHeld fire and clear', async () => {
    const other = `127.0.0.1:${otherPort}`;
    await serveOther(`${BUILD}pipeline_lease_held{lease="ongoing-writes.1"} 1\n`);
    const twice = await eventually(
      () => firing('OngoingWriteLeaseHeldTwice'),
      (a) => a.length > 0,
      20_000,
      'held twice',
    );
    console.log(`alert fired (two writers):\n  ${show(twice)}`);
    expect(twice[0]!.labels).toMatchObject({ lease: 'ongoing-writes.1', severity: 'critical' });

    await stopOther();
    const down = await eventually(
      () => firing('PipelineProcessDown'),
      (a) => a.some((x) => x.labels.instance === other),
      20_000,
      'PipelineProcessDown firing',
    );
    console.log(`alert fired (process gone):\n  ${show(down)}`);
    // Only the process that went away: the pipeline's own is up.
    expect(down.map((a) => a.labels.instance)).toEqual([other]);
    await eventually(
      () => active('OngoingWriteLeaseHeldTwice'),
      (a) => a.length === 0,
      20_000,
      'held twice cleared',
    );

    await serveOther(`${BUILD}pipeline_lease_held{lease="ongoing-writes.99"} 0\n`);
    const none = await eventually(
      () => firing('OngoingWriteLeaseNotHeld'),
      (a) => a.length > 0,
      20_000,
      'not held',
    );
    console.log(`alert fired (nobody holds the lease):\n  ${show(none)}`);
    expect(none.map((a) => a.labels.lease)).toEqual(['ongoing-writes.99']);
    await eventually(
      () => active('PipelineProcessDown'),
      (a) => a.length === 0,
      20_000,
      'PipelineProcessDown cleared',
    );

    otherMetrics = `${BUILD}pipeline_lease_held{lease="ongoing-writes.99"} 1\n`;
    await eventually(
      () => active('OngoingWriteLeaseNotHeld'),
      (a) => a.length === 0,
      20_000,
      'not held cleared',
    );
  }, 120_000);

  it('a backlog the stopped Ongoing sink cannot take: the lag read from the brokers keeps growing, PipelineConsumerLagGrowing fires, and clears after', async () => {
    await env.control.denyAuthorization(40_000);
    await env
      .db('multicase.products')
      .insert(Array.from({ length: 1_100 }, (_, i) => ({ product_number: `LAG-${i}`, description: `Backlog ${i}` })));
    const fired = await eventually(
      () => firing('PipelineConsumerLagGrowing'),
      (a) => a.some((x) => x.labels.stage === 'sink.ongoing.article'),
      40_000,
      'PipelineConsumerLagGrowing firing',
    );
    console.log(`alert fired (backlog):\n  ${show(fired)}`);
    expect(fired.find((x) => x.labels.stage === 'sink.ongoing.article')!.labels.topic).toBe('ongoing.article.upsert');
    await eventually(
      () => active('PipelineConsumerLagGrowing'),
      (a) => a.length === 0,
      90_000,
      'PipelineConsumerLagGrowing cleared',
    );
  }, 150_000);

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
      (a) => a.some((x) => x.labels.kind === 'stock_below_zero'),
      30_000,
      'IntegrationExceptionsOpen firing',
    );
    console.log(`alert fired (stock below zero):\n  ${show(fired)}`);
    expect(fired.find((a) => a.labels.kind === 'stock_below_zero')?.labels).toMatchObject({ severity: 'warning' });
    // The count may also have released allocation held by this file's earlier orders: another kind.
    for (const open of (await openExceptions(env.db)).recent)
      expect(await resolveException(env.db, open.id, 'alert test', 'counted again')).toMatchObject({
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
