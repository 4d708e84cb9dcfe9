/**
 * A started replay's progress on a page (the operations page's replay form, the configuration pages' backfill):
 * `followReplay(id, el, text)` reads /admin/ui/api/replays/:id every 2 s until the replay has settled, shows
 * `text(replay, settled)` in `el`, and marks `el` with `data-status` and, once settled, `data-settled`.
 * Uses `call` and `describe` of the page script.
 */
export const REPLAY_PROGRESS_SCRIPT = `
async function followReplay(id, el, text) {
  for (;;) {
    const r = await call('GET', '/admin/ui/api/replays/' + encodeURIComponent(id));
    if (!r.ok) { el.textContent = describe(r); return; }
    const v = r.data, settled = v.delivered + v.failed + v.skipped;
    el.dataset.status = v.status;
    el.textContent = text(v, settled);
    if (v.status === 'cancelled' || v.status === 'failed' || (v.status === 'completed' && settled >= v.matched)) {
      el.dataset.settled = 'true';
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}`;
