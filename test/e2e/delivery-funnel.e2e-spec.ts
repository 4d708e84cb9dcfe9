import { randomUUID } from 'crypto';
import fs from 'fs';
import path from 'path';
import { chromium } from 'playwright-core';
import { ROOT, StackEnv, basicAuth, postJson, waitFor, withDb } from '../support/stack';
import { SeededPair, addMapping } from '../support/seed';
import { FakeFullStory, waitForDeliveries } from '../support/delivery';
import { useStack } from '../support/use-stack';

type Stages = Record<string, number>;

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
interface Overview {
  destinationId: string;
  from: string;
  to: string;
  total: number;
  stages: Stages;
  series: { hour: string; stages: Stages }[];
  examples?: Record<string, { eventId: string; receivedAt: string }[]>;
}

const ZERO: Stages = {
  received: 0,
  blockedByIntegrations: 0,
  filtered: 0,
  noMatchingSubscription: 0,
  mappingError: 0,
  delivered: 0,
  retrying: 0,
  failed: 0,
  skipped: 0,
};

/**
 * Issue 20 item 1: the delivery funnel per destination. One crafted event stops in each stage (through the real
 * ingest-api, worker and fake FullStory); the overview counts each exactly once, then follows a replay that moves
 * all of them back to `received` and on to their new ends. The counters always equal the deliveries' stages.
 */
