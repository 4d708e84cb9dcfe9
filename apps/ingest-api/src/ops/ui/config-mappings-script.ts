/**
 * The mapping editor's script (uses the configuration pages' helpers). Every change re-checks the draft after a
 * short pause: JSON of each field and of the sample locally, then the whole draft (the stored mappings with this
 * one added or replaced) through POST /admin/destinations/:id/preview, which validates it as saving would and
 * answers exactly what would be sent. Problems are shown next to the field they concern.
 */
export const MAPPINGS_SCRIPT = `
const data = JSON.parse($('mappings-data').textContent);
const form = $('mapping-editor');
const destUrl = api + '/destinations/' + encodeURIComponent(data.destinationId);
let timer = null, seq = 0;

const fieldsetOf = (action) => form.querySelector('fieldset.action-fields[data-action="' + action + '"]');
function setError(input, message) {
  const out = $(input.getAttribute('aria-describedby'));
  out.textContent = message || '';
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}
function showAction() {
  form.querySelectorAll('fieldset.action-fields').forEach((fs) => { fs.hidden = fs.dataset.action !== el(form, 'action').value; });
}
function resetFields(fs) { fs.querySelectorAll('input.field').forEach((i) => { i.value = i.dataset.default; setError(i, ''); }); }

/** The draft mapping from the form, or null when some JSON does not parse (errors shown inline). */
function draft() {
  let ok = true;
  const mapping = {};
  const extra = el(form, 'extra');
  setError(extra, '');
  if (extra.value.trim() !== '') {
    try {
      const v = JSON.parse(extra.value);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('must be a JSON object');
      Object.assign(mapping, v);
    } catch (e) { setError(extra, 'Not a JSON object: ' + e.message); ok = false; }
  }
  fieldsetOf(el(form, 'action').value).querySelectorAll('input.field').forEach((i) => {
    setError(i, '');
    if (i.value.trim() === '') return;
    try { mapping[i.dataset.key] = JSON.parse(i.value); }
    catch (e) { setError(i, 'Not JSON (text needs "quotes"): ' + e.message); ok = false; }
  });
  const name = el(form, 'name').value.trim();
  setError(el(form, 'name'), name ? '' : 'A name is required to save.');
  setError(el(form, 'trigger'), el(form, 'trigger').value.trim() ? '' : 'A trigger is required.');
  if (!ok) return null;
  return {name: name || '(unnamed draft)', trigger: el(form, 'trigger').value, action: el(form, 'action').value,
    mapping, enabled: el(form, 'enabled').checked};
}

/** The destination's mappings as they would be after saving the draft. */
function withDraft(d) {
  const id = el(form, 'mappingId').value;
  const plainOf = (m) => ({name: m.name, trigger: m.trigger, action: m.action, mapping: m.mapping, enabled: m.enabled});
  const list = data.mappings.map((m) => (m.id === id ? d : plainOf(m)));
  if (!id) list.push(d);
  return {list, index: id ? data.mappings.findIndex((m) => m.id === id) : list.length - 1};
}

/** Puts each API problem next to its field: "mappings[i].trigger: …" goes under the trigger, and so on. */
function showProblems(r, index) {
  const general = [];
  const details = r.data && Array.isArray(r.data.details) ? r.data.details : [r.data && r.data.message ? r.data.message : 'HTTP ' + r.status];
  for (const p of details) {
    const own = p.startsWith('mappings[' + index + '].') ? p.slice(('mappings[' + index + '].').length) : null;
    const target = own && own.startsWith('trigger:') ? el(form, 'trigger') : own && own.startsWith('name:') ? el(form, 'name') : null;
    if (target) setError(target, own.slice(own.indexOf(':') + 1).trim());
    else general.push(own ?? p);
  }
  $('mapping-errors').innerHTML = general.length ? '<ul>' + general.map((g) => '<li>' + esc(g) + '</li>').join('') + '</ul>' : '';
}

function renderPreview(out) {
  const lines = [];
  lines.push('Actions run: ' + (out.actions.length ? out.actions.join(', ') : 'none (no trigger or preset matches this event)'));
  for (const e of out.errors) lines.push('Error in ' + e.action + ': ' + e.message);
  out.requests.forEach((q, i) => {
    lines.push('', 'Request ' + (i + 1) + ': ' + q.method + ' ' + q.url);
    for (const [k, v] of Object.entries(q.headers || {})) lines.push(k + ': ' + v);
    if (q.body !== undefined) lines.push('', typeof q.body === 'string' ? q.body : JSON.stringify(q.body, null, 2));
  });
  $('preview-output').textContent = lines.join('\\n');
}

async function check() {
  const mine = ++seq;
  $('mapping-errors').innerHTML = '';
  const d = draft();
  let event = null;
  const sample = $('sample');
  setError(sample, '');
  try {
    event = JSON.parse(sample.value);
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new Error('must be a JSON object');
  } catch (e) { setError(sample, 'Not a JSON object: ' + e.message); event = null; }
  if (!d || !event) { $('validation').className = 'err'; $('validation').textContent = 'Fix the fields marked above.'; $('preview-output').textContent = ''; return; }
  const {list, index} = withDraft(d);
  $('validation').className = 'muted'; $('validation').textContent = 'Checking…';
  const r = await call('POST', destUrl + '/preview', {event, mappings: list});
  if (mine !== seq) return;
  if (!r.ok) {
    showProblems(r, index);
    $('validation').className = 'err'; $('validation').textContent = 'Invalid: ' + describe(r).split('\\n')[0];
    $('preview-output').textContent = '';
    return;
  }
  const named = !!el(form, 'name').value.trim() && !!el(form, 'trigger').value.trim();
  $('validation').className = named ? 'ok' : 'err';
  $('validation').textContent = named ? 'Valid. The preview below uses this draft.' : 'Valid so far; fill in the marked fields to save.';
  renderPreview(r.data);
}
const later = () => { clearTimeout(timer); timer = setTimeout(check, 250); };
form.addEventListener('input', later);
$('sample').addEventListener('input', later);
el(form, 'action').addEventListener('change', () => { showAction(); later(); });
$('reset-fields').addEventListener('click', () => { resetFields(fieldsetOf(el(form, 'action').value)); check(); });

function edit(m) {
  el(form, 'mappingId').value = m ? m.id : '';
  el(form, 'name').value = m ? m.name : '';
  el(form, 'trigger').value = m ? m.trigger : 'type = "track"';
  el(form, 'action').value = m ? m.action : 'trackEventV2';
  el(form, 'enabled').checked = m ? m.enabled : true;
  form.querySelectorAll('fieldset.action-fields').forEach(resetFields);
  const extra = {};
  if (m) {
    const fs = fieldsetOf(m.action);
    fs.querySelectorAll('input.field').forEach((i) => { i.value = ''; });
    for (const [k, v] of Object.entries(m.mapping)) {
      const input = fs.querySelector('input.field[data-key="' + CSS.escape(k) + '"]');
      if (input) input.value = JSON.stringify(v); else extra[k] = v;
    }
  }
  el(form, 'extra').value = Object.keys(extra).length ? JSON.stringify(extra, null, 2) : '';
  $('editor-title').textContent = m ? 'Edit mapping ' + m.name : 'New mapping';
  $('limit-notice').hidden = !!m || data.mappings.length < data.max;
  $('save-result').textContent = '';
  showAction();
  el(form, 'name').focus();
  check();
}
document.querySelectorAll('button.edit-mapping').forEach((b) => b.addEventListener('click', () => edit(data.mappings.find((m) => m.id === b.dataset.mapping))));
$('new-mapping').addEventListener('click', () => edit(null));
document.querySelectorAll('button.delete-mapping').forEach((b) => b.addEventListener('click', async () => {
  if (!confirm('Delete the mapping ' + b.dataset.name + '? Events stop being sent through it.')) return;
  const r = await call('DELETE', destUrl + '/mappings/' + encodeURIComponent(b.dataset.mapping));
  if (!r.ok) { fail($('save-result'), r); return; }
  done('Mapping ' + b.dataset.name + ' deleted.');
}));

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const d = draft();
  const out = $('save-result');
  if (!d || !el(form, 'name').value.trim()) { out.className = 'result err'; out.textContent = 'Fix the fields marked above first.'; return; }
  const id = el(form, 'mappingId').value;
  out.className = 'result'; out.textContent = 'Saving…';
  const r = id
    ? await call('PATCH', destUrl + '/mappings/' + encodeURIComponent(id), d)
    : await call('POST', destUrl + '/mappings', d);
  if (!r.ok) {
    out.className = 'result err'; out.textContent = describe(r);
    showProblems({...r, data: {...r.data, details: (r.data && r.data.details || []).map((p) => 'mappings[0].' + p)}}, 0);
    return;
  }
  done('Mapping ' + r.data.name + ' saved.');
});

async function findSamples(q) {
  $('sample-status').textContent = 'Loading…';
  const r = await call('GET', api + '/sample-events' + (q ? '?q=' + encodeURIComponent(q) : ''));
  const pick = $('sample-pick');
  pick.innerHTML = '<option value="">—</option>';
  if (!r.ok) { $('sample-status').className = 'err'; $('sample-status').textContent = describe(r); return; }
  window.samples = r.data.events;
  r.data.events.forEach((e, i) => pick.insertAdjacentHTML('beforeend', '<option value="' + i + '">' +
    esc(e.receivedAt + ' · ' + e.type + (e.eventName ? ' ' + e.eventName : '') + ' · ' + e.messageId) + '</option>'));
  $('sample-status').className = 'muted';
  $('sample-status').textContent = r.data.events.length
    ? r.data.events.length + ' logged event(s); pick one to try the mapping on it.'
    : (q ? 'No logged event with that messageId or userId.' : 'No events logged yet: paste one below.');
}
$('sample-search').addEventListener('submit', (ev) => { ev.preventDefault(); findSamples($('sample-q').value.trim()); });
$('sample-pick').addEventListener('change', () => {
  const e = window.samples && window.samples[Number($('sample-pick').value)];
  if (!e || $('sample-pick').value === '') return;
  $('sample').value = JSON.stringify(e.payload, null, 2);
  check();
});
showAction();
findSamples('');
check();
`;
