import { MAX_MAPPINGS } from '@fsd/mapping';
import type { DestinationView } from '../../admin/destinations/destination.view';
import type { SourceView } from '../../admin/sources/source.dto';
import { configLayout } from './config-common';
import { BACKFILL_SCRIPT, BACKFILL_SECTION } from './config-backfill';
import { PAUSE_SCRIPT, pauseControl } from './destination-controls';
import { REPLAY_PROGRESS_SCRIPT } from './replay-progress';
import { escapeHtml } from './html-escape';

type Source = Pick<SourceView, 'id' | 'name'>;

function sourceChecks(sources: Source[], checked: string[], prefix: string): string {
  if (sources.length === 0) return '<p class="muted">No sources yet: create one on the Sources tab first.</p>';
  return `<fieldset><legend>Sources</legend>${sources
    .map(
      (s) =>
        `<label class="check"><input type="checkbox" name="sourceIds" value="${escapeHtml(s.id)}"${checked.includes(s.id) ? ' checked' : ''} id="${prefix}-${escapeHtml(s.id)}">${escapeHtml(s.name)}</label>`,
    )
    .join('')}</fieldset>`;
}

function regionSelect(current: DestinationView | null): string {
  const region = current?.region ?? '';
  const options: [string, string][] = [
    ['', 'deployment default'],
    ['us', 'US (api.fullstory.com)'],
    ['eu', 'EU (api.eu1.fullstory.com)'],
  ];
  if (current?.baseUrl) options.unshift(['keep', `custom base URL ${current.baseUrl}`]);
  const selected = current?.baseUrl ? 'keep' : region;
  return `<label>Region<select name="region">${options
    .map(([v, l]) => `<option value="${v}"${v === selected ? ' selected' : ''}>${escapeHtml(l)}</option>`)
    .join('')}</select></label>`;
}

function destinationCard(d: DestinationView, paused: boolean, sources: Source[]): string {
  const id = escapeHtml(d.id);
  const names = d.sourceIds.map((s) => sources.find((x) => x.id === s)?.name ?? s);
  return `<section class="destination-config" data-destination="${id}">
<h2>${escapeHtml(d.name)} <span class="state-enabled ${d.enabled ? 'ok' : 'muted'}">${d.enabled ? 'enabled' : 'disabled'}</span></h2>
<div class="muted">${id} · sends to ${escapeHtml(d.effectiveBaseUrl)} · API key set (write-only) · sources: ${escapeHtml(names.join(', ') || 'none')}</div>
<p><a class="mappings-link" href="/admin/ui/config/destinations/${id}/mappings">Mappings (${d.mappings.length} of ${MAX_MAPPINGS})</a></p>
<div class="config-form" data-form="destination-actions">${pauseControl({ id: d.id, name: d.name, paused })}
<div class="row-actions"><button type="button" class="test-connection" data-destination="${id}">Test connection</button>
<button type="button" class="enable-toggle" data-destination="${id}" data-name="${escapeHtml(d.name)}" data-enabled="${d.enabled}">${d.enabled ? 'Disable' : 'Enable'}</button>
<span class="result" role="status"></span></div></div>
<div class="config-form" data-form="edit-destination"><details><summary>Edit</summary>
<form class="edit-destination" data-destination="${id}" data-region="${escapeHtml(d.baseUrl ? 'keep' : (d.region ?? ''))}">
<label>Name<input name="name" required maxlength="200" value="${escapeHtml(d.name)}"></label>
<label>FullStory API key<input name="apiKey" type="password" autocomplete="new-password" placeholder="set; leave blank to keep it"></label>
${regionSelect(d)}${sourceChecks(sources, d.sourceIds, `edit-${id}`)}
<button type="submit">Save changes</button><p class="result" role="status"></p></form></details></div></section>`;
}

