import { CLIENT_BASICS } from './client-basics';
import { escapeHtml, layout } from './ops-page';

/** What the configuration pages share: header and tabs, styles, and the helpers of their inline scripts. */

export type ConfigTab = 'sources' | 'destinations' | 'mappings';

const STYLE = `
[hidden]{display:none!important}
.config-form{border-top:1px solid #eceff3;padding-top:8px;margin-top:8px}
.config-form form{gap:10px}fieldset{border:1px solid #dde1e7;border-radius:4px;display:flex;flex-wrap:wrap;gap:8px}
.tabs a[aria-current=page]{background:#fff;color:#1d2330}
.secret{font:13px monospace;background:#fffbe6;border:1px solid #f79009;padding:8px;border-radius:4px;user-select:all;word-break:break-all}
.notice{border:1px solid #f79009;background:#fffaeb;padding:10px;border-radius:6px}
.flash{border:1px solid #12b76a;background:#ecfdf3;padding:6px 10px;border-radius:4px}
.row-actions{display:flex;flex-wrap:wrap;gap:6px;align-items:center}.row-actions form{gap:6px}
textarea{font:12px monospace;padding:4px 6px}label.check{flex-direction:row;align-items:center;gap:4px;font-size:13px;color:inherit}
.field-error{color:#b42318;font-size:12px}input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#b42318;outline-color:#b42318}
pre.output{background:#f6f7f9;border:1px solid #dde1e7;padding:8px;max-height:420px;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.editor{display:grid;grid-template-columns:minmax(380px,1fr) minmax(380px,1fr);gap:16px}
@media (max-width:900px){.editor{grid-template-columns:1fr}}
`;

/** The operations pages' header with the configuration tabs. */
export function configLayout(title: string, nonce: string, tab: ConfigTab, body: string, script: string): string {
  const link = (t: ConfigTab, href: string, label: string) =>
    `<a href="${href}"${t === tab ? ' aria-current="page"' : ''}>${label}</a>`;
  return layout(
    `${title} — FullStory destination`,
    nonce,
    `<style nonce="${escapeHtml(nonce)}">${STYLE}</style>
<header><h1>FullStory destination · configuration</h1><a href="/admin/ui">Operations</a>
<nav class="tabs">${link('sources', '/admin/ui/config/sources', 'Sources')} ${link('destinations', '/admin/ui/config/destinations', 'Destinations')}</nav>
<a href="/admin/ui/rejected">Rejected events</a><a href="/admin/queues">Queues</a></header>
<main><div id="flash" class="flash" role="status" hidden></div>${body}</main>`,
    `${CLIENT_HELPERS}\n${script}`,
  );
}

/**
 * Helpers of every configuration page's script: `call` (the session does the auth; a 401 sends the browser to
 * the login), `describe` (an API error as the API words it), `fail` (inline error), and a flash message that
 * survives the reload after a change, so the page always shows what is stored, never what the script assumed.
 */
const CLIENT_HELPERS = `${CLIENT_BASICS}
const problems = (r) => r.data && Array.isArray(r.data.details) && r.data.details.length > 1 ? r.data.details : [];
function fail(out, r) {
  out.className = 'result err';
  const list = problems(r);
  out.innerHTML = esc(describe(r)) + (list.length ? '<ul>' + list.map((p) => '<li>' + esc(p) + '</li>').join('') + '</ul>' : '');
}
function done(message) { sessionStorage.setItem('fsd-flash', message); location.reload(); }
(() => { const m = sessionStorage.getItem('fsd-flash'); if (m) { sessionStorage.removeItem('fsd-flash'); $('flash').textContent = m; $('flash').hidden = false; } })();
const api = '/admin/ui/api/config';
// Form controls by name (form.name would be the form's own name attribute).
const el = (f, n) => f.elements.namedItem(n);
`;

/** A 404 page inside the configuration layout (a destination that does not exist). */
export function notFoundBody(message: string): string {
  return `<section><p class="err" id="not-found">${escapeHtml(message)}</p><a href="/admin/ui/config/destinations">All destinations</a></section>`;
}
