/** Plain-text tables for terminal output: columns padded to their widest cell, the last one not. */

export type Cell = string | number | bigint | null | undefined;

export function textTable(headers: string[], rows: Cell[][]): string {
  const text = [headers, ...rows.map((r) => r.map(cellText))];
  const widths = headers.map((_, i) => Math.max(...text.map((r) => (r[i] ?? '').length)));
  return text
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cellText(c: Cell): string {
  if (c === null || c === undefined || c === '') return '-';
  return String(c).replace(/\s+/g, ' ');
}

export const isoTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString();

export const plural = (n: number | bigint, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 || n === 1n ? one : many}`;
