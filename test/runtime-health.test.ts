/**
 * The metrics endpoint's probes: /livez answers while the process runs, whatever its stages wait
 * for; /readyz (and its old name /healthz) answers 503 with the reasons while a stage is paused;
 * /metrics carries pipeline_build_info with the package's version.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceBuild, packageVersion } from '../runtime/build-info.js';
import { clearPaused, markPaused, startMetricsServer } from '../runtime/metrics.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const started = await startMetricsServer(0);
  server = started.server;
  base = `http://127.0.0.1:${started.port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.text() };
};

describe('the metrics endpoint', () => {
  it('is live while a stage waits out an outage, and ready only once it no longer does', async () => {
    markPaused('sink.ongoing.health-test', 'ConfigurationFault', 'Ongoing GET /articles answered 401');
    try {
      expect((await get('/livez')).status).toBe(200);
      for (const path of ['/readyz', '/healthz']) {
        const r = await get(path);
        expect(r.status, path).toBe(503);
        expect(JSON.parse(r.body).checks['paused:sink.ongoing.health-test']).toContain('answered 401');
      }
    } finally {
      clearPaused('sink.ongoing.health-test');
    }
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/nothing')).status).toBe(404);
  });

  it('says which build runs: pipeline_build_info with the package version and the revision', async () => {
    const version = (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    expect(packageVersion()).toBe(version);
    announceBuild({ PIPELINE_BUILD_REVISION: 'abc1234' });
    const metrics = (await get('/metrics')).body;
    expect(metrics).toContain(
      `pipeline_build_info{version="${version}",revision="abc1234",node_version="${process.version}"} 1`,
    );
    announceBuild({});
    expect((await get('/metrics')).body).toContain('revision="unknown"');
  });
});
