/**
 * The console's HTML: the page, and the two parts the page's script refreshes (the flow picture and
 * "what needs a person"), plus the shipping-method map editor. Server-rendered; no secret is ever
 * written into it (the token lives in the browser's sessionStorage, typed in by the person).
 */
import type { ShippingMethodMapping } from '../../schemas/types.generated.js';
import { EXCEPTION_KINDS } from '../../connectors/multicase/adapter/exception-kinds.js';
import type { OngoingCodes } from '../ops/shipping-map-check.js';
import { mappingProblems } from '../ops/shipping-map-check.js';
import type { EditorData } from './actions.js';
import { flowPicture } from './flow-picture.js';
import { esc, table, time } from './html.js';
import type { Snapshot } from './snapshot.js';

export interface PageOptions {
  /** Actions are enabled (a token is configured); otherwise the console is read-only. */
  readonly writable: boolean;
  readonly stockCheck: { running: boolean; error?: string; startedAt?: number };
}

const pausedStages = (s: Snapshot) =>
  new Set(s.unhealthy.filter((u) => u.check.startsWith('paused:')).map((u) => u.check.slice('paused:'.length)));

export function flowsFragment(s: Snapshot): string {
  const t = s.telemetry;
  const note = t.available
    ? `Records and p99 since each process started, from ${t.from}; lag from Kafka (committed offsets), as of ${time(s.takenAt)}.`
    : `Records and p99 are not available: ${t.from}. Lag is from Kafka, as of ${time(s.takenAt)}.`;
  return [
    `<div class="picture">${flowPicture(s.flows, pausedStages(s))}</div>`,
    `<p class="note">${esc(note)}</p>`,
    ...t.problems.map((p) => `<p class="problem">Could not read ${esc(p)}</p>`),
  ].join('\n');
}

const button = (o: PageOptions, cls: string, label: string, data: Record<string, string | number | null>) =>
  `<button type="button" class="${cls}"${o.writable ? '' : ' disabled title="read-only: the console runs without CONSOLE_WRITE"'}${Object.entries(
    data,
  )
    .map(([k, v]) => ` data-${k}="${esc(v ?? '')}"`)
    .join('')}>${esc(label)}</button>`;

function heldSection(s: Snapshot): string {
  const rows = s.held.map((h) => [
    esc(h.key ?? '-'),
    h.freightMethodId === undefined ? '-' : esc(h.freightMethodId),
    esc(time(h.since)),
    esc(h.reason),
    h.freightMethodId === undefined
      ? 'goes on by itself once set up'
      : `<a class="open-mapping" href="#map-${esc(h.freightMethodId)}" data-method="${esc(h.freightMethodId)}">Release: map freight method ${esc(h.freightMethodId)}</a>`,
  ]);
  return `<h3>Held picking lists <span class="count">${s.held.length}</span></h3>${
    rows.length === 0
      ? '<p class="none">None held.</p>'
      : table('held', ['picking list', 'freight method', 'held since', 'reason', 'action'], rows)
  }<p class="note">A held record goes out by itself as soon as its freight method is mapped.</p>`;
}

function letterSection(s: Snapshot, o: PageOptions): string {
  if (s.deadLetters.length === 0)
    return '<h3>Dead letters <span class="count">0</span></h3><p class="none">No dead letters.</p>';
  const groups = s.deadLetters.map((g) => {
    const rows = g.letters.map((l) => [
      esc(l.offset),
      esc(l.key ?? '-'),
      esc(
        l.originalTopic === null
          ? '-'
          : `${l.originalTopic}/${l.originalPartition ?? '?'}@${l.originalOffset ?? 'source row'}`,
      ),
      esc(l.stage ?? '-'),
      esc(l.errorClass ?? '-'),
      esc(l.field ?? '-'),
      `<span class="message">${esc(l.message ?? '-')}</span>`,
      esc(l.firstFailure ?? '-'),
      l.retriedAt !== undefined
        ? `retried ${esc(time(l.retriedAt))}`
        : l.retriable
          ? button(o, 'retry', 'Retry', { topic: g.topic, offset: l.offset, key: l.key })
          : 'fix it in the source system; the source reads it again',
    ]);
    const flowsText = g.letters[0]?.flows.length ? ` (flow ${g.letters[0].flows.join(', ')})` : '';
    const shown = g.letters.length < g.total ? `, the last ${g.letters.length} shown` : '';
    return `<h4>${esc(g.topic)}${esc(flowsText)}: ${esc(g.total)} letter${g.total === 1 ? '' : 's'}${esc(shown)}</h4>${table('letters', ['offset', 'record', 'original', 'stage', 'error', 'field', 'reason', 'first failure', 'action'], rows)}`;
  });
  const total = s.deadLetters.reduce((n, g) => n + g.total, 0);
  return `<h3>Dead letters <span class="count">${total}</span></h3>${groups.join('')}<p class="note">Retry re-publishes the original record to its topic once the cause is fixed; the stage handles it again, without double effects.</p>`;
}

