/**
 * The console's script and stylesheet, served as files (the Content-Security-Policy allows no
 * inline script or style). Plain browser JavaScript: it refreshes the server-rendered parts, sends
 * actions with the token the person typed in (kept in sessionStorage, never in the page), and
 * checks a mapping against Ongoing as it is edited.
 */

export const CONSOLE_JS = String.raw`'use strict';
(() => {
  const KEY = 'consoleToken';
  const $ = (sel, root = document) => root.querySelector(sel);
  const message = (text, kind) => {
    const m = $('#message');
    m.textContent = text;
    m.className = kind || '';
  };
  const token = () => sessionStorage.getItem(KEY) || '';
  const showTokenState = () => {
    const s = $('#token-state');
    if (s) s.textContent = token() ? 'token set for this tab' : 'no token: actions are refused';
  };

  async function post(path, body) {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token() },
      body: JSON.stringify(body || {}),
      cache: 'no-store',
    });
    let data = {};
    try { data = await res.json(); } catch (e) { data = { message: res.statusText }; }
    if (res.status === 401) throw new Error('Refused: enter the console token first (' + (data.message || 'unauthorized') + ')');
    if (!res.ok) throw new Error(data.message || res.statusText);
    return data;
  }

  // One refresh at a time; one asked for meanwhile (after an action) runs when it ends.
  let refreshing = null;
  let again = false;
  async function refreshOnce() {
    try {
      for (const el of document.querySelectorAll('[data-fragment]')) {
        // What the person is typing (a note on an exception) is not thrown away by a refresh.
        const typing = [...el.querySelectorAll('input')].some((i) => i === document.activeElement || i.value);
        if (typing) continue;
        const res = await fetch(el.dataset.fragment, { cache: 'no-store' });
        if (res.ok) el.innerHTML = await res.text();
      }
    } catch (e) {
      message('Could not refresh: ' + e.message, 'error');
    }
  }
  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        await refreshOnce();
      } while (again);
      refreshing = null;
    })();
    return refreshing;
  }

  function rowValues(row) {
    const v = (name) => { const s = row.querySelector('select[name="' + name + '"]'); return s && s.value ? s.value : null; };
    return { id: Number(row.dataset.method), wayOfDeliveryCode: v('wayOfDeliveryCode'), transporterCode: v('transporterCode'), transporterServiceCode: v('transporterServiceCode') };
  }

  function filterServices(row) {
    const transporter = row.querySelector('select[name="transporterCode"]').value;
    const services = row.querySelector('select[name="transporterServiceCode"]');
    for (const o of services.options) {
      if (!o.dataset.transporter) continue;
      o.hidden = o.dataset.transporter !== transporter;
      if (o.hidden && o.selected) services.value = '';
    }
  }

  async function check(row) {
    const cell = row.querySelector('.check');
    const v = rowValues(row);
    const q = new URLSearchParams();
    for (const k of ['wayOfDeliveryCode', 'transporterCode', 'transporterServiceCode']) if (v[k]) q.set(k, v[k]);
    cell.textContent = 'checking with Ongoing…';
    cell.className = 'check';
    try {
      const res = await fetch('/api/shipping-map/check?' + q.toString(), { cache: 'no-store' });
      const data = await res.json();
      if (!res.ok) throw new Error(data.message || res.statusText);
      cell.textContent = data.problems.length ? data.problems.join('; ') : 'valid in Ongoing (not saved yet)';
      cell.className = 'check ' + (data.problems.length ? 'bad' : 'ok');
    } catch (e) {
      cell.textContent = 'could not check: ' + e.message;
      cell.className = 'check bad';
    }
  }

  async function act(button, work) {
    button.disabled = true;
    try {
      const data = await work();
      message(data.message, 'ok');
      await refresh();
    } catch (e) {
      message(e.message, 'error');
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener('click', (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    const retry = t.closest('button.retry');
    if (retry) return void act(retry, () => post('/api/dlq/retry', { topic: retry.dataset.topic, offset: retry.dataset.offset, key: retry.dataset.key || null }));
    const save = t.closest('button.save');
    if (save) return void act(save, () => post('/api/shipping-map', rowValues(save.closest('tr'))));
    const resolve = t.closest('button.resolve');
    if (resolve) {
      const note = document.querySelector('input.resolve-note[data-id="' + resolve.dataset.id + '"]');
      return void act(resolve, async () => {
        const data = await post('/api/exceptions/resolve', { id: Number(resolve.dataset.id), note: note ? note.value : '' });
        if (note) note.value = '';
        return data;
      });
    }
    const stock = t.closest('button.stock-check');
    if (stock) return void act(stock, () => post('/api/stock-check'));
    const open = t.closest('a.open-mapping');
    if (open) {
      ev.preventDefault();
      const row = document.getElementById('map-' + open.dataset.method);
      if (!row) return message('Freight method ' + open.dataset.method + ' is not in the editor', 'error');
      for (const r of document.querySelectorAll('tr.mapping.focus')) r.classList.remove('focus');
      row.classList.add('focus');
      row.scrollIntoView({ block: 'center' });
      row.querySelector('select').focus();
    }
  });

  document.addEventListener('change', (ev) => {
    const row = ev.target instanceof Element ? ev.target.closest('tr.mapping') : null;
    if (!row) return;
    if (ev.target.name === 'transporterCode') filterServices(row);
    void check(row);
  });

  const form = $('#token-form');
  if (form) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const input = $('#token');
      if (input.value) sessionStorage.setItem(KEY, input.value);
      input.value = '';
      showTokenState();
    });
    $('#forget-token').addEventListener('click', () => { sessionStorage.removeItem(KEY); showTokenState(); });
  }
  showTokenState();
  for (const row of document.querySelectorAll('tr.mapping')) filterServices(row);
  setInterval(refresh, 5000);
})();
`;

