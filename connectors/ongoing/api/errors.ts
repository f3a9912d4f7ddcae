/**
 * Turning Ongoing's failed answers into error text and reasons. The client decides what is
 * transient and what is rejected; these only make the message worth reading in a DLQ or a log.
 */

/** Milliseconds from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Ongoing's error text: ASP.NET `{"Message": …}` plus any ModelState details, else the raw body. */
export function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { Message?: unknown; message?: unknown; ModelState?: Record<string, unknown> };
    const message =
      typeof body.Message === 'string' ? body.Message : typeof body.message === 'string' ? body.message : undefined;
    if (message) {
      const details =
        body.ModelState && typeof body.ModelState === 'object'
          ? Object.values(body.ModelState)
              .flat()
              .filter((d) => typeof d === 'string' && !message.includes(d))
          : [];
      return details.length ? `${message} (${details.join('; ')})` : message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(empty body)';
}

/** The RejectedError reason, which rejections are counted by. */
export function reasonFor(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  return 'rejected';
}

/** fetch reports only 'fetch failed'; the code that says what happened (ECONNREFUSED, …) is in `cause`. */
export function describeNetworkError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  const detail = err.cause?.message ?? err.message ?? String(e);
  return code && !detail.includes(code) ? `${code}: ${detail}` : detail;
}
