import fs from 'fs';
import path from 'path';
import { Browser, chromium } from 'playwright-core';
import { deliveryQueueName } from '@fsd/platform';
import { FakeFullStory, attemptsOf, waitForDeliveries } from '../support/delivery';
import { SeededPair } from '../support/seed';
import { ROOT, StackEnv, basicAuth, postJson, waitFor } from '../support/stack';
import { useStack } from '../support/use-stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

jest.setTimeout(180_000);

/**
 * The queue dashboard (/admin/queues) in headless Chromium: reached with the operations page's session, it
 * lists the destination's queue; a click opens it, the failed tab shows the failed job with its reason, and
 * its Retry button runs it again (recorded as a redrive). Screenshots go to test-output/queues-ui-*.png.
 */
describe('queue dashboard in a browser (/admin/queues)', () => {
  let browser: Browser;
  // Declared before useStack because Jest runs afterAll hooks in declaration order: the browser closes before the
  // apps stop, as it always has (the other order made this file's teardown some 25 s slower).
  afterAll(async () => {
    await browser?.close();
  });
  const stack = useStack('queues_ui');
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  // A delivery failed once (fake FullStory refuses it), and the browser to look at it with.
  beforeAll(async () => {
    ({ env, ingest, fake, seeded } = stack);
    fs.mkdirSync(OUTPUT, { recursive: true });
    await fake.fault({ match: { method: 'POST', path: '/v2/events' }, status: 400, times: 1 });
    const sent = await postJson(
      `${ingest}/v1/track`,
      { userId: 'queues-ui-user', event: 'Refused once', messageId: 'queues-ui-1' },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(sent.status).toBe(200);
    await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
  });

  it('opens the destination queue, shows the failed job and retries it with a click', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      // Without a session the dashboard asks for credentials (a headless browser cannot answer the prompt).
      expect((await fetch(`${ingest}/admin/queues`)).status).toBe(401);
      await page.goto(`${ingest}/admin/ui`);
      await page.fill('#token', env.ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
      await page.locator('svg.chart').first().waitFor();
      await page.click('header a[href="/admin/queues"]');

      const queueName = deliveryQueueName(seeded.destinationId);
      // The name carries a Redis Cluster hash tag (braces), which the dashboard's links may percent-encode.
      const inHref = (suffix: string, match = '*=') =>
        [queueName, encodeURIComponent(queueName)].map((n) => `a[href${match}"${suffix.replace('$Q', n)}"]`).join(', ');
      const queueLink = page.locator(inHref('$Q')).first();
      await queueLink.waitFor();
      await page.screenshot({ path: path.join(OUTPUT, 'queues-ui-overview.png'), fullPage: true });
      await queueLink.click();
      await page.waitForURL((url) => decodeURIComponent(url.pathname).endsWith(`/admin/queues/queue/${queueName}`));
      await page.click(inHref('/queue/$Q?status=failed', '$='));
      await page.waitForURL(/status=failed/);
      const [failed] = await waitForDeliveries(env, seeded.destinationId, 1, ['failed']);
      const jobLink = page.locator(inHref(`/queue/$Q/d${failed.id}`)).first();
      await jobLink.waitFor();
      // The job card shows why it failed: its failedReason (jobs keep no stack trace in Redis).
      await page.locator('.error', { hasText: 'HTTP 400 Bad Request' }).first().waitFor();
      await page.screenshot({ path: path.join(OUTPUT, 'queues-ui-failed-job.png'), fullPage: true });
      // The job carries ids, never the event or the API key.
      await page.getByRole('tab', { name: 'Data' }).click();
      const data = await page.getByRole('tabpanel').innerText();
      expect(data).toContain(String(failed.id));
      expect(data).not.toContain('queues-ui-user');
      expect(data).not.toContain('test-api-key');

      // Retry from the queue's menu, confirmed in the dashboard's own dialog.
      await page.click('button[aria-haspopup=menu]');
      await page.getByRole('menuitem', { name: 'Retry all 1 failed jobs' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      const attempts = await waitFor('the retried attempt', async () => {
        const rows = await attemptsOf(env, failed.id);
        return rows.length >= 2 ? rows : null;
      });
      expect(attempts.map((a) => [a.trigger, a.decision])).toEqual([
        ['auto', 'failed_permanently'],
        ['redrive', 'delivered'],
      ]);
      await page.screenshot({ path: path.join(OUTPUT, 'queues-ui-retried.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
