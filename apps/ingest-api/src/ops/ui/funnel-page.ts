import { CLIENT_BASICS } from './client-basics';
import { FUNNEL_STAGES, type FunnelStage } from '@fsd/delivery-data';
import { escapeHtml } from './html-escape';
import { layout } from './ops-page';

/** The delivery funnel page of the operations UI (/admin/ui/funnel): one card per destination. */

export interface FunnelCard {
  id: string;
  name: string;
  from: string;
  to: string;
  total: number;
  stages: Record<FunnelStage, number>;
  series: { hour: string; stages: Record<FunnelStage, number> }[];
  examples: Record<string, { eventId: string; receivedAt: Date | string }[]>;
}

const LABELS: Record<FunnelStage, string> = {
  received: 'received, not yet processed',
  blockedByIntegrations: 'blocked by integrations',
  filtered: 'filtered out',
  noMatchingSubscription: 'no matching subscription',
  mappingError: 'mapping error',
  delivered: 'delivered',
  retrying: 'retrying',
  failed: 'failed',
  skipped: 'skipped (other reasons)',
};

const COLORS: Record<FunnelStage, string> = {
  received: '#98a2b3',
  blockedByIntegrations: '#7a5af8',
  filtered: '#2e90fa',
  noMatchingSubscription: '#06aed4',
  mappingError: '#dd2590',
  delivered: '#12b76a',
  retrying: '#f79009',
  failed: '#f04438',
  skipped: '#667085',
};

/** One horizontal bar per stage, scaled to the total (SVG: the CSP allows no inline styles). */
function stageBar(n: number, total: number, stage: FunnelStage): string {
  const w = total === 0 ? 0 : Math.max(n > 0 ? 2 : 0, Math.round((n / total) * 160));
  return `<svg width="160" height="12" aria-hidden="true"><rect width="160" height="12" fill="#eceff3"></rect><rect width="${w}" height="12" fill="${COLORS[stage]}"></rect></svg>`;
}

function examplesCell(card: FunnelCard, stage: FunnelStage): string {
  const list = card.examples[stage] ?? [];
  if (list.length === 0) return '<span class="muted">—</span>';
  const buttons = list
    .map(
      (e) =>
        `<button type="button" class="example" data-event="${escapeHtml(e.eventId)}">event ${escapeHtml(e.eventId)}</button>`,
    )
    .join(' ');
  return `<details><summary>${list.length} example${list.length === 1 ? '' : 's'}</summary>${buttons}</details>`;
}

function stageTable(card: FunnelCard): string {
  const rows = FUNNEL_STAGES.map((s) => {
    const n = card.stages[s];
    const pct = card.total === 0 ? '0' : ((n / card.total) * 100).toFixed(1);
    return `<tr class="stage" data-stage="${s}" data-count="${n}"><td>${escapeHtml(LABELS[s])}</td><td>${n}</td><td>${pct} %</td><td>${stageBar(n, card.total, s)}</td><td>${examplesCell(card, s)}</td></tr>`;
  }).join('');
  return `<table class="funnel"><tr><th>Stage</th><th>Events</th><th>Share</th><th></th><th>Examples</th></tr>${rows}<tr><th>All events</th><th class="total">${card.total}</th><th></th><th></th><th></th></tr></table>`;
}

