import fs from 'fs';
import path from 'path';
import { Browser, Page, chromium } from 'playwright-core';
import {
  FakeFullStory,
  attemptsOf,
  deliveryQueue,
  header,
  redactedAuthorization,
  waitForDeliveries,
} from '../support/delivery';
import { SeededPair } from '../support/seed';
import { ROOT, StackEnv, basicAuth, postJson, withDb } from '../support/stack';
import { useStack } from '../support/use-stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Issue 18: Pause / Resume of a destination from the operations page (/admin/ui) in headless Chromium. The page
 * calls the admin API's pause service; a second, unpaused destination on the same source is the sentinel that
 * the worker has handled an event the paused one holds.
 */
describe('operations UI: pause and resume a destination', () => {
  let browser: Browser;
  // Registered before useStack's (Jest runs afterAll hooks in registration order): the browser closes first.
  afterAll(async () => {
    await browser?.close();
  });
  let other: string;
  const stack = useStack(
    'ops_ui_pause',
    { FAKE_FULLSTORY_KEYS: 'key-a:admin,key-other:admin' },
    {
      seed: { apiKey: 'key-a', presets: { trackEvent: true, identifyUser: false } },
      beforeWorker: async ({ env: e, ingest: i, seeded: s }) => {
        const created = await postJson(
          `${i}/admin/destinations`,
          {
            name: 'sentinel destination',
            sourceIds: [s.sourceId],
            apiKey: 'key-other',
            presets: { trackEvent: true, identifyUser: false },
          },
          { Authorization: `Bearer ${e.ADMIN_TOKEN}` },
        );
        expect(created.status).toBe(201);
        other = (created.body as { id: string }).id;
      },
    },
  );
  let env: StackEnv;
  let ingest: string;
  let fake: FakeFullStory;
  let seeded: SeededPair;

  beforeAll(async () => {
    ({ env, ingest, fake, seeded } = stack);
    fs.mkdirSync(OUTPUT, { recursive: true });
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

  const track = async (messageId: string) => {
    const res = await postJson(
      `${ingest}/v1/track`,
      { userId: 'pause-user', event: 'Viewed', messageId },
      { Authorization: basicAuth(seeded.writeKey) },
    );
    expect(res.status).toBe(200);
  };
  const sentWithKeyA = async () =>
    (await fake.requests({ method: 'POST', path: '/v2/events' })).filter(
      (r) => header(r, 'authorization') === redactedAuthorization('Basic key-a'),
    ).length;
  const storedPaused = () =>
    withDb(env.DATABASE_URL, async (db) => {
      const { rows } = await db.query<{ paused: boolean }>('SELECT paused FROM destinations WHERE id = $1', [
        seeded.destinationId,
      ]);
      return rows[0].paused;
    });
  async function queuePaused(): Promise<boolean> {
    const queue = deliveryQueue(env, seeded.destinationId);
    try {
      return await queue.isPaused();
    } finally {
      await queue.close();
    }
  }
  const card = (page: Page) => page.locator(`section.destination[data-destination="${seeded.destinationId}"]`);

  it('refuses the pause and resume routes without a login, and a malformed id with one', async () => {
    for (const action of ['pause', 'resume']) {
      const res = await postJson(`${ingest}/admin/ui/api/destinations/${seeded.destinationId}/${action}`, {});
      expect({ action, status: res.status }).toEqual({ action, status: 401 });
    }
    const bad = await postJson(
      `${ingest}/admin/ui/api/destinations/not-a-uuid/pause`,
      {},
      {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
      },
    );
    expect(bad.status).toBe(400);
    expect(await storedPaused()).toBe(false);
  });

  it('Pause (confirmed) holds a new event, logged but not sent; Resume sends it exactly once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    const actionCalls: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.url().includes('/admin/ui/api/destinations/'))
        actionCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    try {
      await page.goto(`${ingest}/admin/ui`);
      await page.fill('#token', env.ADMIN_TOKEN);
      await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
      await card(page).waitFor();
      expect(await card(page).locator('.state').innerText()).toBe('Deliveries: running');

      // Declined: nothing is called. Then confirmed (the one call below is the sentinel for the declined one).
      const pause = page.getByRole('button', { name: 'Pause deliveries to e2e destination' });
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await pause.click();
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await Promise.all([page.waitForEvent('load'), pause.click()]);
      await card(page).locator('button[data-action=resume]').waitFor();
      expect(actionCalls).toEqual([`POST /admin/ui/api/destinations/${seeded.destinationId}/pause`]);
      expect(dialogs).toHaveLength(2);
      expect(dialogs[1]).toMatch(/^Pause deliveries to e2e destination\?/);
      expect(await card(page).locator('.state').innerText()).toBe('Deliveries: paused');
      expect(await card(page).locator('h2').innerText()).toContain('(paused)');
      // The other destination's card is untouched.
      expect(await page.locator(`section.destination[data-destination="${other}"] .state`).innerText()).toBe(
        'Deliveries: running',
      );
      expect(await storedPaused()).toBe(true);
      expect(await queuePaused()).toBe(true);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-paused.png'), fullPage: true });

      await track('pause-held-1');
      // Sentinel: the unpaused destination has delivered the same event, so the worker has seen it.
      await waitForDeliveries(env, other, 1, ['delivered']);
      const held = await waitForDeliveries(env, seeded.destinationId, 1, ['pending']);
      expect(held[0].message_id).toBe('pause-held-1');
      expect(await attemptsOf(env, held[0].id)).toEqual([]);
      expect(await sentWithKeyA()).toBe(0);

      // Resume from the keyboard: focus the button, Enter, confirm.
      const resume = page.getByRole('button', { name: 'Resume deliveries to e2e destination' });
      await resume.focus();
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      await card(page).locator('button[data-action=pause]').waitFor();
      expect(dialogs[2]).toMatch(/^Resume deliveries to e2e destination\?/);
      expect(await card(page).locator('.state').innerText()).toBe('Deliveries: running');
      expect(await storedPaused()).toBe(false);

      const delivered = await waitForDeliveries(env, seeded.destinationId, 1, ['delivered']);
      expect((await attemptsOf(env, delivered[0].id)).map((a) => a.decision)).toEqual(['delivered']);
      // A later event as the sentinel that no second send of the held one follows.
      await track('pause-after-2');
      await waitForDeliveries(env, seeded.destinationId, 2, ['delivered']);
      expect(await sentWithKeyA()).toBe(2);
      expect(actionCalls).toEqual([
        `POST /admin/ui/api/destinations/${seeded.destinationId}/pause`,
        `POST /admin/ui/api/destinations/${seeded.destinationId}/resume`,
      ]);
      await page.screenshot({ path: path.join(OUTPUT, 'ops-ui-resumed.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
