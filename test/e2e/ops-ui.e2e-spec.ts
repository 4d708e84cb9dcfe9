import fs from 'fs';
import path from 'path';
import { Browser, chromium } from 'playwright-core';
import { FakeFullStory, attemptsOf, deliveriesOf, waitForDeliveries } from '../support/delivery';
import { SeededPair } from '../support/seed';
import { ROOT, StackEnv, basicAuth, postJson, waitFor } from '../support/stack';
import { useStack } from '../support/use-stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The operations page at /admin/ui in headless Chromium: refused without a login, then login, the
 * per-destination chart, latency and failure reasons, an event's attempt timeline, a redrive dry run.
 */
describe('operations UI (/admin/ui)', () => {
  let browser: Browser;
  // Registered before useStack's (Jest runs afterAll hooks in registration order): the browser closes first.
  afterAll(async () => {
    await browser?.close();
  });

  const stack = useStack('ops_ui');
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;
  // The spec's shorthands for the stack's parts (set once useStack's beforeAll has run).
  beforeAll(() => ({ env, ingest, seeded, fake } = stack));

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    const auth = { Authorization: basicAuth(seeded.writeKey) };
    for (const messageId of ['ops-ui-1', 'ops-ui-2']) {
      const res = await postJson(`${ingest}/v1/track`, { userId: 'ops-user', event: 'Viewed', messageId }, auth);
      expect(res.status).toBe(200);
    }
    await waitForDeliveries(env, seeded.destinationId, 2, ['delivered']);
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    const bad = await postJson(`${ingest}/v1/track`, { userId: 'ops-user', event: 'Bad', messageId: 'ops-ui-3' }, auth);
    expect(bad.status).toBe(200);
    await waitForDeliveries(env, seeded.destinationId, 3, ['delivered', 'failed']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  it('refuses the page and its data without a login', async () => {
    const page = await fetch(`${ingest}/admin/ui`);
    expect(page.status).toBe(401);
    const html = await page.text();
    expect(html).toContain('id="login"');
    expect(html).not.toContain(seeded.destinationId);
    expect(html).not.toContain('e2e destination');
    for (const p of ['/admin/ui/api/overview', '/admin/ui/api/search?q=ops-ui-1', '/admin/ui/api/events/1/timeline']) {
      expect({ p, status: (await fetch(`${ingest}${p}`)).status }).toEqual({ p, status: 401 });
    }
    const proxied = await postJson(`${ingest}/admin/ui/api/redrive`, { destinationId: seeded.destinationId });
    expect(proxied.status).toBe(401);
    expect((await postJson(`${ingest}/admin/ui/login`, { token: 'wrong-token-wrong-token' })).status).toBe(401);
  });

  it('logs in, shows the chart, latency and failures, and an event timeline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      const first = await page.goto(`${ingest}/admin/ui`);
      expect(first?.status()).toBe(401);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-login.png') });

      await page.fill('#token', 'not-the-token-at-all');
      await page.click('#login button[type=submit]');
      await page.waitForSelector('#login-error:has-text("refused")');

      await page.fill('#token', env.ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
      await page.waitForSelector('svg.chart');

      const cookie = (await context.cookies()).find((c) => c.name === 'fsd_admin_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
      expect(cookie?.value).not.toContain(env.ADMIN_TOKEN);

      const card = page.locator(`section.destination[data-destination="${seeded.destinationId}"]`);
      const bars = await card.locator('svg.chart rect.bar').evaluateAll((rects) =>
        rects.map((r) => ({
          window: r.getAttribute('data-window'),
          status: r.getAttribute('data-status'),
          count: Number(r.getAttribute('data-count')),
          height: Number(r.getAttribute('height')),
        })),
      );
      // Two delivered and one failed, in both windows; each bar's height follows its count.
      expect(bars.map(({ window, status, count }) => ({ window, status, count }))).toEqual([
        { window: '1h', status: 'delivered', count: 2 },
        { window: '1h', status: 'retrying', count: 0 },
        { window: '1h', status: 'failed', count: 1 },
        { window: '24h', status: 'delivered', count: 2 },
        { window: '24h', status: 'retrying', count: 0 },
        { window: '24h', status: 'failed', count: 1 },
      ]);
      for (const b of bars) expect(b.height > 0).toBe(b.count > 0);
      expect(await card.locator('table.latency').innerText()).toMatch(/last hour\s+\d+(\.\d)? m?s/);
      expect(await card.locator('table.failures').innerText()).toMatch(/400/);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-overview.png'), fullPage: true });

      await page.fill('#q', 'ops-ui-1');
      await page.click('#search button[type=submit]');
      await page.waitForSelector('table.timeline tr.timeline-row');
      const rows = await page
        .locator('tr.timeline-row')
        .evaluateAll((trs) => trs.map((tr) => ({ kind: tr.getAttribute('data-kind'), text: tr.textContent ?? '' })));
      expect(rows.map((r) => r.kind)).toEqual(['received', 'attempt', 'state']);
      expect(rows[1].text).toMatch(/#1 auto trackEventV2 → delivered \(HTTP 200/);
      expect(rows[2].text).toContain('pending → delivered');
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-timeline.png'), fullPage: true });

      // Search by userId lists all three events.
      await page.fill('#q', 'ops-user');
      await page.click('#search button[type=submit]');
      await page.locator('#hits button[data-event]').nth(2).waitFor();
      expect(await page.locator('#hits button[data-event]').count()).toBe(3);

      // Redrive: the dry run counts the failed delivery and offers a confirmation; confirmed, it runs it again.
      await page.selectOption('#redrive select[name=destinationId]', seeded.destinationId);
      await page.click('#redrive button[type=submit]');
      await page.waitForSelector('#redrive .result:not(:empty):not(:has-text("Counting"))');
      expect(await page.locator('#redrive .result').innerText()).toMatch(/^Dry run: 1 matching\./);
      expect(await page.locator('#redrive .confirm').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-redrive.png'), fullPage: true });
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('#redrive .confirm');
      await page.waitForSelector('#redrive .result:has-text("Started")');
      expect(await page.locator('#redrive .result').innerText()).toMatch(/^Started: /);
      // "Started" means the redrive job exists, not that it has reached the failed delivery yet: until its
      // second attempt is recorded that delivery still reads "failed", so wait for the attempt first.
      const failedOne = (await deliveriesOf(env, seeded.destinationId)).find((d) => d.message_id === 'ops-ui-3')!;
      const redriveAttempts = await waitFor('the redrive attempt of ops-ui-3', async () => {
        const attempts = await attemptsOf(env, failedOne.id);
        return attempts.length === 2 && attempts;
      });
      await waitForDeliveries(env, seeded.destinationId, 3, ['delivered']);
      expect(redriveAttempts.map((a) => [a.trigger, a.decision])).toEqual([
        ['auto', 'failed_permanently'],
        ['redrive', 'delivered'],
      ]);

      // Replay (batch mode by default: the presets are v2): once confirmed, the page follows its progress.
      const local = (t: number) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
      const localNow = await page.evaluate(() => Date.now());
      await page.selectOption('#replay select[name=destinationId]', seeded.destinationId);
      await page.fill('#replay input[name=from]', local(localNow - 24 * 3600_000));
      await page.fill('#replay input[name=to]', local(localNow + 3600_000));
      await page.click('#replay button[type=submit]');
      await page.waitForSelector('#replay .result:has-text("Dry run")');
      expect(await page.locator('#replay .result').innerText()).toMatch(/^Dry run: 3 matching\./);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('#replay .confirm');
      await page.waitForSelector('#replay .progress[data-status=completed]:has-text("3 of 3 settled")', {
        timeout: 60_000,
      });
      expect(await page.locator('#replay .progress').innerText()).toMatch(
        /^Replay \d+ \(batch\): completed, 3 of 3 settled: 3 delivered, 0 failed, 0 skipped\. Batch jobs: \d+ \(0 running\), 3 imported, 0 item errors$/,
      );

      // The same session opens the queue dashboard.
      const queues = await page.goto(`${ingest}/admin/queues`);
      expect(queues?.status()).toBe(200);

      await page.goto(`${ingest}/admin/ui`);
      await Promise.all([page.waitForSelector('#login'), page.click('#logout')]);
      expect((await context.cookies()).find((c) => c.name === 'fsd_admin_session')).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
  // Last: it locks this address out of the login form for a minute.
  it('refuses logins from an address with 429 after five wrong tokens, even with the right one', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postJson(`${ingest}/admin/ui/login`, { token: `wrong-token-${i}-wrong-token` })).status).toBe(401);
    }
    const locked = await postJson(`${ingest}/admin/ui/login`, { token: env.ADMIN_TOKEN });
    expect(locked.status).toBe(429);
    // Whole seconds left of the one-minute window.
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(locked.body).toMatchObject({ success: false, code: 'rate_limited' });
  });
});
