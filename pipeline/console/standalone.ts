/**
 * `npm run ops -- console`: the console in a process of its own, beside the pipeline. Kafka,
 * Ongoing and the Multicase database come from the usual settings; the records, p99 and health of
 * the pipeline come from scraping CONSOLE_METRICS_URLS. Runs until SIGINT or SIGTERM.
 */
import type { Knex } from 'knex';
import { loadConfig } from '../../runtime/config.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';
import { warehouseSettings } from '../settings.js';
import { startConsole, type RunningConsole } from './server.js';
import { consoleSettings, metricsUrls } from './settings.js';
import { scrapedTelemetry } from './telemetry.js';

export function startStandaloneConsole(
  rt: Runtime,
  ongoing: OngoingApi,
  multicaseDb: () => Knex,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningConsole> {
  const urls = metricsUrls(loadConfig(consoleSettings, env));
  const { integratedWarehouse } = loadConfig(warehouseSettings, env);
  return startConsole({
    rt,
    ongoing,
    multicaseDb,
    warehouse: integratedWarehouse,
    telemetry: scrapedTelemetry(urls),
    env,
  });
}

export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

export function describeConsole(c: RunningConsole): string {
  return `Console on ${c.url} (${c.writable ? 'actions need the console token' : 'read-only'}); Ctrl-C stops it.`;
}