export const CONSOLE_CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #c9d1de; --bg: #f5f7fa; --ok: #1d7a46; --bad: #b3261e; --mc: #2f5fa7; --og: #8a4fb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 1em; padding: .6em 1.2em; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.2em; margin: 0; }
h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
h4 { font-size: .95em; margin: .8em 0 .3em; font-family: ui-monospace, monospace; }
main { padding: 0 1.2em 2em; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .2em 1em 1em; margin-top: 1em; }
.count { display: inline-block; min-width: 1.6em; padding: 0 .4em; border-radius: 1em; background: var(--line); text-align: center; font-size: .85em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid var(--line); vertical-align: top; }
input.resolve-note { font: inherit; width: 12em; }
td .message { font-family: ui-monospace, monospace; font-size: .9em; word-break: break-word; }
.note { color: var(--muted); font-size: .85em; }
.none { color: var(--ok); }
.problem, .error { color: var(--bad); }
#message { min-height: 1.6em; padding: .3em 1.2em; }
#message.ok { color: var(--ok); }
.check.ok { color: var(--ok); }
.check.bad { color: var(--bad); }
tr.mapping.focus { outline: 3px solid #f0b400; }
button { font: inherit; padding: .2em .8em; border-radius: 4px; border: 1px solid var(--muted); background: #fff; cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
.picture { overflow-x: auto; }
svg.flows { max-width: 100%; height: auto; font-family: ui-monospace, monospace; font-size: 12px; }
svg.flows .lane-bg { fill: #fafbfd; stroke: var(--line); }
svg.flows .lane-title { font-family: system-ui, sans-serif; font-weight: 600; font-size: 13px; fill: var(--fg); }
svg.flows .lane-summary { font-family: system-ui, sans-serif; font-size: 12px; fill: var(--muted); }
svg.flows .box rect { fill: #fff; stroke: var(--line); }
svg.flows .box.system.multicase rect { fill: #e8eefa; stroke: var(--mc); }
svg.flows .box.system.ongoing rect { fill: #f3e9fa; stroke: var(--og); }
svg.flows .box.state rect { fill: #fff8e1; stroke: #d9a400; }
svg.flows .box text { fill: var(--fg); }
svg.flows .hop line { stroke: var(--muted); stroke-width: 2; }
svg.flows .hop.lagging line { stroke: #d98200; }
svg.flows .hop.paused line { stroke: var(--bad); stroke-dasharray: 6 4; }
svg.flows .hop .figure { font-size: 11px; fill: var(--fg); }
svg.flows .hop .paused-label { fill: var(--bad); font-weight: 600; }
svg.flows marker path { fill: var(--muted); }
`;
