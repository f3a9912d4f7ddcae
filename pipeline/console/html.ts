/**
 * Escaping for everything the console renders: every value that reaches HTML or SVG, text or
 * attribute, goes through `esc` (keys, messages and reasons come from the systems and may hold anything).
 */
import { isoTime } from '../ops/format.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

/** A table with a head row; cells are already HTML (escape what goes in). */
export function table(cls: string, head: string[], rows: string[][]): string {
  return [
    `<table class="${esc(cls)}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

export const time = (ms: number | null | undefined): string =>
  isoTime(ms)
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
