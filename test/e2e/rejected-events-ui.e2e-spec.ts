import fs from 'fs';
import path from 'path';
import { Browser, chromium } from 'playwright-core';
import { dropQueues } from '../support/delivery';
import { seedSourceAndDestination, SeededPair } from '../support/seed';
import { ROOT, RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp } from '../support/stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INVALID = 53; // more than one page of 50

/**
 * The operations page's rejected-events list (/admin/ui/rejected) in headless Chromium: refused without a
 * login, reached from /admin/ui after logging in, each row's time, source, reason and item (write key
 * redacted), a filter, and the "Older" page link.
 */
describe('operations UI: rejected events (/admin/ui/rejected)', () => {
  const env = stackEnv('rejected_ui');
  const apps: RunningApp[] = [];
  const ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  let seeded: SeededPair;
  let browser: Browser;

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    apps.push(await startApp('ingest-api', env));
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    const auth = { Authorization: basicAuth(seeded.writeKey) };
    const invalid = Array.from({ length: INVALID }, (_, i) => ({ type: 'track', userId: 'u', messageId: `bulk-${i}` }));
    const bulk = await postJson(
      `${ingest}/v1/batch`,
      { batch: [{ type: 'track', userId: 'u', event: 'Fine', messageId: 'ok-1' }, ...invalid] },
      auth,
    );
    expect(bulk.status).toBe(200);
    const last = await postJson(
      `${ingest}/v1/batch`,
      {
        batch: [
          { type: 'track', userId: 'u', event: 'Fine', messageId: 'ok-2' },
          { type: 'track', userId: 'u', messageId: 'secret-item', writeKey: seeded.writeKey, properties: '<b>x</b>' },
        ],
      },
      auth,
    );
    expect(last.status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  it('refuses the page without a login', async () => {
    const res = await fetch(`${ingest}/admin/ui/rejected`);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('id="login"');
    expect(html).not.toContain('secret-item');
    expect(html).not.toContain('bulk-0');
  });

  it('lists rejected events with time, source, reason and the redacted item, filters and pages', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${ingest}/admin/ui`);
      await page.fill('#token', env.ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
      // The overview's chart names its colours and its unit.
      const legend = page.locator(`section.destination[data-destination="${seeded.destinationId}"] svg.chart g.legend`);
      expect(await legend.textContent()).toBe('deliveredretryingfailedunit: deliveries');
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-chart-legend.png') });
      await Promise.all([page.waitForURL(/\/admin\/ui\/rejected$/), page.click('header a[href="/admin/ui/rejected"]')]);

      const rows = page.locator('tr.rejected-row');
      expect(await rows.count()).toBe(50);
      const first = rows.first();
      const cells = await first.locator('td').allInnerTexts();
      expect(cells[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(cells[1]).toContain('e2e source');
      expect(cells[1]).toContain(seeded.sourceId);
      expect(cells[2]).toContain('invalid_message');
      expect(cells[2]).toContain('batch[1]: ');
      expect(cells[2]).toContain('messageId secret-item');
      const item = JSON.parse(await first.locator('pre.item').innerText()) as Record<string, unknown>;
      expect(item).toEqual({
        type: 'track',
        userId: 'u',
        messageId: 'secret-item',
        properties: '<b>x</b>',
      });
      expect(await page.content()).not.toContain(seeded.writeKey);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-rejected.png'), fullPage: true });

      // The next page holds the rest of the bulk batch, oldest last.
      await Promise.all([page.waitForURL(/cursor=/), page.click('#next-page')]);
      const older = await page.locator('tr.rejected-row pre.item').allInnerTexts();
      expect(older).toHaveLength(INVALID + 1 - 50);
      expect(JSON.parse(older[older.length - 1])).toMatchObject({ messageId: 'bulk-0' });
      expect(await page.locator('nav.pages').innerText()).toContain('End of the list');

      // A filter that matches nothing, then a malformed one shown on the page.
      await page.goto(`${ingest}/admin/ui/rejected`);
      await page.fill('#rejected-filter input[name=code]', 'payload_too_large');
      await Promise.all([
        page.waitForURL(/code=payload_too_large/),
        page.click('#rejected-filter button[type=submit]'),
      ]);
      await page.waitForSelector('#rejected-empty');
      await page.selectOption('#rejected-filter select[name=sourceId]', seeded.sourceId);
      await page.fill('#rejected-filter input[name=code]', 'invalid_message');
      await Promise.all([page.waitForURL(/code=invalid_message/), page.click('#rejected-filter button[type=submit]')]);
      expect(await page.locator('tr.rejected-row').count()).toBe(50);
      const bad = await page.goto(`${ingest}/admin/ui/rejected?cursor=nope`);
      expect(bad?.status()).toBe(400);
      expect(await page.locator('#rejected-error').innerText()).toBe('cursor is not a cursor returned by this API');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