const SCRIPT = `
const checked = (f) => Array.from(f.querySelectorAll('input[name=sourceIds]:checked')).map((c) => c.value);
$('create-destination').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target, out = f.querySelector('.result');
  const body = {name: el(f, 'name').value.trim(), apiKey: el(f, 'apiKey').value, sourceIds: checked(f),
    enabled: el(f, 'enabled').checked,
    presets: {trackEvent: el(f, 'trackEvent').checked, identifyUser: el(f, 'identifyUser').checked}};
  if (el(f, 'region').value) body.region = el(f, 'region').value;
  out.className = 'result'; out.textContent = 'Creating…';
  const r = await call('POST', api + '/destinations', body);
  if (!r.ok) { fail(out, r); return; }
  if (r.data.sourceIds.length > 0) { out.textContent = 'Created. Counting what its sources logged…'; await backfillCount(r.data); }
  done('Destination ' + r.data.name + ' created.');
});
document.querySelectorAll('form.edit-destination').forEach((f) => f.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = f.querySelector('.result');
  const body = {name: el(f, 'name').value.trim(), sourceIds: checked(f)};
  if (el(f, 'apiKey').value !== '') body.apiKey = el(f, 'apiKey').value;
  const region = el(f, 'region').value;
  if (region !== f.dataset.region) body.region = region === '' ? null : region;
  out.className = 'result'; out.textContent = 'Saving…';
  const r = await call('PATCH', api + '/destinations/' + encodeURIComponent(f.dataset.destination), body);
  if (!r.ok) { fail(out, r); return; }
  done('Destination ' + r.data.name + ' saved.');
}));
document.querySelectorAll('button.test-connection').forEach((b) => b.addEventListener('click', async () => {
  const out = b.parentElement.querySelector('.result');
  b.disabled = true; out.className = 'result'; out.textContent = 'Testing…';
  const r = await call('POST', api + '/destinations/' + encodeURIComponent(b.dataset.destination) + '/test-connection');
  b.disabled = false;
  if (!r.ok) { fail(out, r); return; }
  out.className = 'result ' + (r.data.ok ? 'ok' : 'err');
  out.textContent = (r.data.ok ? 'Connection OK: ' : 'Connection failed: ') + r.data.message;
}));
document.querySelectorAll('button.enable-toggle').forEach((b) => b.addEventListener('click', async () => {
  const enable = b.dataset.enabled !== 'true', out = b.parentElement.querySelector('.result');
  if (!confirm((enable ? 'Enable ' : 'Disable ') + b.dataset.name + '?' + (enable ? '' : ' New events are no longer delivered to it.'))) return;
  const r = await call('PATCH', api + '/destinations/' + encodeURIComponent(b.dataset.destination), {enabled: enable});
  if (!r.ok) { fail(out, r); return; }
  done(b.dataset.name + (enable ? ' enabled.' : ' disabled.'));
}));
${PAUSE_SCRIPT}
${REPLAY_PROGRESS_SCRIPT}
${BACKFILL_SCRIPT}`;

/** /admin/ui/config/destinations: every destination with its controls, an edit form each, and creation. */
export function destinationsPage(
  nonce: string,
  view: { destinations: DestinationView[]; paused: Set<string>; sources: Source[] },
): string {
  const cards =
    view.destinations.length === 0
      ? '<section><p class="muted" id="destinations-empty">No destinations yet. Create one below.</p></section>'
      : view.destinations.map((d) => destinationCard(d, view.paused.has(d.id), view.sources)).join('');
  return configLayout(
    'Destinations',
    nonce,
    'destinations',
    `${BACKFILL_SECTION}${cards}
<section><h2>New destination</h2><div class="config-form" data-form="create-destination"><form id="create-destination">
<label>Name<input name="name" required maxlength="200" autocomplete="off"></label>
<label>FullStory API key<input name="apiKey" type="password" required autocomplete="new-password"></label>
${regionSelect(null)}${sourceChecks(view.sources, [], 'new')}
<fieldset><legend>Presets</legend><label class="check"><input type="checkbox" name="trackEvent" checked>Track Event</label>
<label class="check"><input type="checkbox" name="identifyUser" checked>Identify User</label></fieldset>
<label class="check"><input type="checkbox" name="enabled" checked>Enabled</label>
<button type="submit">Create destination</button><p class="result" role="status"></p></form></div></section>`,
    SCRIPT,
  );
}
