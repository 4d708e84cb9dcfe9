import type { SourceView } from '../../admin/sources/source.dto';
import { configLayout } from './config-common';
import { escapeHtml } from './html-escape';

/** Overlap windows offered when rotating a write key (seconds; the API takes any value up to a week). */
const OVERLAPS: [number, string][] = [
  [0, 'none: the old key stops now'],
  [3600, '1 hour'],
  [86_400, '1 day'],
  [7 * 86_400, '7 days'],
];

const limit = (v: number | null) => (v === null ? 'no limit' : String(v));

function previousKey(s: SourceView): string {
  return s.previousWriteKey
    ? `<div class="muted previous-key">old key ${escapeHtml(s.previousWriteKey.hint)}… works until ${escapeHtml(s.previousWriteKey.expiresAt)}</div>`
    : '';
}

function sourceRow(s: SourceView): string {
  const id = escapeHtml(s.id);
  const options = OVERLAPS.map(
    ([v, label]) => `<option value="${v}"${v === 86_400 ? ' selected' : ''}>${label}</option>`,
  ).join('');
  return `<tr class="source-row" data-source="${id}">
<td><b>${escapeHtml(s.name)}</b><div class="muted">${id}</div></td>
<td><code>${escapeHtml(s.writeKeyHint)}…</code>${previousKey(s)}</td>
<td>${limit(s.rateLimitRequestsPerSecond)} req/s · ${limit(s.rateLimitEventsPerSecond)} events/s</td>
<td><div class="config-form" data-form="rotate-write-key"><form class="rotate" data-source="${id}" data-name="${escapeHtml(s.name)}">
<label>Old key keeps working<select name="overlapSeconds">${options}</select></label>
<button type="submit">Rotate write key</button><span class="result" role="status"></span></form></div></td></tr>`;
}

const SCRIPT = `
function showKey(title, key, note) {
  const panel = $('new-key');
  panel.querySelector('h2').textContent = title;
  panel.querySelector('.secret').textContent = key;
  panel.querySelector('.note').textContent = note;
  panel.hidden = false;
  $('key-continue').focus();
}
$('key-continue').addEventListener('click', () => done('Write key saved. It will not be shown again.'));

$('create-source').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, out = f.querySelector('.result');
  const body = {name: el(f, 'name').value.trim()};
  for (const k of ['rateLimitRequestsPerSecond', 'rateLimitEventsPerSecond']) if (el(f, k).value !== '') body[k] = Number(el(f, k).value);
  out.className = 'result'; out.textContent = 'Creating…';
  const r = await call('POST', api + '/sources', body);
  if (!r.ok) { fail(out, r); return; }
  out.textContent = '';
  showKey('Write key of ' + r.data.name, r.data.writeKey, 'Copy it now: only its first characters are kept. Senders use it as the Basic user name.');
});

document.querySelectorAll('form.rotate').forEach((f) => f.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = f.querySelector('.result'), overlapSeconds = Number(el(f, 'overlapSeconds').value);
  const question = overlapSeconds === 0
    ? 'Rotate the write key of ' + f.dataset.name + '? The current key stops working at once.'
    : 'Rotate the write key of ' + f.dataset.name + '? The current key keeps working for ' + el(f, 'overlapSeconds').selectedOptions[0].text + '.';
  if (!confirm(question)) return;
  const r = await call('POST', api + '/sources/' + encodeURIComponent(f.dataset.source) + '/rotate-write-key', {overlapSeconds});
  if (!r.ok) { fail(out, r); return; }
  showKey('New write key of ' + r.data.name, r.data.writeKey, r.data.previousWriteKey
    ? 'The old key (' + r.data.previousWriteKey.hint + '…) works until ' + r.data.previousWriteKey.expiresAt + '. Switch the senders before then.'
    : 'The old key no longer works.');
}));`;

/** /admin/ui/config/sources: the sources with their key hints, creation, and write-key rotation with an overlap. */
export function sourcesPage(nonce: string, sources: SourceView[]): string {
  const list =
    sources.length === 0
      ? '<p class="muted" id="sources-empty">No sources yet. Create one below; its write key is shown once.</p>'
      : `<table id="sources"><tr><th>Source</th><th>Write key</th><th>Rate limits</th><th>Rotate</th></tr>${sources.map(sourceRow).join('')}</table>`;
  return configLayout(
    'Sources',
    nonce,
    'sources',
    `<section id="new-key" class="notice" hidden aria-live="polite"><h2></h2><p class="secret"></p><p class="note"></p>
<button id="key-continue" type="button">I have copied it</button></section>
<section><h2>Sources</h2><p class="muted">Each source has one write key (stored hashed; only its first characters are shown).
Rotating can keep the old key working for a while so senders can switch without losing events.</p>${list}</section>
<section><h2>New source</h2><div class="config-form" data-form="create-source"><form id="create-source">
<label>Name<input name="name" required maxlength="200" autocomplete="off"></label>
<label>Requests per second (optional)<input name="rateLimitRequestsPerSecond" type="number" min="1" step="1"></label>
<label>Events per second (optional)<input name="rateLimitEventsPerSecond" type="number" min="1" step="1"></label>
<button type="submit">Create source</button><p class="result" role="status"></p></form></div></section>`,
    SCRIPT,
  );
}
