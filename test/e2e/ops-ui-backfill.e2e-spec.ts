import fs from 'fs';
import path from 'path';
import { Browser, Page, chromium } from 'playwright-core';
import { FakeFullStory, dropQueues } from '../support/delivery';
import { ROOT, RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp, withDb } from '../support/stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LOGGED = 30;

jest.setTimeout(180_000);

/**
 * Issue 19: a destination created on the configuration pages after its source has logged events is offered a
 * backfill, with the count of the replay's dry run; accepting it runs a batch-mode replay that brings every
 * logged event to FullStory once, through batch import jobs, and the page follows it to the end. In headless
 * Chromium through the real ingest-api, delivery-worker and fake-fullstory. Screenshot:
 * test-output/ops-backfill-offer.png.
 */
describe('operations UI: backfill offered when a destination is created', () => {
  const env = stackEnv('ops_backfill');
  const apps: RunningApp[] = [];
  const ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    apps.push(await startApp('delivery-worker', env));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${ingest}/admin/ui`);
    await page.fill('#token', env.ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.press('#token', 'Enter')]);
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  afterEach(() => expect(errors).toEqual([]));

  it('counts what the source logged, backfills it in batch jobs on request, and shows the progress', async () => {
    const bearer = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const source = await postJson(`${ingest}/admin/sources`, { name: 'web' }, bearer);
    expect(source.status).toBe(201);
    const { id: sourceId, writeKey } = source.body as { id: string; writeKey: string };
    // Logged before any destination exists: nothing delivers them.
    for (let i = 0; i < LOGGED; i++) {
      const r = await postJson(
        `${ingest}/v1/track`,
        { messageId: `backfill-${i}`, userId: `u-${i % 3}`, event: 'Backfilled', properties: { i } },
        { Authorization: basicAuth(writeKey) },
      );
      expect(r.status).toBe(200);
    }

    await page.goto(`${ingest}/admin/ui/config/destinations`);
    await page.fill('#create-destination input[name=name]', 'FullStory late');
    await page.fill('#create-destination input[name=apiKey]', 'test-api-key');
    await page.check(`#new-${sourceId}`);
    await Promise.all([page.waitForEvent('load'), page.click('#create-destination button[type=submit]')]);
    await page.locator('#flash', { hasText: 'Destination FullStory late created.' }).waitFor();
    const offer = page.locator('#backfill-offer');
    await offer.waitFor();
    expect(await page.locator('#backfill-text').innerText()).toBe(
      `${LOGGED} events logged by the sources of FullStory late were never delivered to it. ` +
        'Backfill them now, as FullStory batch import jobs?',
    );
    expect(await page.locator('#backfill-start').getAttribute('data-count')).toBe(String(LOGGED));
    await page.screenshot({ path: path.join(OUTPUT, 'ops-backfill-offer.png'), fullPage: true });

    await page.click('#backfill-start');
    await page.locator('#backfill-result', { hasText: /Backfill started: replay \d+\./ }).waitFor();
    await page.locator('#backfill-progress[data-settled=true]').waitFor({ timeout: 120_000 });
    expect(await page.locator('#backfill-progress').innerText()).toMatch(
      new RegExp(
        `: completed, ${LOGGED} of ${LOGGED} settled: ${LOGGED} delivered, 0 failed, 0 skipped; \\d+ batch jobs, ${LOGGED} imported\\.`,
      ),
    );

    // At FullStory once each, through a batch import job.
    const held = (await new FakeFullStory(env.FULLSTORY_BASE_URL).events()).filter((e) => e.name === 'Backfilled');
    expect(held).toHaveLength(LOGGED);
    expect(new Set(held.map((e) => String(e.properties.i))).size).toBe(LOGGED);
    expect(held.every((e) => e.source === 'batch')).toBe(true);
    await withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ mode: string; status: string; filter: { status: string } }>(
        'SELECT mode, status, filter FROM replays',
      );
      expect(rows).toEqual([
        { mode: 'batch', status: 'completed', filter: expect.objectContaining({ status: 'undelivered' }) },
      ]);
    });

    // The offer is shown once: a reload does not bring it back.
    await page.reload();
    await page.locator('section.destination-config').waitFor();
    expect(await offer.isHidden()).toBe(true);
  });
});
