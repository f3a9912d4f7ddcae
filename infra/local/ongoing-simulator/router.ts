/**
 * A tiny route table: `GET /orders/{orderId}` style patterns matched segment by segment. When
 * several patterns match, the one with the most literal segments wins, so `/orders/statuses`
 * beats `/orders/{orderId}` the way ASP.NET attribute routes do.
 */

export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  literals: number;
  handler: H;
}

export type Match<H> = { handler: H; params: Params } | { methodNotAllowed: true } | undefined;

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, pattern: string, handler: H): this {
    const segments = split(pattern);
    this.routes.push({ method, segments, literals: segments.filter((s) => !s.startsWith('{')).length, handler });
    return this;
  }

  match(method: string, path: string): Match<H> {
    const parts = split(path);
    let best: { route: Route<H>; params: Params } | undefined;
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      if (!best || route.literals > best.route.literals) best = { route, params };
    }
    if (best) return { handler: best.route.handler, params: best.params };
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Params | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = decodeURIComponent(parts[i]!);
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = v;
    else if (p.toLowerCase() !== v.toLowerCase()) return undefined;
  }
  return params;
}
