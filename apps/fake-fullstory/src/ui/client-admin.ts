/**
 * Browser script of the "Users & events" and "Keys, faults & settings" views: reads and changes the fake's
 * state through the JSON control API only.
 */
export const CLIENT_ADMIN = String.raw`
function props(value) {
  return el('span', { class: 'props' }, value && Object.keys(value).length ? JSON.stringify(value) : '');
}

async function loadData() {
  const error = $('#data-error');
  try {
    const uid = $('#e-uid').value.trim();
    const [users, events] = await Promise.all([
      api('GET', '/__fake/users'),
      api('GET', '/__fake/events' + (uid ? '?uid=' + encodeURIComponent(uid) : '')),
    ]);
    showError(error, null);
    fillTable($('#users tbody'), $('#users-empty'), users.map((u) =>
      row([u.id, u.uid, u.display_name, u.email, u.identified ? 'yes' : 'no', u.origin + (u.is_being_deleted ? ' (being deleted)' : ''), props(u.properties)])));
    fillTable($('#events tbody'), $('#events-empty'), events.map((e) =>
      row([e.id, e.source, e.uid || e.userId, e.name, e.timestamp, props(e.properties)])));
    $('#events-empty').textContent = uid ? 'No events for uid ' + uid + '.' : 'No events yet.';
  } catch (err) {
    showError(error, err);
  }
}

let dataTimer = null;
views.data = loadData;
/** A request arrived while the data view is open: refresh it, at most a few times a second. */
views.dataChanged = () => {
  if (dataTimer === null) dataTimer = setTimeout(() => { dataTimer = null; loadData(); }, 300);
};
$('#data-refresh').addEventListener('click', loadData);
$('#events-filter').addEventListener('submit', (ev) => { ev.preventDefault(); loadData(); });

function faultEffect(f) {
  const parts = [];
  if (f.status !== undefined) parts.push('status ' + f.status);
  if (f.retryAfter !== undefined) parts.push('Retry-After ' + f.retryAfter);
  if (f.latencyMs !== undefined) parts.push(f.latencyMs + ' ms latency');
  if (f.dropConnection) parts.push('drops the connection');
  if (f.ratio !== undefined) parts.push('ratio ' + f.ratio);
  return parts.join(', ');
}

/** Keys and faults (their seen/applied counters move with traffic, so they refresh live). */
async function loadKeysAndFaults() {
  const [keys, faults] = await Promise.all([api('GET', '/__fake/keys'), api('GET', '/__fake/faults')]);
  fillTable($('#keys tbody'), null, keys.map((k) => row([k.key, k.role, k.email])));
  fillTable($('#faults tbody'), $('#faults-empty'), faults.map((f) => {
    const tr = row([f.id, (f.match.method || 'any method') + ' ' + (f.match.path || 'any path'), faultEffect(f), f.times === undefined ? 'always' : f.times, f.seen, f.applied]);
    tr.dataset.fault = f.id;
    return tr;
  }));
  learnKeys(keys);
}

/** The settings form shows the fake's values (loaded when the view opens and after a save, never while typing). */
async function loadConfig() {
  const config = await api('GET', '/__fake/config');
  const form = $('#config-form');
  form.elements.rateLimit.value = config.rateLimit === null ? '' : config.rateLimit;
  form.elements.rateLimitBurst.value = config.rateLimitBurst === null ? '' : config.rateLimitBurst;
  form.elements.namingMode.value = config.namingMode;
  form.elements.enforceSessionUserExclusive.checked = config.enforceSessionUserExclusive;
  form.elements.processingDelayMs.value = config.processingDelayMs;
  form.elements.deleteUnknownUserStatus.value = String(config.deleteUnknownUserStatus);
  form.elements.idempotencyTtlMs.value = config.idempotencyTtlMs;
}

async function loadSettings() {
  try {
    await Promise.all([loadKeysAndFaults(), loadConfig()]);
    return true;
  } catch (err) {
    showError($('#settings-error'), err);
    return false;
  }
}
views.settings = loadSettings;
let settingsTimer = null;
views.settingsChanged = () => {
  if (settingsTimer === null) settingsTimer = setTimeout(() => { settingsTimer = null; loadKeysAndFaults().catch((err) => showError($('#settings-error'), err)); }, 300);
};

/** Runs a change, then reports it and reloads the settings view (errors stay visible, the form keeps its input). */
async function change(action, done) {
  showError($('#settings-error'), null);
  $('#settings-ok').textContent = '';
  try {
    await action();
    if (await loadSettings()) $('#settings-ok').textContent = done;
    return true;
  } catch (err) {
    showError($('#settings-error'), err);
    return false;
  }
}

$('#key-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const v = formValues(ev.target);
  if (await change(() => api('POST', '/__fake/keys', v), 'Key registered (' + v.role + ').')) ev.target.reset();
});

$('#fault-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const v = formValues(ev.target);
  const match = {};
  if (v.method) match.method = v.method;
  if (v.path) match.path = v.path;
  const fault = { match, status: v.status, retryAfter: v.retryAfter, latencyMs: v.latencyMs, times: v.times, ratio: v.ratio };
  if (v.dropConnection) fault.dropConnection = true;
  if (await change(() => api('POST', '/__fake/faults', fault), 'Fault added.')) ev.target.reset();
});

$('#faults-clear').addEventListener('click', () => change(() => api('DELETE', '/__fake/faults'), 'All faults removed.'));

$('#config-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = formValues(ev.target);
  const settings = {
    rateLimit: v.rateLimit === undefined ? null : v.rateLimit,
    rateLimitBurst: v.rateLimitBurst === undefined ? null : v.rateLimitBurst,
    namingMode: v.namingMode,
    enforceSessionUserExclusive: v.enforceSessionUserExclusive,
    processingDelayMs: v.processingDelayMs,
    deleteUnknownUserStatus: Number(v.deleteUnknownUserStatus),
    idempotencyTtlMs: v.idempotencyTtlMs,
  };
  change(() => api('POST', '/__fake/config', settings), 'Settings saved.');
});

$('#reset').addEventListener('click', async () => {
  if (!window.confirm('Reset the fake? Captured requests, users, events, run-time keys, faults and settings are lost.')) return;
  if (await change(() => api('POST', '/__fake/reset'), 'The fake was reset.')) connect();
});
`;
