import { ACTION_FIELDS, ACTION_IDS, MAX_MAPPINGS, type ActionId, type FieldDef } from '@fsd/mapping';
import type { DestinationView } from '../../admin/destinations/destination.view';
import type { MappingView } from '../../admin/mappings/mapping.dto';
import { configLayout } from './config-common';
import { MAPPINGS_SCRIPT } from './config-mappings-script';
import { escapeHtml } from './html-escape';

/** The event the editor starts with when none is picked from the log. */
const STARTER_EVENT = {
  type: 'track',
  event: 'Order Completed',
  userId: 'user-123',
  messageId: 'sample-message-1',
  timestamp: '2026-01-01T12:00:00.000Z',
  properties: { orderId: 'o-1', total: 42.5 },
};

/** JSON embedded for the page script; `<` escaped so no text in it can end the script element. */
const embedJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function mappingRow(m: MappingView, index: number): string {
  const id = escapeHtml(m.id);
  return `<tr class="mapping-row" data-mapping="${id}"><td>${index + 1}</td><td><b>${escapeHtml(m.name)}</b>${m.enabled ? '' : ' <span class="muted">(disabled)</span>'}</td>
<td><code>${escapeHtml(m.trigger)}</code></td><td>${escapeHtml(m.action)}</td>
<td><div class="config-form row-actions" data-form="mapping-actions"><button type="button" class="edit-mapping" data-mapping="${id}">Edit</button>
<button type="button" class="delete-mapping" data-mapping="${id}" data-name="${escapeHtml(m.name)}">Delete</button></div></td></tr>`;
}

function fieldInput(action: ActionId, f: FieldDef): string {
  const id = `f-${action}-${f.key}`;
  const def = f.default ? JSON.stringify(f.default) : '';
  return `<label for="${id}">${escapeHtml(f.label)} <code>${escapeHtml(f.key)}</code> · ${f.type}${f.required ? ' · required' : ''}
<input id="${id}" class="field" data-key="${escapeHtml(f.key)}" data-default="${escapeHtml(def)}" value="${escapeHtml(def)}" size="44" aria-describedby="${id}-error" autocomplete="off" spellcheck="false"
placeholder='${f.required ? 'required, e.g. ' : 'unmapped, e.g. '}{"@path": "$.…"}'></label><span class="field-error" id="${id}-error"></span>`;
}

function actionFieldset(action: ActionId): string {
  return `<fieldset class="action-fields" data-action="${action}"${action === 'trackEventV2' ? '' : ' hidden'}><legend>Field mappings for ${action} (JSON: a value, or a directive such as {"@path": "$.userId"})</legend>
${ACTION_FIELDS[action].map((f) => fieldInput(action, f)).join('')}</fieldset>`;
}

function editor(full: boolean): string {
  const actions = ACTION_IDS.map(
    (a) => `<option value="${a}"${a === 'trackEventV2' ? ' selected' : ''}>${a}</option>`,
  ).join('');
  return `<section class="editor" id="editor-section">
<div class="config-form" data-form="mapping-editor"><h2 id="editor-title">New mapping</h2>
<p class="notice" id="limit-notice"${full ? '' : ' hidden'}>This destination has ${MAX_MAPPINGS} mappings, the most allowed. Delete one before adding another (editing still works).</p>
<form id="mapping-editor" novalidate><input type="hidden" name="mappingId" value="">
<label for="m-name">Name<input id="m-name" name="name" maxlength="200" required aria-describedby="m-name-error" autocomplete="off"></label><span class="field-error" id="m-name-error"></span>
<label for="m-trigger">Trigger (FQL, e.g. type = "track" and event = "Order Completed")<textarea id="m-trigger" name="trigger" rows="3" cols="60" aria-describedby="m-trigger-error" spellcheck="false">type = "track"</textarea></label><span class="field-error" id="m-trigger-error"></span>
<label for="m-action">Action<select id="m-action" name="action">${actions}</select></label>
<label class="check"><input type="checkbox" name="enabled" checked>Enabled</label>
${ACTION_IDS.map(actionFieldset).join('')}
<label for="m-extra">Other mapping keys (JSON object, optional)<textarea id="m-extra" name="extra" rows="2" cols="60" aria-describedby="m-extra-error" spellcheck="false"></textarea></label><span class="field-error" id="m-extra-error"></span>
<div class="row-actions"><button type="submit" id="save-mapping">Save mapping</button><button type="button" id="reset-fields">Reset fields to defaults</button>
<button type="button" id="new-mapping">New mapping</button></div>
<div id="mapping-errors" class="result err" role="alert"></div><p class="result" id="save-result" role="status"></p></form></div>
<div><h2>Try it on an event</h2>
<form id="sample-search"><label for="sample-q">Pick from the log (messageId or userId; empty = newest)<input id="sample-q" name="q" size="30" autocomplete="off"></label><button type="submit">Find events</button></form>
<label for="sample-pick">Logged events<select id="sample-pick"><option value="">—</option></select></label><p class="muted" id="sample-status" role="status"></p>
<label for="sample">Sample event (JSON; paste or pick)<textarea id="sample" rows="12" cols="60" aria-describedby="sample-error" spellcheck="false">${escapeHtml(JSON.stringify(STARTER_EVENT, null, 2))}</textarea></label><span class="field-error" id="sample-error"></span>
<h3>What would be sent <span class="muted">(POST /admin/destinations/:id/preview with this draft; the API key is redacted)</span></h3>
<p id="validation" role="status" class="muted">Checking…</p><pre id="preview-output" class="output" tabindex="0"></pre></div></section>`;
}

/** /admin/ui/config/destinations/:id/mappings: the list, and the editor with its live preview. */
export function mappingsPage(nonce: string, dest: DestinationView): string {
  const full = dest.mappings.length >= MAX_MAPPINGS;
  const list =
    dest.mappings.length === 0
      ? '<p class="muted" id="mappings-empty">No mappings yet: only the enabled presets apply. Add one with the editor below.</p>'
      : `<table id="mappings"><tr><th>#</th><th>Name</th><th>Trigger</th><th>Action</th><th></th></tr>${dest.mappings.map(mappingRow).join('')}</table>`;
  const presets = Object.entries(dest.presets)
    .filter(([, on]) => on !== false)
    .map(([p]) => p)
    .join(', ');
  return configLayout(
    `Mappings of ${dest.name}`,
    nonce,
    'mappings',
    `<section><h2>Mappings of ${escapeHtml(dest.name)}</h2>
<p class="muted"><span id="mapping-count">${dest.mappings.length} of ${MAX_MAPPINGS} mappings</span> · presets on: ${escapeHtml(presets || 'none')} ·
<a href="/admin/ui/config/destinations">all destinations</a></p>${list}</section>
${editor(full)}
<script type="application/json" id="mappings-data">${embedJson({ destinationId: dest.id, max: MAX_MAPPINGS, mappings: dest.mappings })}</script>`,
    MAPPINGS_SCRIPT,
  );
}
