/**
 * The backfill offered when a destination is created from the configuration pages: a batch-mode replay of what
 * its connected sources logged and it never received (`POST /admin/replays`, status `undelivered`, from the
 * start of the log, or the earliest time retention keeps, to now), counted first by the same call's dry run.
 * The offer survives the page's reload after the creation (sessionStorage, as the flash does) and is shown above
 * the destinations.
 */

/** Where the offer is shown (hidden until a creation found something to backfill). */
export const BACKFILL_SECTION = `<section id="backfill-offer" class="notice" hidden>
<p id="backfill-text"></p><div class="row-actions"><button type="button" id="backfill-start">Backfill</button>
<button type="button" id="backfill-dismiss">Not now</button><span class="result" id="backfill-result" role="status"></span></div>
<p class="muted" id="backfill-progress"></p></section>`;

/**
 * Script helpers: `backfillCount(destination)` runs the dry run after a creation and remembers the offer;
 * on load a remembered offer is shown; "Backfill" starts the replay and follows its progress (`followReplay`
 * of REPLAY_PROGRESS_SCRIPT, which the page includes too).
 */
export const BACKFILL_SCRIPT = `
const backfillBody = (id, dryRun, from) => ({destinationId: id, mode: 'batch', ratePerSecond: 100000, dryRun,
  filter: {from, to: new Date().toISOString(), status: 'undelivered'}});
// From the start of the log; where retention dropped its start, from the earliest time still kept (the 400 names it).
async function backfillReplay(id, dryRun) {
  const r = await call('POST', '/admin/ui/api/replays', backfillBody(id, dryRun, new Date(0).toISOString()));
  if (r.status !== 400 || !r.data || r.data.code !== 'before_retention') return r;
  return call('POST', '/admin/ui/api/replays', backfillBody(id, dryRun, r.data.earliestKept));
}
async function backfillCount(d) {
  const r = await backfillReplay(d.id, true);
  // Nothing logged yet, or a role that may not replay: no offer (the creation itself succeeded).
  if (r.ok && r.data.matched > 0) sessionStorage.setItem('fsd-backfill', JSON.stringify({id: d.id, name: d.name, matched: r.data.matched}));
}
(() => {
  const saved = sessionStorage.getItem('fsd-backfill');
  if (!saved) return;
  sessionStorage.removeItem('fsd-backfill');
  const offer = JSON.parse(saved), box = $('backfill-offer'), out = $('backfill-result'), start = $('backfill-start');
  $('backfill-text').textContent = offer.matched + ' events logged by the sources of ' + offer.name +
    ' were never delivered to it. Backfill them now, as FullStory batch import jobs?';
  start.textContent = 'Backfill ' + offer.matched + ' events';
  start.dataset.count = String(offer.matched);
  box.hidden = false;
  $('backfill-dismiss').addEventListener('click', () => { box.hidden = true; });
  start.addEventListener('click', async () => {
    start.disabled = true; out.className = 'result'; out.textContent = 'Starting…';
    const r = await backfillReplay(offer.id, false);
    if (!r.ok) { start.disabled = false; fail(out, r); return; }
    out.className = 'result ok'; out.textContent = 'Backfill started: replay ' + r.data.id + '.';
    $('backfill-dismiss').hidden = true;
    void followReplay(String(r.data.id), $('backfill-progress'), backfillText);
  });
})();
// The replay's progress (REPLAY_PROGRESS_SCRIPT's follower).
const backfillText = (v, settled) => 'Replay ' + v.id + ': ' + v.status + ', ' + settled + ' of ' + (v.matched ?? '?') +
  ' settled: ' + v.delivered + ' delivered, ' + v.failed + ' failed, ' + v.skipped + ' skipped' +
  (v.batch ? '; ' + v.batch.jobs + ' batch jobs, ' + v.batch.imported + ' imported' : '') + '.';`;
