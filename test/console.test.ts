/**
 * The browser console in a real headless browser (Debian's chromium, driven by playwright-core;
 * nothing is downloaded), served by the pipeline process on the real stack: a picking list held
 * for an unmapped freight method goes out once the method is mapped in the editor, and a picking
 * list dead-lettered because its article was not in Ongoing yet goes out once retried from the page,
 * and an integration exception (a count below what Multicase holds) is marked resolved from the page.
 * The flow picture is kept as test-results/console-flows.png (UPDATE_DOCS_SCREENSHOT=1 also
 * rewrites docs/console.png).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProduct,
  createSalesOrder,
  sendOrderToWarehouse,
  setStock,
} from '../infra/local/multicase-db/actions.js';
import { seedShippingMap } from '../infra/local/demo/shipping-map.js';
import { startPipeline, type Pipeline } from '../pipeline/main.js';
import { esc } from '../pipeline/console/html.js';
import { MetricSet, parseMetrics } from '../pipeline/console/metrics-text.js';
import { consoleSettings, consoleToken } from '../pipeline/console/settings.js';
import { exceptionById } from '../connectors/multicase/adapter/exceptions.js';
import { scrapedTelemetry } from '../pipeline/console/telemetry.js';
import { ConfigError, loadConfig } from '../runtime/config.js';
import { metrics } from '../runtime/metrics.js';
import { openTable, type Table } from '../runtime/table.js';
import { idMapKey, topics } from '../schemas/catalog.js';
import type { IdMapping } from '../schemas/types.generated.js';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-test-token-5f1c2a9e';

let env: TestEnvironment;
let pipeline: Pipeline;
let browser: Browser;
let idMap: Table<IdMapping>;

beforeAll(async () => {
  // A fresh machine (CI runs as root) gets Debian's chromium here; nothing else is fetched.
  execFileSync('bash', [`${root}infra/local/tools.sh`, 'ensure', 'chromium', CHROMIUM], {
    stdio: 'inherit',
    timeout: 600_000,
  });
  env = await startTestEnvironment('console', {
    MULTICASE_PICKING_LIST_POLL_MS: '2000',
    MULTICASE_PRODUCT_POLL_MS: '4000',
    ID_MAP_GRACE_MS: '500',
    ONGOING_INVENTORY_ADJUSTMENT_POLL_MS: '500',
    CONSOLE_PORT: '0',
    CONSOLE_WRITE: 'true',
    CONSOLE_TOKEN: TOKEN,
  });
  await seedShippingMap(env.rt, [1, 2, 3, 4, 5]);
  [pipeline, browser, idMap] = await Promise.all([
    startPipeline({ env: env.env }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    openTable(env.rt, topics.idMap),
  ]);
  await pipeline.started();
  await idMap.waitFor(idMapKey('ongoing', 'article', 'COFFEE-500'), (v) => v !== undefined, 20_000);
});

afterAll(async () => {
  await browser?.close();
  await idMap?.close();
  await pipeline?.close();
  await env?.close();
});

const inOngoing = (orderNumber: string) => env.api.getOrders({ orderNumber }).then((o) => o[0]);
const productPolls = async () =>
  (await metrics.sourcePolls.get()).values.find(
    (v) => v.labels.source === 'multicase.products' && v.labels.outcome === 'ok',
  )?.value ?? 0;

async function openConsole(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await page.goto(pipeline.console!.url);
  await page.fill('#token', TOKEN);
  await page.click('#token-form button[type=submit]');
  await expect.poll(() => page.textContent('#token-state')).toContain('token set');
  return page;
}

describe('the browser console', () => {
  it('maps a freight method in the editor, and the held picking list goes out', async () => {
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10001',
      shippingMethod: 'PN-LOCKER',
      pickupPointCode: 'PUP-4411',
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'COFFEE-500', quantity: 1, unitPrice: 129 }],
    });
    const held = await sendOrderToWarehouse(env.db, order.orderNumber);
    const page = await openConsole();
    // Listed under "what needs a person", naming its freight method, with the action that releases it.
    const release = page.locator('#attention a.open-mapping[data-method="7"]');
    await expect.poll(async () => (await page.reload(), release.count()), { timeout: 20_000 }).toBe(1);
    expect(await page.textContent('#attention table.held')).toContain(held.pickingListNumber);
    await release.click();
    const row = page.locator('tr#map-7');
    expect(await row.getAttribute('class')).toContain('focus');
    expect(await row.locator('.check').textContent()).toContain('no mapping');

    // Checked against Ongoing as it is chosen, and again on saving.
    await row.locator('select[name=transporterCode]').selectOption('PLAB');
    await row.locator('select[name=transporterServiceCode]').selectOption('P19');
    await row.locator('select[name=wayOfDeliveryCode]').selectOption('SERVICEPOINT');
    await expect.poll(() => row.locator('.check').textContent()).toBe('valid in Ongoing (not saved yet)');
    await row.locator('button.save').click();
    await expect.poll(() => page.textContent('#message'), { timeout: 20_000 }).toContain('Saved freight method 7');

    const o = await eventually(
      () => inOngoing(held.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'the held picking list in Ongoing once mapped in the console',
    );
    expect(o!.orderInfo.wayOfDelivery?.code).toBe('SERVICEPOINT');
    expect(o!.transporter).toMatchObject({ code: 'PLAB', serviceCode: 'P19' });
    await expect
      .poll(async () => (await page.reload(), page.textContent('#attention')), { timeout: 20_000 })
      .toContain('None held.');
    await page.close();
  });

  it('retries a dead letter from the page once its cause is fixed', async () => {
    // Right after a product poll, a new product is not in Ongoing for a few seconds: a picking list
    // for it waits out ID_MAP_GRACE_MS and is dead-lettered as unmappable; the next poll fixes the cause.
    const polls = await productPolls();
    await eventually(productPolls, (n) => n > polls, 10_000, 'a product poll');
    await createProduct(env.db, { productNumber: 'CONSOLE-1', description: 'Console test lantern' });
    await setStock(env.db, 'CONSOLE-1', 'MAIN', 5);
    const order = await createSalesOrder(env.db, {
      customerNumber: 'C10002',
      shippingMethod: 2,
      warehouseCode: 'MAIN',
      lines: [{ productNumber: 'CONSOLE-1', quantity: 1, unitPrice: 349 }],
    });
    const picking = await sendOrderToWarehouse(env.db, order.orderNumber);

    const page = await openConsole();
    const retry = page.locator(`button.retry[data-key="${picking.pickingListNumber}"]`);
    await expect.poll(async () => (await page.reload(), retry.count()), { timeout: 20_000 }).toBe(1);
    const letter = page.locator('table.letters tr', { has: retry });
    expect(await letter.textContent()).toContain('UnmappableError');
    expect(await letter.textContent()).toContain('lines[0].productNumber');
    await idMap.waitFor(idMapKey('ongoing', 'article', 'CONSOLE-1'), (v) => v !== undefined, 20_000);
    expect(await inOngoing(picking.pickingListNumber)).toBeUndefined();

    await retry.click();
    await expect.poll(() => page.textContent('#message'), { timeout: 20_000 }).toContain('Re-published');
    const o = await eventually(
      () => inOngoing(picking.pickingListNumber),
      (x) => x !== undefined,
      20_000,
      'the retried picking list in Ongoing',
    );
    expect(o!.orderLines.map((l) => l.article.articleNumber)).toEqual(['CONSOLE-1']);
    await expect.poll(() => page.textContent('#attention'), { timeout: 10_000 }).toContain('retried');

    // The flow picture with live figures: the order flow's sink has applied records, with a p99.
    await page.reload();
    const lane = page.locator('svg.flows #flow-4');
    expect(await lane.locator('.hop.sink[data-stage="sink.ongoing.order"]').textContent()).toMatch(/p99 \d/);
    mkdirSync(`${root}test-results`, { recursive: true });
    await page.locator('#flows').screenshot({ path: `${root}test-results/console-flows.png` });
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      mkdirSync(`${root}docs`, { recursive: true });
      await page.screenshot({ path: `${root}docs/console.png`, fullPage: true });
    }
    await page.close();
  });

  it('lists an integration exception and marks it resolved with a note', async () => {
    await idMap.waitFor(idMapKey('ongoing', 'article', 'TENT-2P'), (v) => v !== undefined, 20_000);
    await setStock(env.db, 'TENT-2P', 'MAIN', 2);
    await env.control.adjustStock({
      adjustments: [{ articleNumber: 'TENT-2P', numberOfItems: -5, cause: { code: 'COUNT', name: 'Stock count' } }],
    });
    const page = await openConsole();
    const row = page.locator('table.exceptions tr', { hasText: 'TENT-2P' });
    await expect.poll(async () => (await page.reload(), row.count()), { timeout: 30_000 }).toBe(1);
    expect(await row.textContent()).toContain('stock the warehouse has less of than Multicase can book');
    expect(await row.textContent()).toContain('-5 / -2');
    const id = await row.locator('button.resolve').getAttribute('data-id');
    await row.locator('input.resolve-note').fill('recounted: 3 found in the returns area');
    await row.locator('button.resolve').click();
    await expect.poll(() => page.textContent('#message'), { timeout: 20_000 }).toContain(`Exception ${id}`);
    expect(await exceptionById(env.db, Number(id))).toMatchObject({
      status: 'resolved',
      resolvedBy: 'console',
      resolutionNote: 'recounted: 3 found in the returns area',
    });
    await expect
      .poll(async () => (await page.reload(), page.textContent('#attention')), { timeout: 20_000 })
      .toContain('No open exceptions.');
    await page.close();
  });

  it('refuses actions without the token, renders no secret, and sends a strict policy', async () => {
    const url = pipeline.console!.url;
    const res = await fetch(url);
    const html = await res.text();
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(html).not.toContain(TOKEN);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const post = (auth?: string) =>
      fetch(new URL('/api/stock-check', url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
        body: '{}',
      });
    expect((await post()).status).toBe(401);
    expect((await post(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await post(`Bearer ${TOKEN.slice(0, -1)}`)).status).toBe(401);
    // Bound to loopback, it does not answer under another name (DNS rebinding).
    const rebound = await new Promise<number | undefined>((resolve, reject) =>
      httpGet(url, { headers: { Host: 'console.evil.example' } }, (r) => (r.resume(), resolve(r.statusCode))).on(
        'error',
        reject,
      ),
    );
    expect(rebound).toBe(421);
  });
});

describe('console pieces', () => {
  it('does not start with actions but without a token; read-only without CONSOLE_WRITE', () => {
    expect(() => consoleToken(loadConfig(consoleSettings, { CONSOLE_WRITE: 'true' }))).toThrow(ConfigError);
    expect(() => consoleToken(loadConfig(consoleSettings, { CONSOLE_WRITE: 'true', CONSOLE_TOKEN: 'short' }))).toThrow(
      /shorter than 16/,
    );
    expect(consoleToken(loadConfig(consoleSettings, { CONSOLE_TOKEN: TOKEN }))).toBeUndefined();
    expect(consoleToken(loadConfig(consoleSettings, { CONSOLE_WRITE: 'true', CONSOLE_TOKEN: TOKEN }))).toBe(TOKEN);
  });

  it('escapes what it renders and reads p99 from histogram buckets', () => {
    expect(esc(`<img src=x onerror="alert('1')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
    );
    const m = new MetricSet(
      parseMetrics(
        [
          '# TYPE pipeline_end_to_end_seconds histogram',
          'pipeline_end_to_end_seconds_bucket{le="0.5",stage="s"} 90',
          'pipeline_end_to_end_seconds_bucket{le="1",stage="s"} 100',
          'pipeline_end_to_end_seconds_bucket{le="+Inf",stage="s"} 100',
          'pipeline_records_consumed_total{stage="s",topic="a \\"b\\""} 7',
        ].join('\n'),
      ),
    );
    expect(m.quantile('pipeline_end_to_end_seconds', 0.99, { stage: 's' })).toBeCloseTo(0.95);
    expect(m.sum('pipeline_records_consumed_total', { topic: 'a "b"' })).toBe(7);
    expect(m.sum('pipeline_records_consumed_total', { stage: 'other' })).toBeUndefined();
  });

  it("standalone, reads each pipeline process's /metrics and /healthz, and names one that does not answer", async () => {
    const pipelineProcess = createServer((req, res) => {
      if (req.url === '/metrics') return void res.end('pipeline_source_events_total{source="a"} 3\n');
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: false,
          checks: { 'paused:sink.x': 'paused since …: ConfigurationFault: answered 401', 'source:a': 'ok' },
        }),
      );
    });
    await new Promise<void>((r) => pipelineProcess.listen(0, '127.0.0.1', r));
    const { port } = pipelineProcess.address() as AddressInfo;
    try {
      const t = await scrapedTelemetry([`http://127.0.0.1:${port}/metrics`, 'http://127.0.0.1:1/metrics'])();
      expect(t.metrics.sum('pipeline_source_events_total', { source: 'a' })).toBe(3);
      expect(t.unhealthy).toEqual([
        { process: `127.0.0.1:${port}`, check: 'paused:sink.x', reason: expect.stringContaining('401') },
      ]);
      expect(t.problems).toEqual([expect.stringContaining('http://127.0.0.1:1/metrics')]);
      expect(t.available).toBe(true);
      expect((await scrapedTelemetry([])()).available).toBe(false);
    } finally {
      pipelineProcess.close();
    }
  });
});
