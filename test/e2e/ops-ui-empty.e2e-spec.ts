import fs from 'fs';
import path from 'path';
import { Browser, Page, chromium } from 'playwright-core';
import { dropQueues } from '../support/delivery';
import { ROOT, RunningApp, dropDatabase, stackEnv, startApp } from '../support/stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

jest.setTimeout(120_000);

/**
 * The operations pages of a fresh installation (nothing configured, nothing received) in headless Chromium:
 * each says plainly that there is nothing yet, and a search or filter that finds nothing or is wrong says so.
 * Screenshots go to test-output/ops-empty-*.png.
 */
describe('operations UI: empty and error states', () => {
  const env = stackEnv('ops_empty');
  const apps: RunningApp[] = [];
  const ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `ops-empty-${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    apps.push(await startApp('ingest-api', env));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
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

  it('overview: no destinations yet, and a search that finds nothing says so', async () => {
    await page.locator('main', { hasText: 'No destinations yet.' }).waitFor();
    await page.fill('#q', 'no-such-message');
    await page.press('#q', 'Enter');
    await page.locator('#hits', { hasText: 'No event with that messageId or userId.' }).waitFor();
    expect(await page.locator('#search-error').innerText()).toBe('');
    await shot('overview');
  });

  it('rejected events: none yet, and a wrong filter is explained on the page', async () => {
    await page.click('header a[href="/admin/ui/rejected"]');
    await page.locator('#rejected-empty').waitFor();
    await page.fill('#rejected-filter input[name=code]', 'x'.repeat(101));
    await Promise.all([page.waitForURL(/code=x+/), page.click('#rejected-filter button[type=submit]')]);
    expect(await page.locator('#rejected-error').innerText()).toBe('"code" is longer than 100 characters');
    await shot('rejected-error');
  });

  it('configuration: no sources, no destinations, and an API refusal shown next to the form', async () => {
    await page.click('header a[href="/admin/ui/config/sources"]');
    await page.locator('#sources-empty').waitFor();
    await page.click('nav.tabs a:has-text("Destinations")');
    await page.locator('#destinations-empty').waitFor();
    expect(await page.locator('#create-destination p.muted', { hasText: 'No sources yet' }).count()).toBe(1);
    // An API key longer than the API accepts is refused by the admin API; the page shows its words.
    await page.fill('#create-destination input[name=name]', 'Too long');
    await page.fill('#create-destination input[name=apiKey]', 'k'.repeat(1001));
    await page.click('#create-destination button[type=submit]');
    await page.locator('#create-destination .result.err').waitFor();
    expect(await page.locator('#create-destination .result').innerText()).toMatch(/^HTTP 400: .*apiKey/);
    await page.locator('#destinations-empty').waitFor();
    await shot('destination-refused');
  });
});