function pausedSection(s: Snapshot): string {
  const rows = s.unhealthy.map((u) => [esc(u.process), esc(u.check), esc(u.reason)]);
  return `<h3>Paused stages and failing checks <span class="count">${rows.length}</span></h3>${
    rows.length === 0 ? '<p class="none">Every stage runs.</p>' : table('paused', ['process', 'check', 'cause'], rows)
  }<p class="note">A paused stage keeps retrying and resumes by itself once the cause (credentials, grants, an address, a broker) is fixed; nothing is dead-lettered meanwhile.</p>`;
}

function exceptionSection(s: Snapshot, o: PageOptions): string {
  const r = s.exceptions;
  if (!r.measured)
    return `<h3>Integration exceptions</h3><p class="problem">Could not read them: ${esc(r.problem)}</p>`;
  const q = (n: number | null) => (n === null ? '-' : esc(n));
  const rows = r.recent.map((e) => [
    esc(e.id),
    `<span title="${esc(EXCEPTION_KINDS[e.kind].userDoes)}">${esc(EXCEPTION_KINDS[e.kind].title)}</span>`,
    esc(`${e.documentType.replace(/_/g, ' ')} ${e.documentNumber}`),
    esc(e.productNumber ?? '-'),
    `${q(e.expected)} / ${q(e.reported)} / ${q(e.booked)}`,
    esc(time(e.createdAt)),
    `<span class="message">${esc(e.reason)}</span>`,
    `<input type="text" class="resolve-note" data-id="${esc(e.id)}" aria-label="what was done about exception ${esc(e.id)}" placeholder="what was done"${o.writable ? '' : ' disabled'}> ${button(o, 'resolve', 'Mark resolved', { id: e.id })}`,
  ]);
  const shown = r.open > r.recent.length ? `, the ${r.recent.length} most recent shown` : '';
  return [
    `<h3>Integration exceptions <span class="count">${r.open}</span></h3>`,
    rows.length === 0
      ? '<p class="none">No open exceptions.</p>'
      : table(
          'exceptions',
          ['id', 'kind', 'document', 'article', 'expected / reported / booked', 'raised', 'reason', 'action'],
          rows,
        ),
    `<p class="note">What the warehouse did that Multicase could not reconcile: booked as it happened${esc(shown)}. Deal with it in Multicase (hover a kind for what to do), then mark it resolved with what was done; the note goes into the documents' history.</p>`,
  ].join('');
}

