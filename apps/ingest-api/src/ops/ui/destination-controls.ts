import { escapeHtml } from './html-escape';

/**
 * Pause / Resume of one destination on the operations page: one real button per card (the one that changes its
 * state), confirmed in a dialog, posted to /admin/ui/api/destinations/:id/pause|resume. The page is then reloaded
 * so the card shows the state stored in the database, not what the script assumes.
 */
export function pauseControl(d: { id: string; name: string; paused: boolean }): string {
  const action = d.paused ? 'resume' : 'pause';
  const label = d.paused ? 'Resume' : 'Pause';
  return `<div class="controls"><span class="state" data-paused="${d.paused}">Deliveries: ${d.paused ? 'paused' : 'running'}</span>
<button type="button" class="pause-toggle" data-action="${action}" data-destination="${escapeHtml(d.id)}" data-name="${escapeHtml(d.name)}" aria-label="${label} deliveries to ${escapeHtml(d.name)}">${label}</button>
<span class="action-result" role="status"></span></div>`;
}

/** Uses `call` and `describe` of the page script. */
export const PAUSE_SCRIPT = `
document.querySelectorAll('button.pause-toggle').forEach((b) => b.addEventListener('click', async () => {
  const action = b.dataset.action, out = b.parentElement.querySelector('.action-result');
  const question = action === 'pause'
    ? 'Pause deliveries to ' + b.dataset.name + '? Events are still logged and queued, and sent on resume.'
    : 'Resume deliveries to ' + b.dataset.name + '? Everything held is sent.';
  if (!confirm(question)) return;
  b.disabled = true;
  const r = await call('POST', '/admin/ui/api/destinations/' + encodeURIComponent(b.dataset.destination) + '/' + action);
  if (r.ok) { location.reload(); return; }
  b.disabled = false; out.className = 'action-result err'; out.textContent = describe(r);
}));`;
