/**
 * The eight flows as one SVG picture, drawn from the flow table: per flow a lane, left to right
 * source system → change topic → command topic → target system, one arrow per step with its live
 * figures (records, consumer lag, end-to-end p99). Rendered on the server; styled by console.css.
 */
import type { FlowView, HopView } from './snapshot.js';
import { esc } from './html.js';

const BOX_W = 240;
const ARROW_W = 150;
const BOX_H = 30;
const ROW_H = 50;
const HEAD_H = 26;
const MARGIN = 10;
const COLS = 4;
export const PICTURE_WIDTH = MARGIN * 2 + COLS * BOX_W + (COLS - 1) * ARROW_W;
const colX = (col: number) => MARGIN + col * (BOX_W + ARROW_W);
const COLUMNS: Record<HopView['kind'], [number, number]> = {
  source: [0, 1],
  mapping: [1, 2],
  report: [1, 2],
  state: [1, 2],
  sink: [2, 3],
};
/** Characters that fit a box at the stylesheet's font size. */
const BOX_CHARS = 31;

const fmt = new Intl.NumberFormat('en');
export const seconds = (s: number): string => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(s < 10 ? 2 : 1)} s`);
const cut = (text: string, n: number) => (text.length <= n ? text : `${text.slice(0, n - 1)}…`);

interface Placed {
  hop: HopView;
  row: number;
}

/** Puts each hop on the first row where its two boxes are free or already show the same thing, so a chain reads as one line. */
function place(hops: HopView[]): { placed: Placed[]; rows: Array<Map<number, string>> } {
  const rows: Array<Map<number, string>> = [];
  const placed = hops.map((hop) => {
    const [a, b] = COLUMNS[hop.kind];
    const fits = (r: Map<number, string>) => (r.get(a) ?? hop.from) === hop.from && (r.get(b) ?? hop.to) === hop.to;
    let row = rows.findIndex(fits);
    if (row < 0) row = rows.push(new Map()) - 1;
    rows[row]!.set(a, hop.from).set(b, hop.to);
    return { hop, row };
  });
  return { placed, rows };
}

function boxClass(label: string): string {
  if (label.startsWith('Multicase DB')) return 'box system multicase';
  if (label.startsWith('Ongoing WMS')) return 'box system ongoing';
  if (label.startsWith('state.') || label.startsWith('flow ')) return 'box state';
  return 'box topic';
}

function box(label: string, x: number, y: number): string {
  return `<g class="${boxClass(label)}"><title>${esc(label)}</title><rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6"/><text x="${x + 8}" y="${y + 19}">${esc(cut(label, BOX_CHARS))}</text></g>`;
}

function figures(hop: HopView): { above: string; below: string } {
  const count = hop.count === undefined ? 'n/a' : fmt.format(hop.count);
  const what =
    hop.kind === 'source' ? 'events' : hop.kind === 'state' ? 'held' : hop.kind === 'report' ? 'acks' : 'records';
  const above = hop.lag === undefined ? `${count} ${what}` : `${count} · lag ${fmt.format(hop.lag)}`;
  const below = hop.p99 !== undefined ? `p99 ${seconds(hop.p99)}` : hop.kind === 'sink' ? 'p99 –' : '';
  return { above, below };
}

function arrow(hop: HopView, y: number, paused: boolean): string {
  const [a] = COLUMNS[hop.kind];
  const x1 = colX(a) + BOX_W;
  const x2 = x1 + ARROW_W;
  const mid = y + BOX_H / 2;
  const cls = ['hop', hop.kind, paused ? 'paused' : '', (hop.lag ?? 0) > 0 ? 'lagging' : ''].filter(Boolean).join(' ');
  const { above, below } = figures(hop);
  return [
    `<g class="${cls}" data-stage="${esc(hop.stage)}"><title>${esc(hop.detail)}</title>`,
    `<line x1="${x1 + 4}" y1="${mid}" x2="${x2 - 10}" y2="${mid}" marker-end="url(#arrowhead)"/>`,
    `<text class="figure" x="${(x1 + x2) / 2}" y="${mid - 6}" text-anchor="middle">${esc(above)}</text>`,
    below ? `<text class="figure" x="${(x1 + x2) / 2}" y="${mid + 14}" text-anchor="middle">${esc(below)}</text>` : '',
    paused
      ? `<text class="figure paused-label" x="${(x1 + x2) / 2}" y="${mid + 26}" text-anchor="middle">paused</text>`
      : '',
    '</g>',
  ].join('');
}

function lane(flow: FlowView, y: number, paused: ReadonlySet<string>): { svg: string; height: number } {
  const { placed, rows } = place(flow.hops);
  const p99s = flow.hops.map((h) => h.p99).filter((p): p is number => p !== undefined);
  const lag = flow.hops.reduce((s, h) => s + (h.lag ?? 0), 0);
  const summary = [`lag ${fmt.format(lag)}`, p99s.length ? `end-to-end p99 ${seconds(Math.max(...p99s))}` : '']
    .filter(Boolean)
    .join(' · ');
  const height = HEAD_H + Math.max(rows.length, 1) * ROW_H + MARGIN;
  const parts = [
    `<g class="lane" id="flow-${flow.number}"><rect class="lane-bg" x="2" y="${y}" width="${PICTURE_WIDTH - 4}" height="${height - 4}" rx="8"/>`,
    `<text class="lane-title" x="${MARGIN + 4}" y="${y + 18}">${esc(`${flow.number}. ${flow.name} (${flow.direction})`)}</text>`,
    `<text class="lane-summary" x="${PICTURE_WIDTH - MARGIN - 4}" y="${y + 18}" text-anchor="end">${esc(summary)}</text>`,
  ];
  rows.forEach((r, i) => {
    for (const [col, label] of r) parts.push(box(label, colX(col), y + HEAD_H + i * ROW_H));
  });
  for (const p of placed) parts.push(arrow(p.hop, y + HEAD_H + p.row * ROW_H, paused.has(p.hop.stage)));
  parts.push('</g>');
  return { svg: parts.join(''), height };
}

/** The picture; `paused`: stage names that are paused now. */
export function flowPicture(flows: readonly FlowView[], paused: ReadonlySet<string>): string {
  let y = 0;
  const lanes = flows.map((f) => {
    const l = lane(f, y, paused);
    y += l.height;
    return l.svg;
  });
  return [
    `<svg class="flows" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${PICTURE_WIDTH} ${y}" width="${PICTURE_WIDTH}" height="${y}" role="img" aria-label="The eight flows with live figures">`,
    '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
    ...lanes,
    '</svg>',
  ].join('\n');
}
