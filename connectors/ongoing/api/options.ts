/** How an OngoingApi is configured: the settings a pipeline process reads, and the client's options. */
import { ConfigError, setting } from '../../../runtime/config.js';

export const ongoingApiSettings = {
  baseUrl: setting.url('ONGOING_API_BASE_URL', {
    description: 'Ongoing REST base URL including /{warehouse}/api/v1 (the local simulator by default)',
    default: 'http://127.0.0.1:8090/demo/api/v1',
  }),
  username: setting.string('ONGOING_API_USERNAME', { description: 'Ongoing API user name', default: 'api' }),
  // No default: a forgotten password must stop the process at start, not meet Ongoing's 401 later.
  // Optional only so that a role that never calls Ongoing (processors, source-multicase) need not hold it.
  password: setting.optional.string('ONGOING_API_PASSWORD', {
    description:
      'Ongoing API user password; required by whatever calls Ongoing (source-ongoing, sink-ongoing, sink-multicase with RECONCILE_INTERVAL_MS, the console, ops commands that check against Ongoing), which refuse to start without it; the local stack and npm start use the simulator\'s "secret"',
    secret: true,
  }),
  goodsOwnerId: setting.int('ONGOING_GOODS_OWNER_ID', {
    description: 'Ongoing goods owner id the integration acts for',
    default: 1,
    min: 1,
  }),
  timeoutMs: setting.int('ONGOING_API_TIMEOUT_MS', {
    description: 'Timeout of one Ongoing API call in milliseconds',
    default: 30_000,
    min: 100,
  }),
};

export interface OngoingApiOptions {
  /** `https://api.ongoingsystems.se/{warehouse}/api/v1` or the simulator's baseUrl. */
  baseUrl: string;
  username: string;
  password: string;
  goodsOwnerId: number;
  /** Per call, including reading the body; default 30 s. */
  timeoutMs?: number;
  /**
   * Default true. Only for tests that send parallel writes on purpose, to see what Ongoing (or the
   * simulator) does with them; a pipeline that turns this off gets its writes timed out.
   */
  serialWrites?: boolean;
  /**
   * Where to warn (once per process) that the Basic-auth password would travel in clear text: a
   * plain `http:` base URL to a host other than localhost / 127.0.0.0/8 / ::1. Without it, no warning.
   */
  log?: { warn(msg: string, fields?: object): void };
  /**
   * Called before every write, in its turn; throws to refuse it. The pipeline passes the check of
   * its Ongoing write lease, so that of all processes only the lease holder writes.
   */
  writeGate?: (what: string) => void;
}

/** The password, or the ConfigError that stops a process which calls Ongoing without one. */
export function ongoingPassword(cfg: { password?: string | undefined }, who: string): string {
  if (cfg.password === undefined)
    throw new ConfigError([
      `ONGOING_API_PASSWORD is required: ${who} calls the Ongoing API (Ongoing API user password)`,
    ]);
  return cfg.password;
}
