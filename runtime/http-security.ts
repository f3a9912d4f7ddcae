/**
 * Credentials that would cross the network in clear text. The HTTP clients that send a password
 * (Ongoing's Basic auth, the schema registry's) warn once when their base URL is plain `http:` to a
 * host other than this machine; the local stack (simulator, registry on 127.0.0.1) stays quiet.
 */

/** Minimal logger shape, so that this module and the clients need not know runtime/logger.ts. */
export interface WarnLogger {
  warn(msg: string, fields?: object): void;
}

/**
 * True when `url` is `http:` (not https) and its host is not a loopback name or address:
 * `localhost`, 127.0.0.0/8, `::1` (also written as the IPv4-mapped `::ffff:127.x.y.z`).
 * A string that is not a URL is not an http URL: false.
 */
export function isPlainHttpToRemoteHost(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:') return false;
  return !isLoopbackHost(u.hostname);
}

/** `hostname` as URL gives it: lower case, IPv4 in dotted decimal, IPv6 in brackets and compressed. */
function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost') return true;
  // WHATWG URL normalises every IPv4 spelling (127.1, 0x7f.1, 2130706433) to dotted decimal.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  // …and IPv6 to its compressed form: [0:0:0:0:0:0:0:1] is [::1], [::ffff:127.0.0.1] is [::ffff:7f00:1].
  if (h === '[::1]') return true;
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}

const warned = new Set<string>();

/**
 * Logs once per process (per client and origin) that `what`'s credentials go over plain http to
 * a remote host; returns whether it logged now. Only the origin is logged, never user info.
 */
export function warnIfPlainHttpToRemoteHost(url: string, what: string, log: WarnLogger): boolean {
  if (!isPlainHttpToRemoteHost(url)) return false;
  const origin = new URL(url).origin;
  const key = `${what}|${origin}`;
  if (warned.has(key)) return false;
  warned.add(key);
  log.warn(`${what} is reached over plain http on a remote host: its credentials travel in clear text; use https`, {
    url: origin,
  });
  return true;
}
