/**
 * Browser script of the requests view: filters, the live list fed by GET /__fake/stream (server-sent events,
 * resumed from the last change number when the connection comes back), and the request/response detail.
 */
export const CLIENT_REQUESTS = String.raw`
const MAX_ROWS = 500;
const rows = new Map();
let stream = null;
let query = '';
let selectedSeq = null;
const live = $('#live');
/** Key hash → "key (role)", for the keys the fake knows (it lists them on GET /__fake/keys anyway). */
const keyNames = new Map();

async function learnKeys(keys) {
  let changed = false;
  for (const k of keys) {
    const hash = await keyHash(k.key);
    const name = k.key + ' (' + k.role + ')';
    if (keyNames.get(hash) !== name) {
      keyNames.set(hash, name);
      changed = true;
    }
  }
  if (!changed) return;
  for (const [seq, tr] of rows) {
    const next = requestRow(tr.summary);
    tr.replaceWith(next);
    rows.set(seq, next);
  }
}

function keyLabel(hash) {
  if (!hash) return 'none';
  return keyNames.get(hash) || 'unknown ' + hash.slice(0, 10) + '…';
}

function setLive(state, text) {
  live.dataset.state = state;
  live.textContent = text;
}

function statusText(status) {
  if (status === null) return 'pending';
  if (status === 0) return 'dropped';
  return String(status);
}

function requestRow(r) {
  const open = el('button', { type: 'button', 'data-seq': r.seq, 'aria-label': 'Open request ' + r.seq }, '#' + r.seq);
  open.addEventListener('click', () => openDetail(r.seq));
  const users = r.users.length > 1 ? r.users[0] + ' (+' + (r.users.length - 1) + ')' : r.users[0] || '';
  const tr = row([open, r.receivedAt.slice(11, 23), r.endpoint, users, statusText(r.status), keyLabel(r.keyHash)]);
  tr.summary = r;
  tr.dataset.seq = r.seq;
  tr.dataset.status = statusText(r.status);
  tr.children[4].className = 's' + String(r.status === null ? 'p' : r.status)[0];
  if (r.seq === selectedSeq) tr.classList.add('selected');
  return tr;
}

function updateEmpty() {
  const empty = $('#requests-empty');
  empty.hidden = rows.size > 0;
  empty.textContent = query
    ? 'No requests match these filters yet. New matching requests appear here as they arrive.'
    : "No requests captured yet. Send one to this fake's FullStory API (e.g. POST /v2/events).";
}

/** Inserts or replaces a row (a request shows up on arrival and again when answered). */
function upsert(r) {
  const tbody = $('#requests tbody');
  const next = requestRow(r);
  const existing = rows.get(r.seq);
  if (existing) existing.replaceWith(next);
  else {
    let before = null;
    for (const tr of tbody.children) {
      if (Number(tr.dataset.seq) < r.seq) {
        before = tr;
        break;
      }
    }
    tbody.insertBefore(next, before);
    while (tbody.children.length > MAX_ROWS) {
      const last = tbody.lastElementChild;
      rows.delete(Number(last.dataset.seq));
      last.remove();
    }
  }
  rows.set(r.seq, next);
  updateEmpty();
}

function remove(seq) {
  const tr = rows.get(seq);
  if (tr) tr.remove();
  rows.delete(seq);
  updateEmpty();
}

function connect() {
  if (stream) stream.close();
  rows.clear();
  $('#requests tbody').replaceChildren();
  updateEmpty();
  setLive('connecting', 'Connecting…');
  stream = new EventSource('/__fake/stream' + (query ? '?' + query : ''));
  stream.addEventListener('request', (ev) => {
    upsert(JSON.parse(ev.data));
    if (currentView() === 'data') views.dataChanged();
    if (currentView() === 'settings') views.settingsChanged();
  });
  stream.addEventListener('gone', (ev) => remove(JSON.parse(ev.data).seq));
  // Cleared by a reset (from this page or a test run), or the fake restarted: the shown rows are gone.
  stream.addEventListener('cleared', () => {
    rows.clear();
    $('#requests tbody').replaceChildren();
    updateEmpty();
  });
  stream.addEventListener('ready', () => setLive('live', 'Live'));
  stream.addEventListener('open', () => setLive('live', 'Live'));
  stream.addEventListener('error', () => setLive('down', 'Disconnected from the fake: retrying…'));
}

async function applyFilters(ev) {
  if (ev) ev.preventDefault();
  const error = $('#filter-error');
  showError(error, null);
  const params = new URLSearchParams();
  const form = $('#filters');
  for (const name of ['endpoint', 'user', 'status']) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  const status = params.get('status');
  if (status && !/^([1-5](\d\d|xx)|dropped|pending)$/i.test(status)) {
    showError(error, new ApiError('Status must be a status (404), a class (4xx), dropped or pending.'));
    form.elements.status.focus();
    return;
  }
  try {
    const key = form.elements.key.value;
    if (key.trim()) params.set('keyHash', await keyHash(key));
  } catch (err) {
    showError(error, err);
    return;
  }
  query = params.toString();
  connect();
}

async function openDetail(seq) {
  selectedSeq = seq;
  for (const tr of rows.values()) tr.classList.toggle('selected', Number(tr.dataset.seq) === seq);
  const error = $('#detail-error');
  showError(error, null);
  try {
    const d = await api('GET', '/__fake/inbox/' + seq);
    const req = d.request;
    const qs = new URLSearchParams();
    for (const [name, value] of Object.entries(req.query)) [].concat(value).forEach((v) => qs.append(name, v));
    $('#detail-request').textContent =
      req.method + ' ' + req.path + (qs.toString() ? '?' + qs : '') + '\n\n' + pretty(req.headers) + '\n\n' +
      (req.body === null ? '(no JSON body)' : pretty(req.body)) +
      (req.notes.length ? '\n\nNotes:\n' + req.notes.join('\n') : '');
    const res = d.response;
    $('#detail-response').textContent = res === null
      ? (d.status === 0 ? 'Connection dropped by a fault: no answer.' : 'Not answered yet.')
      : statusText(res.status) + '\n\n' + pretty(res.headers) + '\n\n' + pretty(res.body) + (res.truncated ? '\n… (cut)' : '');
    $('#detail-empty').hidden = true;
    document.querySelector('#detail .side-by-side').hidden = false;
    $('#detail').dataset.seq = seq;
  } catch (err) {
    showError(error, err);
  }
}

async function loadEndpoints() {
  try {
    const select = $('#f-endpoint');
    for (const endpoint of await api('GET', '/__fake/inbox/endpoints')) select.appendChild(el('option', { value: endpoint }, endpoint));
  } catch (err) {
    showError($('#filter-error'), err);
  }
}

$('#filters').addEventListener('submit', applyFilters);
$('#filters').addEventListener('reset', () => setTimeout(applyFilters, 0));
$('#clear-requests').addEventListener('click', async () => {
  try {
    await api('DELETE', '/__fake/requests');
    connect();
  } catch (err) {
    showError($('#filter-error'), err);
  }
});
loadEndpoints();
api('GET', '/__fake/keys').then(learnKeys).catch((err) => showError($('#filter-error'), err));
connect();
`;