function driftSection(s: Snapshot, o: PageOptions): string {
  const drifted = s.drift.items.filter((d) => d.drift !== 0);
  const rows = s.drift.items.map((d) => [
    esc(d.article),
    esc(d.drift),
    esc(d.ongoing ?? '-'),
    esc(d.multicase ?? '-'),
    esc(d.inFlight ?? '-'),
    d.explained ? esc(`${d.explained} (${(d.exceptions ?? []).map((id) => `#${id}`).join(', ')})`) : '-',
  ]);
  const check = o.stockCheck.running
    ? `<p class="note">A stock check is running since ${esc(time(o.stockCheck.startedAt))}.</p>`
    : button(o, 'stock-check', 'Check stock now', {});
  return [
    `<h3>Stock drift <span class="count">${drifted.length}</span></h3>`,
    rows.length === 0
      ? '<p class="none">No drift known.</p>'
      : table('drift', ['article', 'drift', 'ongoing', 'multicase', 'in flight', 'open exceptions'], rows),
    `<p class="note">From ${esc(s.drift.source)}${s.drift.checkedAt ? `, checked ${esc(time(s.drift.checkedAt))}` : ''}. Drift is a change no flow explains (stock corrected by hand in one system): correct it in the system that is wrong. What open exceptions explain is not drift.</p>`,
    o.stockCheck.error ? `<p class="problem">The last stock check failed: ${esc(o.stockCheck.error)}</p>` : '',
    check,
  ].join('');
}

export function attentionFragment(s: Snapshot, o: PageOptions): string {
  return [
    heldSection(s),
    letterSection(s, o),
    pausedSection(s),
    exceptionSection(s, o),
    driftSection(s, o),
    ...s.problems.map((p) => `<p class="problem">Could not read ${esc(p)}</p>`),
  ].join('\n');
}

const option = (value: string, label: string, selected: boolean, data = '') =>
  `<option value="${esc(value)}"${selected ? ' selected' : ''}${data}>${esc(label)}</option>`;

function select(
  name: string,
  current: string | null,
  options: Array<{ value: string; label: string; data?: string }>,
  known: boolean,
): string {
  const missing = current && !known ? [option(current, `${current} (not in Ongoing)`, true)] : [];
  return `<select name="${name}" aria-label="${esc(name)}">${[option('', '(none)', !current), ...missing, ...options.map((o) => option(o.value, o.label, o.value === current, o.data ?? ''))].join('')}</select>`;
}

export function codesOf(d: EditorData): OngoingCodes {
  return {
    waysOfDelivery: new Set(d.waysOfDelivery.map((w) => w.code)),
    transporters: new Map(d.transporters.map((t) => [t.code, new Set(t.services.map((s) => s.code))])),
  };
}

function mappingState(
  m: ShippingMethodMapping | undefined,
  active: boolean,
  codes: OngoingCodes,
): { cls: string; text: string } {
  if (!m || (!m.wayOfDeliveryCode && !m.transporterCode))
    return active
      ? { cls: 'bad', text: 'no mapping: its picking lists are held' }
      : { cls: 'none', text: 'not in use in Multicase' };
  const problems = mappingProblems(m, codes);
  return problems.length
    ? { cls: 'bad', text: problems.join('; ') }
    : { cls: 'ok', text: `valid in Ongoing${m.updatedAt ? `, set ${time(m.updatedAt)}` : ''}` };
}

export function editorSection(d: EditorData, o: PageOptions): string {
  const codes = codesOf(d);
  const ways = d.waysOfDelivery.map((w) => ({ value: w.code, label: w.name ? `${w.code}: ${w.name}` : w.code }));
  const transporters = d.transporters.map((t) => ({ value: t.code, label: `${t.code}: ${t.name}` }));
  const services = d.transporters.flatMap((t) =>
    t.services.map((s) => ({
      value: s.code,
      label: `${s.code}: ${s.name}`,
      data: ` data-transporter="${esc(t.code)}"`,
    })),
  );
  const rows = d.methods.map((m) => {
    const cur = d.mappings.get(m.id);
    const state = mappingState(cur, m.active, codes);
    const serviceKnown =
      !!cur?.transporterServiceCode &&
      !!cur.transporterCode &&
      !!codes.transporters.get(cur.transporterCode)?.has(cur.transporterServiceCode);
    return `<tr id="map-${esc(m.id)}" class="mapping" data-method="${esc(m.id)}"><td>${esc(m.id)}</td><td>${esc(m.code)}</td><td>${esc(m.name)}${m.active ? '' : ' <em>(not in use)</em>'}</td>
<td>${select('wayOfDeliveryCode', cur?.wayOfDeliveryCode ?? null, ways, codes.waysOfDelivery.has(cur?.wayOfDeliveryCode ?? ''))}</td>
<td>${select('transporterCode', cur?.transporterCode ?? null, transporters, codes.transporters.has(cur?.transporterCode ?? ''))}</td>
<td>${select('transporterServiceCode', cur?.transporterServiceCode ?? null, services, serviceKnown)}</td>
<td class="check ${state.cls}" aria-live="polite">${esc(state.text)}</td><td>${button(o, 'save', 'Save', { method: m.id })}</td></tr>`;
  });
  return [
    '<p class="note">Multicase freight methods (FreightID) beside Ongoing\'s ways of delivery, transporters and services, as Ongoing lists them now. Each choice is checked against Ongoing as you make it, and again on saving; saving writes state.shipping-method-map, and the picking lists held for that freight method go out by themselves.</p>',
    ...d.problems.map((p) => `<p class="problem">Could not read ${esc(p)}</p>`),
    `<table class="editor"><thead><tr><th>id</th><th>code</th><th>name</th><th>way of delivery</th><th>transporter</th><th>service</th><th>check</th><th></th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

export function page(s: Snapshot, d: EditorData, o: PageOptions): string {
  const access = o.writable
    ? `<form id="token-form" class="token" autocomplete="off"><label>Console token <input type="password" id="token" name="token" autocomplete="off"></label> <button type="submit">Use</button> <button type="button" id="forget-token">Forget</button> <span id="token-state" aria-live="polite"></span></form>`
    : '<p class="token">Read-only: this console was started without CONSOLE_WRITE, so no action is offered.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Multicase ↔ Ongoing console</title><link rel="stylesheet" href="/console.css"><script src="/console.js" defer></script></head>
<body data-writable="${o.writable}">
<header><h1>Multicase ↔ Ongoing console</h1>${access}</header>
<div id="message" role="status" aria-live="polite"></div>
<main>
<section id="flows"><h2>Flows</h2><div id="flows-body" data-fragment="/fragments/flows">${flowsFragment(s)}</div></section>
<section id="attention"><h2>What needs a person</h2><div id="attention-body" data-fragment="/fragments/attention">${attentionFragment(s, o)}</div></section>
<section id="shipping-map"><h2>Shipping-method map</h2>${editorSection(d, o)}</section>
</main></body></html>`;
}
