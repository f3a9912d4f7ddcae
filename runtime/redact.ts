/**
 * Credentials out of anything printed: the password of a URL (`scheme://user:password@host`), found
 * in free text as well as in a setting's value. A URL is parsed to find its userinfo; where parsing
 * cannot be trusted to have found all of it (a malformed URL, or one whose path holds an `@`,
 * which a password with `/` in it produces), everything between `//` and the last `@` is masked, so
 * a password with `/`, `@`, `:` or `#` in it never shows.
 */

const MASK = '***';

/** A URL-like run of text: a scheme, `//`, and what follows up to white space or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** The URL with its password (and, when it cannot be told apart, the whole userinfo) masked. */
export function redactUrl(raw: string): string {
  const start = raw.indexOf('//');
  if (start < 0) return raw.includes('@') ? `${MASK}${raw.slice(raw.lastIndexOf('@'))}` : raw;
  const rest = raw.slice(start + 2);
  const at = rest.lastIndexOf('@');
  if (at < 0) return raw;
  const prefix = raw.slice(0, start + 2);
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  const authorityEnd = rest.search(/[/?#]/);
  const atInAuthority = authorityEnd < 0 || at < authorityEnd;
  if (parsed && atInAuthority && (parsed.username || parsed.password)) {
    // Parsed as the user meant it: keep the user name, mask the password.
    const user = rest.slice(0, at);
    const colon = user.indexOf(':');
    return colon < 0 ? raw : `${prefix}${user.slice(0, colon)}:${MASK}${rest.slice(at)}`;
  }
  // Malformed, or an `@` past where the parser ended the host: mask all that may be userinfo.
  const user = rest.slice(0, at);
  const colon = user.indexOf(':');
  const name = colon >= 0 && !/[/?#]/.test(user.slice(0, colon)) ? user.slice(0, colon) : '';
  return `${prefix}${name ? `${name}:` : ''}${MASK}${rest.slice(at)}`;
}

/** The text with the password of every URL in it masked. */
export function redactText(text: string): string {
  return text.includes('//') ? text.replace(URL_IN_TEXT, redactUrl) : text;
}

/** True when the URL carries a user name or password. */
export function hasUserinfo(raw: string): boolean {
  const start = raw.indexOf('//');
  return start >= 0 && raw.slice(start + 2).includes('@');
}
