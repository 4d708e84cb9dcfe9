import { CLIENT_BASICS } from './client-basics';
import type { OpsAccess } from '../../auth/ops-access';
import { PAUSE_SCRIPT, pauseControl } from './destination-controls';
import { REPLAY_PROGRESS_SCRIPT } from './replay-progress';
import { escapeHtml } from './html-escape';
import { DestinationOverview, WindowStats } from './ops-queries.repository';

/** Server-rendered pages of the operations UI: plain HTML, inline SVG and one small inline script. */

export { escapeHtml };

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#1d2330;color:#fff}
header a,header button{color:#fff;background:none;border:1px solid #fff6;border-radius:4px;padding:4px 10px;text-decoration:none;cursor:pointer}
main{padding:16px 20px;display:grid;gap:16px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px}
h1{font-size:18px;margin:0}h2{font-size:16px;margin:0 0 8px}h3{font-size:14px;margin:8px 0 4px}
.dests{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eceff3;padding:3px 6px;text-align:left;vertical-align:top}
.muted{color:#6b7280}.err{color:#b42318;white-space:pre-wrap}.ok{color:#067647;white-space:pre-wrap}
input,select,button{font:inherit;padding:4px 6px}form{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
label{display:flex;flex-direction:column;font-size:12px;color:#4b5563}
.result{flex-basis:100%;margin:4px 0 0}
.controls{display:flex;gap:8px;align-items:center;margin:4px 0}.paused{color:#b54708}
.login{max-width:360px;margin:80px auto}
`;

export function layout(title: string, nonce: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style></head><body>${body}
<script nonce="${nonce}">${script}</script></body></html>`;
}

/** Content-Security-Policy for a page rendered with `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const LOGIN_SCRIPT = `
document.getElementById('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = document.getElementById('login-error');
  out.textContent = '';
  const res = await fetch('/admin/ui/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token: document.getElementById('token').value}), credentials: 'same-origin'});
  if (res.status === 204) { location.replace('/admin/ui'); return; }
  out.textContent = 'Login refused (' + res.status + ')';
});`;

export function loginPage(nonce: string): string {
  return layout(
    'Log in — FullStory destination',
    nonce,
    `<main class="login"><section><h1>Operations login</h1>
<p class="muted">Enter the ADMIN_TOKEN of this installation.</p>
<form id="login" method="post" action="/admin/ui/login">
<label>Admin token<input id="token" name="token" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form><p id="login-error" class="err"></p></section></main>`,
    LOGIN_SCRIPT,
  );
}

const COLORS = { delivered: '#12b76a', retrying: '#f79009', failed: '#f04438' } as const;
const STATUSES = ['delivered', 'retrying', 'failed'] as const;

/** Which colour is which outcome, and the unit of the bar labels, in a row at `y`. */
function chartLegend(y: number): string {
  const items = STATUSES.map(
    (s, i) =>
      `<rect class="swatch" x="${i * 90}" y="${y}" width="10" height="10" fill="${COLORS[s]}"></rect>` +
      `<text x="${i * 90 + 14}" y="${y + 9}">${s}</text>`,
  ).join('');
  const unit = `<text class="unit" x="${STATUSES.length * 90}" y="${y + 9}" fill="#6b7280">unit: deliveries</text>`;
  return `<g class="legend" font-size="11">${items}${unit}</g>`;
}

/** Grouped bars (delivered / retrying / failed) for the last hour and the last day, each scaled to its own maximum. */
export function chartSvg(d: DestinationOverview): string {
  const groups: [string, WindowStats][] = [
    ['last hour', d.hour],
    ['last day', d.day],
  ];
  const barW = 34;
  const gap = 6;
  const groupW = STATUSES.length * (barW + gap) + 30;
  const h = 110;
  const top = 16;
  const width = Math.max(groups.length * groupW, 390);
  const height = h + top + 54;
  let svg = `<svg class="chart" role="img" aria-label="Delivery outcomes of ${escapeHtml(d.name)} (deliveries)" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  svg += chartLegend(h + top + 30);
  groups.forEach(([label, stats], gi) => {
    const max = Math.max(1, ...STATUSES.map((s) => stats[s]));
    STATUSES.forEach((s, si) => {
      const n = stats[s];
      const bh = n === 0 ? 0 : Math.max(2, Math.round((n / max) * h));
      const x = gi * groupW + si * (barW + gap);
      svg +=
        `<rect class="bar" data-window="${gi === 0 ? '1h' : '24h'}" data-status="${s}" data-count="${n}" ` +
        `x="${x}" y="${top + h - bh}" width="${barW}" height="${bh}" fill="${COLORS[s]}"><title>${s}: ${n}</title></rect>` +
        `<text x="${x + barW / 2}" y="${top + h - bh - 3}" font-size="11" text-anchor="middle">${n}</text>`;
    });
    svg += `<text x="${gi * groupW + (STATUSES.length * (barW + gap)) / 2}" y="${top + h + 16}" font-size="12" text-anchor="middle">${label}</text>`;
  });
  return `${svg}</svg>`;
}

const fmtMs = (v: number | null) => (v === null ? '—' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

function destinationCard(d: DestinationOverview, access: OpsAccess): string {
  const failures = d.failures.length
    ? `<table class="failures"><tr><th>Failure reason (last day)</th><th>Deliveries</th></tr>${d.failures
        .map((f) => `<tr><td class="err">${escapeHtml(f.reason)}</td><td>${f.count}</td></tr>`)
        .join('')}</table>`
    : '<p class="muted">No failures in the last day.</p>';
  return `<section class="destination" data-destination="${escapeHtml(d.id)}">
<h2>${escapeHtml(d.name)} ${d.enabled ? '' : '<span class="muted">(disabled)</span>'}${d.paused ? ' <span class="paused">(paused)</span>' : ''}</h2>
<div class="muted">${escapeHtml(d.id)} · pending: ${d.hour.pending} (hour), ${d.day.pending} (day)</div>
<a class="funnel-link" href="/admin/ui/funnel#${escapeHtml(d.id)}">Delivery funnel</a>
${access.pause ? pauseControl(d) : ''}
${chartSvg(d)}
<table class="latency"><tr><th>End-to-end latency</th><th>p50</th><th>p95</th></tr>
<tr><td>last hour</td><td>${fmtMs(d.hour.p50Ms)}</td><td>${fmtMs(d.hour.p95Ms)}</td></tr>
<tr><td>last day</td><td>${fmtMs(d.day.p50Ms)}</td><td>${fmtMs(d.day.p95Ms)}</td></tr></table>
${failures}</section>`;
}

const APP_SCRIPT = `${CLIENT_BASICS}
$('logout').addEventListener('click', async () => { await call('POST', '/admin/ui/logout'); location.replace('/admin/ui'); });

$('search').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = $('q').value.trim();
  $('hits').innerHTML = ''; $('timeline').innerHTML = ''; $('search-error').textContent = '';
  if (!q) return;
  const r = await call('GET', '/admin/ui/api/search?q=' + encodeURIComponent(q));
  if (!r.ok) { $('search-error').textContent = describe(r); return; }
  if (r.data.events.length === 0) { $('hits').innerHTML = '<p class="muted">No event with that messageId or userId.</p>'; return; }
  $('hits').innerHTML = '<table><tr><th>Received</th><th>Type</th><th>messageId</th><th>userId</th><th></th></tr>' +
    r.data.events.map((e) => '<tr><td>' + esc(new Date(e.receivedAt).toISOString()) + '</td><td>' + esc(e.type) +
      (e.eventName ? ' ' + esc(e.eventName) : '') + '</td><td>' + esc(e.messageId) + '</td><td>' + esc(e.userId ?? e.anonymousId) +
      '</td><td><button type="button" data-event="' + esc(e.id) + '">Timeline</button></td></tr>').join('') + '</table>';
  $('hits').querySelectorAll('button[data-event]').forEach((b) => b.addEventListener('click', () => timeline(b.dataset.event)));
  timeline(r.data.events[0].id);
});

async function timeline(id) {
  const r = await call('GET', '/admin/ui/api/events/' + encodeURIComponent(id) + '/timeline');
  if (!r.ok) { $('timeline').innerHTML = '<p class="err">' + esc(describe(r)) + '</p>'; return; }
  $('timeline').innerHTML = '<h3>Timeline of ' + esc(r.data.event.messageId) + '</h3><table class="timeline">' +
    '<tr><th>At</th><th>Destination</th><th>Delivery</th><th>What</th></tr>' +
    r.data.rows.map((x) => '<tr class="timeline-row" data-kind="' + esc(x.kind) + '"><td>' + esc(x.at) + '</td><td>' +
      esc(x.destination ?? '') + '</td><td>' + esc(x.deliveryId ?? '') + '</td><td>' + esc(x.summary) + '</td></tr>').join('') +
    '</table>';
}

function twoStep(formId, url, build) {
  if (!$(formId)) return;
  const form = $(formId), out = form.querySelector('.result'), confirmBtn = form.querySelector('.confirm');
  let pending = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.className = 'result'; out.textContent = 'Counting…'; confirmBtn.hidden = true; pending = null;
    let body;
    try { body = build(form); } catch (e) { out.className = 'result err'; out.textContent = e.message; return; }
    const r = await call('POST', url, {...body, dryRun: true});
    out.className = 'result ' + (r.ok ? 'ok' : 'err');
    const matched = r.ok && typeof r.data.matched === 'number' ? r.data.matched : null;
    out.textContent = (r.ok ? 'Dry run: ' + (matched === null ? '' : matched + ' matching.  ') : '') + describe(r);
    if (r.ok) { pending = body; confirmBtn.hidden = false; if (matched !== null) confirmBtn.dataset.count = String(matched); }
  });
  confirmBtn.addEventListener('click', async () => {
    if (!pending || !confirm('Really run this? The dry run above shows what it will touch.')) return;
    const r = await call('POST', url, {...pending, dryRun: false});
    out.className = 'result ' + (r.ok ? 'ok' : 'err'); out.textContent = (r.ok ? 'Started: ' : '') + describe(r);
    confirmBtn.hidden = true; pending = null;
    const progress = form.querySelector('.progress');
    if (r.ok && progress && r.data && r.data.id) void followReplay(String(r.data.id), progress, replayText);
  });
}
// A started replay's progress, a batch replay's FullStory jobs too.
const replayText = (v, settled) => 'Replay ' + v.id + ' (' + v.mode + '): ' + v.status + ', ' + settled + ' of ' +
  (v.matched ?? '?') + ' settled: ' + v.delivered + ' delivered, ' + v.failed + ' failed, ' + v.skipped + ' skipped' +
  (v.batch ? '. Batch jobs: ' + v.batch.jobs + ' (' + v.batch.jobsRunning + ' running), ' + v.batch.imported +
    ' imported, ' + v.batch.itemErrors + ' item errors' : '');
const iso = (v) => v ? new Date(v).toISOString() : undefined;
twoStep('replay', '/admin/ui/api/replays', (f) => {
  const filter = {from: iso(f.from.value), to: iso(f.to.value)};
  if (!filter.from || !filter.to) throw new Error('Choose the time range to replay');
  return {destinationId: f.destinationId.value, filter, ...(f.mode.value ? {mode: f.mode.value} : {})};
});
twoStep('redrive', '/admin/ui/api/redrive', (f) => {
  const filter = {};
  if (f.from.value) filter.from = iso(f.from.value);
  if (f.to.value) filter.to = iso(f.to.value);
  return {destinationId: f.destinationId.value, filter};
});
${PAUSE_SCRIPT}
${REPLAY_PROGRESS_SCRIPT}`;

/** Everything shown: the bootstrap ADMIN_TOKEN's view. */
const FULL_ACCESS: OpsAccess = { name: 'ADMIN_TOKEN', role: 'admin', replay: true, redrive: true, pause: true };

export function opsPage(
  nonce: string,
  destinations: DestinationOverview[],
  generatedAt: Date,
  access: OpsAccess = FULL_ACCESS,
): string {
  const options = destinations
    .map((d) => `<option value="${escapeHtml(d.id)}">${escapeHtml(d.name)}</option>`)
    .join('');
  const range = (required: boolean) =>
    `<label>From<input name="from" type="datetime-local" step="1"${required ? ' required' : ''}></label>` +
    `<label>To<input name="to" type="datetime-local" step="1"${required ? ' required' : ''}></label>`;
  return layout(
    'Operations — FullStory destination',
    nonce,
    `<header><h1>FullStory destination · operations</h1><a href="/admin/ui/funnel">Delivery funnel</a><a href="/admin/ui/config/sources">Configuration</a><a href="/admin/ui/rejected">Rejected events</a><a href="/admin/queues">Queues</a><a href="/docs">API docs</a>
<span class="muted">as of ${escapeHtml(generatedAt.toISOString())}</span>
<span id="whoami" class="muted" data-role="${escapeHtml(access.role)}">${escapeHtml(access.name)} (${escapeHtml(access.role)})</span><button id="logout" type="button">Log out</button></header>
<main>
<div class="dests">${destinations.map((d) => destinationCard(d, access)).join('') || '<section><p class="muted">No destinations yet.</p></section>'}</div>
<section><h2>Find an event</h2>
<form id="search"><label>messageId or userId<input id="q" name="q" size="40" required></label><button type="submit">Search</button></form>
<p id="search-error" class="err"></p><div id="hits"></div><div id="timeline"></div></section>
${access.replay ? REPLAY_SECTION(options, range) : ''}
${access.redrive ? REDRIVE_SECTION(options, range) : ''}
</main>`,
    APP_SCRIPT,
  );
}

type Range = (required: boolean) => string;

const REPLAY_SECTION = (
  options: string,
  range: Range,
) => `<section><h2>Replay</h2><p class="muted">Deliver again every event received in the range to the destination (dry run first).</p>
<form id="replay"><label>Destination<select name="destinationId">${options}</select></label>${range(true)}
<label>Mode<select name="mode"><option value="">default (batch when all subscriptions are v2)</option><option value="batch">batch import jobs</option><option value="per-event">one request per event</option></select></label>
<button type="submit">Dry run</button><button class="confirm" type="button" hidden>Confirm replay</button>
<pre class="result"></pre><p class="progress muted"></p></form></section>`;

const REDRIVE_SECTION = (
  options: string,
  range: Range,
) => `<section><h2>Redrive failed deliveries</h2><p class="muted">Run failed deliveries of the destination again (dry run first).</p>
<form id="redrive"><label>Destination<select name="destinationId">${options}</select></label>${range(false)}
<button type="submit">Dry run</button><button class="confirm" type="button" hidden>Confirm redrive</button>
<pre class="result"></pre></form></section>`;
