import { RejectedEventView } from '../../audit/rejected/rejected-events-reads.repository';
import { escapeHtml, layout } from './ops-page';
import { RejectedPageQuery } from './rejected-filter';

/** Longest item text shown in the table; the API (GET /admin/rejected-events) returns it whole. */
export const ITEM_PREVIEW_CHARS = 2000;

export interface SourceOption {
  id: string;
  name: string;
}

const EXTRA_STYLE = `<style nonce="__NONCE__">
.rejected pre{margin:0;max-width:640px;max-height:240px;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.rejected td{font-size:13px}nav.pages{margin-top:8px}
</style>`;

function itemText(item: unknown): string {
  const text = JSON.stringify(item, null, 2) ?? 'null';
  return text.length <= ITEM_PREVIEW_CHARS
    ? text
    : `${text.slice(0, ITEM_PREVIEW_CHARS)}\n… (${text.length - ITEM_PREVIEW_CHARS} more characters; GET /admin/rejected-events has it whole)`;
}

function row(r: RejectedEventView): string {
  const source = r.sourceName ?? (r.sourceId ? '(deleted source)' : '(unknown source)');
  return `<tr class="rejected-row" data-id="${escapeHtml(r.id)}">
<td>${escapeHtml(r.receivedAt)}</td>
<td>${escapeHtml(source)}<div class="muted">${escapeHtml(r.sourceId ?? '')}</div></td>
<td><b class="code">${escapeHtml(r.code)}</b><div class="err reason">${escapeHtml(r.message)}</div>
<div class="muted">${r.batchIndex === null ? '' : `batch item ${r.batchIndex}`}${r.messageId ? ` · messageId ${escapeHtml(r.messageId)}` : ''}</div></td>
<td><pre class="item">${escapeHtml(itemText(r.item))}</pre></td></tr>`;
}

function filterForm(form: RejectedPageQuery, sources: SourceOption[]): string {
  const options = [`<option value="">any source</option>`]
    .concat(
      sources.map(
        (s) =>
          `<option value="${escapeHtml(s.id)}"${s.id === form.sourceId ? ' selected' : ''}>${escapeHtml(s.name)}</option>`,
      ),
    )
    .join('');
  const input = (name: keyof RejectedPageQuery, label: string, type = 'text') =>
    `<label>${label}<input name="${name}" type="${type}"${type === 'datetime-local' ? ' step="1"' : ''} value="${escapeHtml(form[name] ?? '')}"></label>`;
  return `<form id="rejected-filter" method="get" action="/admin/ui/rejected">
<label>Source<select name="sourceId">${options}</select></label>
${input('code', 'Reason code')}${input('from', 'From (UTC)', 'datetime-local')}${input('to', 'To (UTC)', 'datetime-local')}
<button type="submit">Filter</button><a href="/admin/ui/rejected">Clear</a></form>`;
}

function nextLink(form: RejectedPageQuery, nextCursor: string | null): string {
  if (!nextCursor) return '<nav class="pages muted">End of the list.</nav>';
  const params = new URLSearchParams();
  for (const key of ['sourceId', 'code', 'from', 'to'] as const) {
    const v = form[key];
    if (v !== undefined) params.set(key, v);
  }
  params.set('cursor', nextCursor);
  return `<nav class="pages"><a id="next-page" href="/admin/ui/rejected?${escapeHtml(params.toString())}">Older →</a></nav>`;
}

/**
 * /admin/ui/rejected: batch items the tracking API refused, newest first — when, which source, the
 * reason, and the item as received (write keys redacted by the query). Plain links and a GET form, no script.
 */
export function rejectedPage(
  nonce: string,
  view: {
    form: RejectedPageQuery;
    sources: SourceOption[];
    rows: RejectedEventView[];
    nextCursor: string | null;
    error?: string;
  },
): string {
  const body = view.error
    ? `<p class="err" id="rejected-error">${escapeHtml(view.error)}</p>`
    : view.rows.length === 0
      ? '<p class="muted" id="rejected-empty">No rejected events match.</p>'
      : `<table class="rejected"><tr><th>Received (UTC)</th><th>Source</th><th>Reason</th><th>Item as received</th></tr>
${view.rows.map(row).join('')}</table>${nextLink(view.form, view.nextCursor)}`;
  return layout(
    'Rejected events — FullStory destination',
    nonce,
    `${EXTRA_STYLE.replace('__NONCE__', nonce)}
<header><h1>FullStory destination · rejected events</h1><a href="/admin/ui">Operations</a><a href="/admin/ui/config/sources">Configuration</a><a href="/admin/queues">Queues</a></header>
<main><section><h2>Rejected events</h2>
<p class="muted">Batch items refused as invalid (the rest of their batch was stored). A single call refused as
invalid is answered 400 and not kept. Write keys in an item are shown as [redacted].</p>
${filterForm(view.form, view.sources)}</section>
<section>${body}</section></main>`,
    '',
  );
}
