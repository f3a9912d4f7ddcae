/**
 * Runs the Ongoing WMS simulator on its own: `node dist/infra/ongoing-simulator/main.js`.
 * Creates its database when missing, logs where it listens, stops on SIGINT/SIGTERM.
 */
import { loadConfig } from '../../../runtime/config.js';
import { createLogger } from '../../../runtime/logger.js';
import { startOngoingSimulator } from './server.js';
import { ensureDatabase, simulatorSettings } from './settings.js';

async function main(): Promise<void> {
  const log = createLogger({ component: 'ongoing-simulator' });
  const config = loadConfig(simulatorSettings);
  await ensureDatabase(config.databaseUrl);
  const sim = await startOngoingSimulator({
    port: config.port,
    host: config.host,
    databaseUrl: config.databaseUrl,
    warehouse: config.warehouse,
    writesPerSecond: config.writesPerSecond,
    logger: log,
  });
  log.info('Ongoing WMS simulator listening', {
    baseUrl: sim.baseUrl,
    controlUrl: sim.controlUrl,
    database: config.databaseUrl,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping Ongoing WMS simulator', { signal });
    sim.close().then(
      () => process.exit(0),
      (e) => {
        log.error('error while stopping', { err: e });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  createLogger({ component: 'ongoing-simulator' }).error('Ongoing WMS simulator failed to start', { err: e });
  process.exit(1);
});
