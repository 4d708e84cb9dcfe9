/**
 * The start of every operations page's script (browser JavaScript, sent inline under the page's CSP nonce): `$`,
 * `esc` (HTML escaping), `call` (same-origin fetch; a 401 sends the browser to the login; `data` is the parsed JSON,
 * null for an empty body, else the text) and `describe` (an API answer or error as the API words it).
 */
export const CLIENT_BASICS = `
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
async function call(method, url, body) {
  const res = await fetch(url, {method, credentials: 'same-origin',
    headers: body === undefined ? {} : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await res.text();
  let data = text; try { data = text ? JSON.parse(text) : null; } catch (e) {}
  if (res.status === 401) { location.replace('/admin/ui'); }
  return {ok: res.ok, status: res.status, data};
}
const describe = (r) => r.ok ? JSON.stringify(r.data, null, 2)
  : 'HTTP ' + r.status + ': ' + (r.data && r.data.message ? r.data.message : JSON.stringify(r.data));
`;
