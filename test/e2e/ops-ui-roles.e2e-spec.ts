import { deliveryQueueName } from '@fsd/platform';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { adminClient } from '../support/admin-client';
import { seedSourceAndDestination, SeededPair } from '../support/seed';
import { RunningApp, StackEnv, dropDatabase, stackEnv, startApp, waitFor } from '../support/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The operations page and the queue dashboard follow the role, in headless Chromium: an auditor logs in with their
 * token and sees no replay, redrive or pause controls, and the page's and dashboard's changing routes refuse them
 * (403); an operator has the controls, and what they do is in the audit log under their token, via the page.
 * Sessions end when their token is revoked or expires.
 */
jest.setTimeout(120_000);

describe('operations page and dashboard by role', () => {
  let env: StackEnv;
  const apps: RunningApp[] = [];
  let ingest: string;
  let seeded: SeededPair;
  let browser: Browser;
  let call: ReturnType<typeof adminClient>;
  const tokenOf = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/admin/tokens', env.ADMIN_TOKEN, body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, token: res.body.token as string };
  };

  beforeAll(async () => {
    env = stackEnv('ops_ui_roles');
    apps.push(await startApp('ingest-api', env));
    ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
    call = adminClient(ingest);
    seeded = await seedSourceAndDestination(env.DATABASE_URL, env.SECRETS_KEY);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of apps.reverse()) await app.stop();
    await dropDatabase(env.DATABASE_URL);
  });

  async function logIn(token: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect((await page.goto(`${ingest}/admin/ui`))?.status()).toBe(401);
    await page.fill('#token', token);
    await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.click('#login button[type=submit]')]);
    await page.waitForSelector(`section.destination[data-destination="${seeded.destinationId}"]`);
    return { context, page, errors };
  }

  /** A same-origin fetch from the logged-in page (its session cookie, as the page's own script sends it). */
  const fromPage = (page: Page, method: string, url: string, body?: unknown) =>
    page.evaluate(
      async ({ method, url, body }) => {
        const res = await fetch(url, {
          method,
          credentials: 'same-origin',
          headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, text: await res.text() };
      },
      { method, url, body },
    );

  it('shows an auditor no controls and refuses their changes on the page and the dashboard', async () => {
    const auditor = await tokenOf({ name: 'Audrey (auditor)', role: 'auditor' });
    const { context, page, errors } = await logIn(auditor.token);
    try {
      expect(await page.getAttribute('#whoami', 'data-role')).toBe('auditor');
      expect(await page.locator('form#replay').count()).toBe(0);
      expect(await page.locator('form#redrive').count()).toBe(0);
      expect(await page.locator('button.pause-toggle').count()).toBe(0);
      // Reading still works: the search.
      await page.fill('#q', 'nothing-like-this');
      await page.click('#search button[type=submit]');
      await page.waitForSelector('#hits:has-text("No event")');

      const replay = await fromPage(page, 'POST', '/admin/ui/api/replays', {
        destinationId: seeded.destinationId,
        filter: { from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' },
        dryRun: true,
      });
      expect(replay.status).toBe(403);
      const redrive = await fromPage(page, 'POST', '/admin/ui/api/redrive', { destinationId: seeded.destinationId });
      expect(redrive.status).toBe(403);
      const pause = await fromPage(page, 'POST', `/admin/ui/api/destinations/${seeded.destinationId}/pause`);
      expect(pause.status).toBe(403);
      const revokeAll = await fromPage(page, 'POST', '/admin/ui/sessions/revoke');
      expect(revokeAll.status).toBe(403);

      const queue = deliveryQueueName(seeded.destinationId);
      expect((await fromPage(page, 'GET', '/admin/queues/api/queues')).status).toBe(200);
      const retry = await fromPage(page, 'PUT', `/admin/queues/api/queues/${queue}/retry/failed`);
      expect(retry.status).toBe(403);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    const log = await call('GET', `/admin/audit-log?tokenId=${auditor.id}`, env.ADMIN_TOKEN);
    expect(log.body.entries).toEqual([]);
  });

  it('gives an operator the controls, and records what they do under their token, via the page', async () => {
    const operator = await tokenOf({ name: 'Otto (operator)', role: 'operator' });
    const { context, page, errors } = await logIn(operator.token);
    try {
      expect(await page.getAttribute('#whoami', 'data-role')).toBe('operator');
      expect(await page.locator('form#replay').count()).toBe(1);
      expect(await page.locator('form#redrive').count()).toBe(1);

      // A redrive: dry run, then confirmed (nothing has failed: it redrives none).
      page.on('dialog', (d) => void d.accept());
      await page.click('#redrive button[type=submit]');
      await page.waitForSelector('#redrive .result.ok');
      await page.click('#redrive button.confirm');
      await page.waitForSelector('#redrive .result.ok:has-text("Started")');

      await Promise.all([page.waitForEvent('load'), page.click('button.pause-toggle[data-action="pause"]')]);
      await page.waitForSelector('button.pause-toggle[data-action="resume"]');

      const queue = deliveryQueueName(seeded.destinationId);
      const retry = await fromPage(page, 'PUT', `/admin/queues/api/queues/${queue}/retry/failed`);
      expect(retry.status).toBeLessThan(300);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    const log = await waitFor('the dashboard retry in the audit log', async () => {
      const r = await call('GET', `/admin/audit-log?tokenId=${operator.id}`, env.ADMIN_TOKEN);
      const entries = r.body.entries as Array<Record<string, unknown>>;
      return entries.length === 3 ? entries : null;
    });
    expect(log.map((e) => [e.action, e.via, e.tokenName, e.targetId])).toEqual([
      ['deliveries.redrive', 'ops-ui', 'Otto (operator)', seeded.destinationId],
      ['destination.pause', 'ops-ui', 'Otto (operator)', seeded.destinationId],
      ['dashboard.retry', 'dashboard', 'Otto (operator)', deliveryQueueName(seeded.destinationId)],
    ]);
  });

  it('ends a session when its token is revoked, and when it expires', async () => {
    const login = async (token: string) => {
      const res = await fetch(`${ingest}/admin/ui/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(res.status).toBe(204);
      return (res.headers.get('set-cookie') ?? '').split(';')[0];
    };
    const overview = async (cookie: string) =>
      (await fetch(`${ingest}/admin/ui/api/overview`, { headers: { cookie } })).status;

    const revoked = await tokenOf({ name: 'leaving', role: 'operator' });
    const cookie = await login(revoked.token);
    expect(await overview(cookie)).toBe(200);
    expect((await call('DELETE', `/admin/tokens/${revoked.id}`, env.ADMIN_TOKEN)).status).toBe(200);
    await waitFor('the revoked token’s session to end', async () => (await overview(cookie)) === 401, 5000);

    const expiring = await tokenOf({
      name: 'short',
      role: 'auditor',
      expiresAt: new Date(Date.now() + 3000).toISOString(),
    });
    const short = await login(expiring.token);
    expect(await overview(short)).toBe(200);
    await waitFor('the expired token’s session to end', async () => (await overview(short)) === 401, 10_000);
  });
});
