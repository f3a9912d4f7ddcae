/**
 * What build a process runs, as `pipeline_build_info{version, revision, node_version} 1`: the
 * package's version (package.json, found upwards from this module: beside dist/ in the image, the
 * repository in development), the source revision the image was built from, and Node's version.
 * Dashboards join on it to show what runs where; alerts find the pipeline's processes by it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gauge } from 'prom-client';
import { loadConfig, setting } from './config.js';
import { registry } from './metrics.js';

export const buildSettings = {
  revision: setting.optional.string('PIPELINE_BUILD_REVISION', {
    description:
      "the source revision the running build was made from, shown in pipeline_build_info (the image sets it from the Dockerfile's REVISION build argument); unset: unknown",
  }),
};

const buildInfo = new Gauge({
  name: 'pipeline_build_info',
  help: 'always 1; the labels say which build this process runs (package version, source revision, Node.js version)',
  labelNames: ['version', 'revision', 'node_version'],
  registers: [registry],
});

/** The version in the nearest package.json above this module. */
export function packageVersion(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version);
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Sets pipeline_build_info for this process. */
export function announceBuild(env: NodeJS.ProcessEnv = process.env): void {
  const { revision } = loadConfig(buildSettings, env);
  buildInfo.reset();
  buildInfo.set({ version: packageVersion(), revision: revision ?? 'unknown', node_version: process.version }, 1);
}
