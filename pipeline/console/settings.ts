/** The console's settings (`npm run ops -- console`, or a pipeline process with CONSOLE_PORT set). */
import { ConfigError, setting, type ConfigOf } from '../../runtime/config.js';
import { isPlainHttpToRemoteHost } from '../../runtime/http-security.js';

export const consoleSettings = {
  consolePort: setting.int('CONSOLE_PORT', {
    default: 8088,
    min: 0,
    max: 65535,
    description:
      'port of the browser console of `npm run ops -- console`; a pipeline process serves the console too, on this port, only when it is set; 0 picks a free one',
  }),
  consoleHost: setting.string('CONSOLE_HOST', {
    default: '127.0.0.1',
    description:
      'address the console listens on; 0.0.0.0 lets other machines reach it, and then every request, reads too, needs CONSOLE_TOKEN (put TLS in front: the token travels in a header)',
  }),
  consoleWrite: setting.bool('CONSOLE_WRITE', {
    default: false,
    description:
      "offer the console's actions (retry a dead letter, save a shipping-method mapping, check stock); needs CONSOLE_TOKEN, without it the console refuses to start. False: read-only",
  }),
  consoleToken: setting.optional.string('CONSOLE_TOKEN', {
    secret: true,
    description:
      'the token every console action must carry (typed into the page, sent as Authorization: Bearer), and every page when CONSOLE_HOST is not loopback (the browser asks for it as the password of any user name); at least 16 characters',
  }),
  consoleMetricsUrls: setting.optional.string('CONSOLE_METRICS_URLS', {
    description:
      'comma-separated /metrics URLs of the pipeline processes whose records, p99 and health a standalone console shows (their /healthz is read beside); unset: none',
  }),
};

export type ConsoleConfig = ConfigOf<typeof consoleSettings>;

export const MIN_TOKEN_LENGTH = 16;

/** The token actions need, or undefined for a read-only console; refuses a write-enabled console without a usable token. */
export function consoleToken(cfg: ConsoleConfig): string | undefined {
  const token = cfg.consoleToken;
  if (!cfg.consoleWrite) return undefined;
  if (token === undefined)
    throw new ConfigError([
      'CONSOLE_WRITE=true needs CONSOLE_TOKEN: the console does not start with actions anyone could use',
    ]);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConfigError([`CONSOLE_TOKEN=<hidden> is shorter than ${MIN_TOKEN_LENGTH} characters`]);
  return token;
}

/** True for a host name or address of this machine only (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  const url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}`;
  // What is no host name at all is no loopback name either.
  if (!URL.canParse(url)) return false;
  return !isPlainHttpToRemoteHost(url);
}

/**
 * The token reads need: none on loopback (only this machine reaches the console), CONSOLE_TOKEN
 * when other machines can; refuses to listen beyond loopback without a usable token.
 */
export function consoleReadToken(cfg: ConsoleConfig): string | undefined {
  if (isLoopback(cfg.consoleHost)) return undefined;
  const token = cfg.consoleToken;
  if (token === undefined)
    throw new ConfigError([
      `CONSOLE_HOST=${cfg.consoleHost} lets other machines reach the console: set CONSOLE_TOKEN, which every request then needs`,
    ]);
  if (token.length < MIN_TOKEN_LENGTH)
    throw new ConfigError([`CONSOLE_TOKEN=<hidden> is shorter than ${MIN_TOKEN_LENGTH} characters`]);
  return token;
}

/** The /metrics URLs to read, each checked. */
export function metricsUrls(cfg: ConsoleConfig): string[] {
  const urls = (cfg.consoleMetricsUrls ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const bad = urls.filter((u) => {
    try {
      return !['http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return true;
    }
  });
  if (bad.length)
    throw new ConfigError([
      `CONSOLE_METRICS_URLS has ${bad.map((b) => JSON.stringify(b)).join(', ')}, which is not an http(s) URL`,
    ]);
  return urls;
}