describe('delivery funnel per destination (GET /admin/destinations/:id/overview)', () => {
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;
  const started = new Date();

  // A retry waits ten minutes: the retrying delivery stays retrying for the whole test.
  const stack = useStack(
    'delivery_funnel',
    { BACKOFF_BASE_MS: '600000', BACKOFF_MAX_MS: '600000' },
    {
      seed: {
        presets: { trackEvent: false, identifyUser: false },
        filters: [{ name: 'drop', condition: 'event = "Dropped"', effect: { type: 'drop' } }],
      },
      beforeWorker: async ({ env: e, seeded: s }) => {
        const base = { userId: { '@path': '$.userId' }, properties: { '@path': '$.properties' } };
        await addMapping(e.DATABASE_URL, s.destinationId, {
          name: 'good',
          trigger: 'event = "Good"',
          action: 'trackEventV2',
          mapping: { ...base, name: { '@path': '$.event' } },
        });
        // `name` is required and the path is never there: the mapping cannot build its request.
        await addMapping(e.DATABASE_URL, s.destinationId, {
          name: 'bad',
          trigger: 'event = "Bad"',
          action: 'trackEventV2',
          mapping: { ...base, name: { '@path': '$.properties.missing' } },
          position: 1,
        });
      },
    },
  );
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, fake, seeded } = stack));

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ingest}/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  async function send(event: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await postJson(
      `${ingest}/v1/track`,
      { messageId: `m-${randomUUID()}`, userId: 'u-1', event, properties: { n: 1 }, ...extra },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res.status).toBe(200);
  }

  async function overview(query = ''): Promise<Overview> {
    const res = await admin('GET', `/destinations/${seeded.destinationId}/overview${query}`);
    expect(res.status).toBe(200);
    return res.body as Overview;
  }

  /** The counters summed over the series equal the totals, and the deliveries' own stages. */
  async function expectConsistent(o: Overview): Promise<void> {
    const summed = { ...ZERO };
    for (const h of o.series) for (const [s, n] of Object.entries(h.stages)) summed[s] += n;
    expect(summed).toEqual(o.stages);
    const byRow = await withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ stage: string; n: string }>(
        'SELECT funnel_stage AS stage, count(*) AS n FROM deliveries WHERE destination_id = $1 GROUP BY 1',
        [seeded.destinationId],
      );
      return Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]));
    });
    expect({ ...ZERO, ...byRow }).toEqual(o.stages);
  }

  it('counts each crafted event once, in the stage where it stopped', async () => {
    const statuses = ['delivered', 'skipped', 'failed', 'retrying', 'pending'];
    await send('Good');
    await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
    await send('Good', { integrations: { All: false } });
    await send('Dropped');
    await send('Other');
    await send('Bad');
    await waitForDeliveries(env, seeded.destinationId, 5, ['delivered', 'skipped', 'failed']);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    await send('Good');
    await waitForDeliveries(env, seeded.destinationId, 6, ['delivered', 'skipped', 'failed']);
    // Held by a pause, then the destination disabled: the backlog ends skipped (destination_disabled).
    expect((await admin('POST', `/destinations/${seeded.destinationId}/pause`)).status).toBe(200);
    await send('Good');
    await waitForDeliveries(env, seeded.destinationId, 7, statuses);
    expect((await admin('PATCH', `/destinations/${seeded.destinationId}`, { enabled: false })).status).toBe(200);
    expect((await admin('POST', `/destinations/${seeded.destinationId}/resume`)).status).toBe(200);
    const ended = await waitForDeliveries(env, seeded.destinationId, 7, ['delivered', 'skipped', 'failed']);
    expect(ended.filter((d) => d.status === 'skipped')).toHaveLength(4);
    expect((await admin('PATCH', `/destinations/${seeded.destinationId}`, { enabled: true })).status).toBe(200);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 503, times: 1 });
    await send('Good');
    await waitForDeliveries(env, seeded.destinationId, 8, ['delivered', 'skipped', 'failed', 'retrying']);
    await fake.clearFaults();
    // Paused: the last event waits, received.
    expect((await admin('POST', `/destinations/${seeded.destinationId}/pause`)).status).toBe(200);
    await send('Good');
    await waitForDeliveries(env, seeded.destinationId, 9, statuses);

    const o = await overview('?examples=2');
    expect(o.stages).toEqual({
      received: 1,
      blockedByIntegrations: 1,
      filtered: 1,
      noMatchingSubscription: 1,
      mappingError: 1,
      delivered: 1,
      retrying: 1,
      failed: 1,
      skipped: 1,
    });
    expect(o.total).toBe(9);
    // The last day, in whole hours (UTC) from the hour 24 h ago to the end of the current one.
    expect(o.series).toHaveLength((Date.parse(o.to) - Date.parse(o.from)) / 3_600_000);
    expect(o.series[0].hour).toBe(o.from);
    for (const [stage, list] of Object.entries(o.examples ?? {})) expect([stage, list.length]).toEqual([stage, 1]);
    expect(Object.keys(o.examples ?? {})).toHaveLength(9);
    await expectConsistent(o);
  });

  it('the operations page shows the funnel, its hourly chart, and an example event of a stage', async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${ingest}/admin/ui`);
      await page.fill('#token', env.ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui/funnel`), page.click('header >> text=Delivery funnel')]);
      const card = page.locator(`section.funnel-card[data-destination="${seeded.destinationId}"]`);
      const counts = await card
        .locator('tr.stage')
        .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-stage'), Number(r.getAttribute('data-count'))]));
      expect(Object.fromEntries(counts)).toEqual({
        ...ZERO,
        ...Object.fromEntries(Object.keys(ZERO).map((k) => [k, 1])),
      });
      expect(await card.locator('.total').innerText()).toBe('9');
      expect(await card.locator('svg.hourly rect[fill]').count()).toBeGreaterThan(9);
      // The mapping error's example, opened with the keyboard, and its timeline.
      const row = card.locator('tr.stage[data-stage="mappingError"]');
      await row.locator('summary').focus();
      await page.keyboard.press('Enter');
      await row.locator('button.example').click();
      await page.locator('#timeline .timeline-row').first().waitFor();
      expect(await page.locator('#timeline').innerText()).toContain('Timeline of');
      await page.screenshot({ path: path.join(OUTPUT, 'delivery-funnel.png'), fullPage: true });
      // A wrong range: the page says why.
      await page.fill('input[name=from]', 'yesterday');
      await Promise.all([page.waitForLoadState(), page.click('#range button[type=submit]')]);
      expect(await page.locator('#range-error').innerText()).toContain('ISO 8601');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a replay moves every event back to received, and each on to its new end', async () => {
    const range = { from: new Date(started.getTime() - 60_000).toISOString(), to: new Date().toISOString() };
    const replay = await admin('POST', '/replays', {
      destinationId: seeded.destinationId,
      filter: range,
      mode: 'per-event',
    });
    expect(replay.status).toBe(202);
    // Paused: the replayed deliveries wait, all received.
    await waitFor(
      'the replay to reach every delivery',
      async () =>
        (
          await withDb(env.DATABASE_URL, (db) =>
            db.query(`SELECT 1 FROM replays WHERE id = $1 AND enqueued = 9`, [replay.body.id]),
          )
        ).rows.length === 1,
    );
    await waitForDeliveries(env, seeded.destinationId, 9, ['pending']);
    const held = await overview();
    expect(held.stages).toEqual({ ...ZERO, received: 9 });
    await expectConsistent(held);

    expect((await admin('POST', `/destinations/${seeded.destinationId}/resume`)).status).toBe(200);
    await waitForDeliveries(env, seeded.destinationId, 9, ['delivered', 'skipped', 'failed']);
    const after = await overview(`?from=${encodeURIComponent(range.from)}`);
    expect(after.stages).toEqual({
      ...ZERO,
      blockedByIntegrations: 1,
      filtered: 1,
      noMatchingSubscription: 1,
      mappingError: 1,
      delivered: 5,
    });
    expect(after.total).toBe(9);
    await expectConsistent(after);
  });

  it('a batch replay moves the counters the same way', async () => {
    const range = { from: new Date(started.getTime() - 60_000).toISOString(), to: new Date().toISOString() };
    expect((await admin('POST', `/destinations/${seeded.destinationId}/pause`)).status).toBe(200);
    const replay = await admin('POST', '/replays', {
      destinationId: seeded.destinationId,
      filter: range,
      mode: 'batch',
    });
    expect(replay.status).toBe(202);
    // Every delivery taken back (to received) while paused; then sent through batch import jobs on resume.
    await waitFor('the replay to reach every delivery', async () => {
      const r = await admin('GET', `/replays/${replay.body.id}`);
      return r.body.enqueued === 9;
    });
    expect((await admin('POST', `/destinations/${seeded.destinationId}/resume`)).status).toBe(200);
    await waitFor('the batch replay to finish', async () => {
      const r = await admin('GET', `/replays/${replay.body.id}`);
      return r.body.status === 'completed' && r.body.inFlight === 0;
    });
    await waitForDeliveries(env, seeded.destinationId, 9, ['delivered', 'skipped', 'failed']);
    const after = await overview(`?from=${encodeURIComponent(range.from)}`);
    expect(after.stages).toEqual({
      ...ZERO,
      blockedByIntegrations: 1,
      filtered: 1,
      noMatchingSubscription: 1,
      mappingError: 1,
      delivered: 5,
    });
    await expectConsistent(after);
  });

  it('answers 400 for a bad range and 404 for an unknown destination', async () => {
    const bad = await admin(
      'GET',
      `/destinations/${seeded.destinationId}/overview?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(bad.status).toBe(400);
    const long = await admin(
      'GET',
      `/destinations/${seeded.destinationId}/overview?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(long.status).toBe(400);
    expect((await admin('GET', `/destinations/${randomUUID()}/overview`)).status).toBe(404);
  });
});
