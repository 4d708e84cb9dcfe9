/**
 * Browser helpers shared by the inbox scripts (plain ES2020, no build step). Text only ever goes into the page
 * through textContent, so whatever a captured request holds is never parsed as HTML. Every call to the control
 * API sends Content-Type: application/json, which the control API requires (a foreign page cannot send it).
 */
export const CLIENT_CORE = String.raw`
const $ = (selector) => document.querySelector(selector);

/** Creates an element with attributes and text (never HTML). */
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function row(cells) {
  const tr = el('tr');
  for (const cell of cells) {
    const td = el('td');
    if (cell instanceof Node) td.appendChild(cell);
    else td.textContent = cell === undefined || cell === null ? '' : String(cell);
    tr.appendChild(td);
  }
  return tr;
}

/** Fills a table body; shows the empty-state paragraph when there is nothing to list. */
function fillTable(tbody, emptyNode, rows) {
  tbody.replaceChildren(...rows);
  if (emptyNode) emptyNode.hidden = rows.length > 0;
}

class ApiError extends Error {}

/** Calls the control API; resolves to the parsed JSON, rejects with the fake's message. */
async function api(method, url, body) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError('The fake did not answer (' + method + ' ' + url + '): is it still running?');
  }
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch (err) {
    parsed = text;
  }
  if (!res.ok) {
    const message = parsed && typeof parsed === 'object' && parsed.message ? parsed.message : text;
    throw new ApiError(method + ' ' + url + ' answered ' + res.status + ': ' + message);
  }
  return parsed;
}

function showError(node, err) {
  node.textContent = err ? (err instanceof ApiError ? err.message : 'Unexpected error: ' + err) : '';
}

/** Pretty JSON, or the text itself. */
function pretty(value) {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of the key as the fake stores it; SubtleCrypto exists only in secure contexts, else the fake hashes. */
async function keyHash(key) {
  const trimmed = key.trim();
  if (window.crypto && window.crypto.subtle) {
    return hex(await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(trimmed)));
  }
  return (await api('POST', '/__fake/ui/key-hash', { key: trimmed })).keyHash;
}

const views = {};

/** Shows one view; others register what to do when theirs opens. */
function showView(name) {
  for (const button of document.querySelectorAll('nav [data-view]')) {
    const selected = button.dataset.view === name;
    button.setAttribute('aria-pressed', String(selected));
    $('#view-' + button.dataset.view).hidden = !selected;
  }
  if (views[name]) views[name]();
}

function currentView() {
  const pressed = document.querySelector('nav [aria-pressed=true]');
  return pressed ? pressed.dataset.view : 'requests';
}

for (const button of document.querySelectorAll('nav [data-view]')) {
  button.addEventListener('click', () => showView(button.dataset.view));
}

/** Reads a form's named controls: '' → undefined, numbers as numbers, checkboxes as booleans. */
function formValues(form) {
  const out = {};
  for (const control of form.elements) {
    if (!control.name) continue;
    if (control.type === 'checkbox') out[control.name] = control.checked;
    else if (control.value.trim() === '') out[control.name] = undefined;
    else if (control.type === 'number') out[control.name] = Number(control.value);
    else out[control.name] = control.value.trim();
  }
  return out;
}
`;