/** Stacked bars, one per hour, each stage in its colour; the legend names them and the unit. */
export function hourlyChart(card: FunnelCard): string {
  const h = 100;
  const top = 14;
  const barW = Math.max(2, Math.min(14, Math.floor(720 / Math.max(1, card.series.length))));
  const width = Math.max(card.series.length * barW, 480);
  const max = Math.max(1, ...card.series.map((x) => FUNNEL_STAGES.reduce((n, s) => n + x.stages[s], 0)));
  const legendRows = Math.ceil(FUNNEL_STAGES.length / 3);
  const height = top + h + 20 + legendRows * 16 + 18;
  let svg = `<svg class="hourly" role="img" aria-label="Events per hour by stage for ${escapeHtml(card.name)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
  svg += `<text x="0" y="10" font-size="11" fill="#6b7280">max ${max} events/hour</text>`;
  card.series.forEach((x, i) => {
    let y = top + h;
    for (const s of FUNNEL_STAGES) {
      const n = x.stages[s];
      if (n === 0) continue;
      const bh = Math.max(1, Math.round((n / max) * h));
      y -= bh;
      svg += `<rect x="${i * barW}" y="${y}" width="${Math.max(1, barW - 1)}" height="${bh}" fill="${COLORS[s]}"><title>${escapeHtml(x.hour)} ${s}: ${n}</title></rect>`;
    }
  });
  svg += `<text x="0" y="${top + h + 14}" font-size="11" fill="#6b7280">${escapeHtml(card.from)}</text>`;
  svg += `<text x="${width}" y="${top + h + 14}" font-size="11" fill="#6b7280" text-anchor="end">${escapeHtml(card.to)} (UTC hours)</text>`;
  FUNNEL_STAGES.forEach((s, i) => {
    const x = (i % 3) * 170;
    const y = top + h + 24 + Math.floor(i / 3) * 16;
    svg += `<rect x="${x}" y="${y}" width="10" height="10" fill="${COLORS[s]}"></rect><text x="${x + 14}" y="${y + 9}" font-size="11">${escapeHtml(LABELS[s])}</text>`;
  });
  svg += `<text x="0" y="${height - 2}" font-size="11" fill="#6b7280">unit: events (each counted once, in the stage where it stopped)</text>`;
  return `${svg}</svg>`;
}

function card(c: FunnelCard): string {
  return `<section class="funnel-card" id="${escapeHtml(c.id)}" data-destination="${escapeHtml(c.id)}"><h2>${escapeHtml(c.name)}</h2>
<div class="muted">${escapeHtml(c.id)} · events received ${escapeHtml(c.from)} – ${escapeHtml(c.to)}</div>
${stageTable(c)}${hourlyChart(c)}</section>`;
}

const SCRIPT = `${CLIENT_BASICS}
document.querySelectorAll('button.example').forEach((b) => b.addEventListener('click', async () => {
  const res = await fetch('/admin/ui/api/events/' + encodeURIComponent(b.dataset.event) + '/timeline', {credentials: 'same-origin'});
  const text = await res.text();
  let data = null; try { data = JSON.parse(text); } catch (e) {}
  if (!res.ok || !data) { $('timeline').innerHTML = '<p class="err">HTTP ' + res.status + ': ' + esc(data && data.message ? data.message : text) + '</p>'; return; }
  $('timeline').innerHTML = '<h2>Timeline of ' + esc(data.event.messageId) + '</h2><table class="timeline"><tr><th>At</th><th>Destination</th><th>Delivery</th><th>What</th></tr>' +
    data.rows.map((x) => '<tr class="timeline-row"><td>' + esc(x.at) + '</td><td>' + esc(x.destination ?? '') + '</td><td>' +
      esc(x.deliveryId ?? '') + '</td><td>' + esc(x.summary) + '</td></tr>').join('') + '</table>';
  $('timeline').scrollIntoView();
}));`;

export function funnelPage(
  nonce: string,
  cards: FunnelCard[],
  form: { from: string; to: string },
  error?: string,
): string {
  const body = cards.length
    ? `<div class="funnels">${cards.map(card).join('')}</div>`
    : '<section><p class="muted">No destinations yet.</p></section>';
  return layout(
    'Delivery funnel — FullStory destination',
    nonce,
    `<header><h1>FullStory destination · delivery funnel</h1><a href="/admin/ui">Operations</a></header>
<main><section><form id="range" method="get" action="/admin/ui/funnel">
<label>From (UTC, ISO 8601)<input name="from" value="${escapeHtml(form.from)}" placeholder="default: 24 h ago"></label>
<label>To (UTC, ISO 8601)<input name="to" value="${escapeHtml(form.to)}" placeholder="default: now"></label>
<button type="submit">Show</button></form>${error ? `<p class="err" id="range-error">${escapeHtml(error)}</p>` : ''}
<p class="muted">Every event received for a destination, counted once in the stage where it stopped (or delivered), from counters kept as each outcome is recorded.</p></section>
${body}<section id="timeline" aria-live="polite"></section></main>`,
    SCRIPT,
  );
}
