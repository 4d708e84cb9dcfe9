import fs from 'fs';
import path from 'path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { dropQueues } from '../support/delivery';
import { ROOT, RunningApp, basicAuth, dropDatabase, postJson, stackEnv, startApp } from '../support/stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const API_KEY = 'cfg-ui-secret-api-key-5531';

jest.setTimeout(180_000);

/**
 * The configuration pages (/admin/ui/config/...) in headless Chromium, driven by clicks and the keyboard:
 * sources (create, write key shown once, rotation with an overlap during which both keys work), destinations
 * (create with a write-only API key, test connection, pause/resume, disable/enable, edit with an inline error)
 * and the mapping editor (validation as you type, a sample picked from the log, the preview, save, edit,
 * delete, the 50-mapping limit). Screenshots go to test-output/config-ui-*.png.
 */
describe('operations UI: configuration pages', () => {
  const env = stackEnv('config_ui');
  const apps: RunningApp[] = [];
  const ingest = `http://127.0.0.1:${env.INGEST_PORT}`;
  const bearer = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const state: { sourceId?: string; writeKey?: string; rotatedKey?: string; destinationId?: string } = {};

  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `config-ui-${name}.png`), fullPage: true });
  const track = async (key: string, body: Record<string, unknown> = { userId: 'u1', event: 'E' }) =>
    (await postJson(`${ingest}/v1/track`, body, { Authorization: basicAuth(key) })).status;
  const admin = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${ingest}${p}`, {
      method,
      headers: { ...bearer, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  /** Clicks something that reloads the page after a change, and waits for the reloaded page's flash. */
  const clickAndReload = async (selector: string, flash: string | RegExp) => {
    await Promise.all([page.waitForEvent('load'), page.click(selector)]);
    await page.locator('#flash').filter({ hasText: flash }).waitFor();
  };

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    apps.push(await startApp('fake-fullstory', env));
    apps.push(await startApp('ingest-api', env));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // The login page answers 401, which Chromium logs as a failed resource: not a script error.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    // Every confirmation is accepted; the tests that need a refusal say so.
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of apps.reverse()) await app.stop();
    await dropQueues(env);
    await dropDatabase(env.DATABASE_URL);
  });

  afterEach(() => {
    // No script error and no CSP violation on any page.
    expect(errors).toEqual([]);
  });

  it('asks for a login, refuses the JSON routes without one, and reaches the pages from /admin/ui', async () => {
    for (const p of ['/admin/ui/config/sources', '/admin/ui/config/destinations']) {
      const res = await fetch(`${ingest}${p}`);
      expect({ p, status: res.status }).toEqual({ p, status: 401 });
      expect(await res.text()).toContain('id="login"');
    }
    expect((await fetch(`${ingest}/admin/ui/api/config/sources`)).status).toBe(401);
    expect((await postJson(`${ingest}/admin/ui/api/config/sources`, { name: 'x' })).status).toBe(401);
    expect((await fetch(`${ingest}/admin/ui/api/config/sample-events`)).status).toBe(401);

    const first = await page.goto(`${ingest}/admin/ui/config/sources`);
    expect(first?.status()).toBe(401);
    expect(first?.headers()['content-security-policy']).toMatch(/script-src 'nonce-/);
    await page.fill('#token', env.ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${ingest}/admin/ui`), page.press('#token', 'Enter')]);
    await Promise.all([
      page.waitForURL(`${ingest}/admin/ui/config/sources`),
      page.click('header a:has-text("Configuration")'),
    ]);
    await page.locator('#sources-empty').waitFor();
    await shot('sources-empty');
  });

  it('creates a source from the keyboard and shows its write key once', async () => {
    await page.focus('#create-source input[name=name]');
    await page.keyboard.type('Web <site>');
    await page.keyboard.press('Tab');
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await page.locator('#new-key:not([hidden]) .secret').waitFor();
    state.writeKey = (await page.locator('#new-key .secret').innerText()).trim();
    expect(state.writeKey).toMatch(/^wk_/);
    expect(await page.locator('*:focus').getAttribute('id')).toBe('key-continue');
    await shot('source-created');
    expect(await track(state.writeKey)).toBe(200);

    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    await page.locator('#flash', { hasText: 'will not be shown again' }).waitFor();
    const row = page.locator('tr.source-row');
    expect(await row.count()).toBe(1);
    state.sourceId = (await row.getAttribute('data-source')) ?? undefined;
    expect(await row.innerText()).toContain('Web <site>');
    expect(await row.innerText()).toContain(`${state.writeKey.slice(0, 8)}…`);
    expect(await row.innerText()).toContain('100 req/s');
    expect(await page.content()).not.toContain(state.writeKey);
  });

  it('rotates the write key with an overlap: both keys work, the old one is shown with its end', async () => {
    await page.selectOption('form.rotate select[name=overlapSeconds]', '3600');
    await page.click('form.rotate button[type=submit]');
    await page.locator('#new-key:not([hidden]) .secret').waitFor();
    state.rotatedKey = (await page.locator('#new-key .secret').innerText()).trim();
    expect(state.rotatedKey).not.toBe(state.writeKey);
    expect(await page.locator('#new-key .note').innerText()).toMatch(/old key \(wk_.{5}…\) works until 20\d\d-/);
    await shot('source-rotated');
    expect(await track(state.rotatedKey)).toBe(200);
    expect(await track(state.writeKey!)).toBe(200);
    await clickAndReload('#key-continue', 'will not be shown again');
    expect(await page.locator('tr.source-row .previous-key').innerText()).toContain(state.writeKey!.slice(0, 8));
  });

  it('creates a destination with a write-only API key and runs its controls', async () => {
    await page.click('nav.tabs a:has-text("Destinations")');
    await page.locator('#destinations-empty').waitFor();
    await shot('destinations-empty');
    await page.fill('#create-destination input[name=name]', 'FullStory prod');
    await page.fill('#create-destination input[name=apiKey]', API_KEY);
    await page.check(`#new-${state.sourceId}`);
    await clickAndReload('#create-destination button[type=submit]', 'Destination FullStory prod created.');
    const card = page.locator('section.destination-config');
    expect(await card.count()).toBe(1);
    state.destinationId = (await card.getAttribute('data-destination')) ?? undefined;
    expect(await card.innerText()).toContain('API key set (write-only)');
    expect(await card.innerText()).toContain('Mappings (0 of 50)');
    expect(await page.content()).not.toContain(API_KEY);

    // The fake FullStory does not know this key: the failure is shown next to the button.
    await card.locator('button.test-connection').click();
    await card.locator('.row-actions .result.err', { hasText: 'Connection failed' }).waitFor();
    expect(await card.locator('.row-actions .result').innerText()).toBe(
      'Connection failed: Credentials are invalid: 401 Unauthorized',
    );
    await shot('destination-test-connection');

    await Promise.all([page.waitForEvent('load'), page.click('button.pause-toggle[data-action=pause]')]);
    await page.locator('.state[data-paused=true]').waitFor();
    await Promise.all([page.waitForEvent('load'), page.click('button.pause-toggle[data-action=resume]')]);
    await page.locator('.state[data-paused=false]').waitFor();
    await clickAndReload('button.enable-toggle', 'FullStory prod disabled.');
    expect(await page.locator('.state-enabled').innerText()).toBe('disabled');
    expect((await admin('GET', `/admin/destinations/${state.destinationId}`)).body.enabled).toBe(false);
    await clickAndReload('button.enable-toggle', 'FullStory prod enabled.');
    expect(await page.locator('.state-enabled').innerText()).toBe('enabled');
  });

  it('edits a destination: the API refusal inline, a new write-only key, the key kept when none is typed', async () => {
    const form = page.locator('form.edit-destination');
    await page.click('section.destination-config summary');
    // A new region without the key again is refused (the stored key would go to another host): shown inline.
    await form.locator('select[name=region]').selectOption('us');
    await form.locator('button[type=submit]').click();
    await form.locator('.result.err').waitFor();
    expect(await form.locator('.result').innerText()).toMatch(/^HTTP 400: .*give apiKey again/);
    await shot('destination-edit-error');
    await form.locator('select[name=region]').selectOption('');
    await form.locator('input[name=name]').fill('FullStory production');
    await form.locator('input[name=apiKey]').fill('test-api-key');
    await clickAndReload('form.edit-destination button[type=submit]', 'Destination FullStory production saved.');
    expect((await admin('GET', `/admin/destinations/${state.destinationId}`)).body.name).toBe('FullStory production');
    // The new key (one the fake FullStory knows) is used; the page never shows it.
    await page.click('button.test-connection');
    await page.locator('.row-actions .result.ok', { hasText: 'Connection OK' }).waitFor();
    expect(await page.content()).not.toContain('test-api-key');
    await shot('destination-saved');
    // Saving without typing a key keeps the stored one.
    await page.click('section.destination-config summary');
    await page.locator('form.edit-destination input[name=name]').fill('FullStory prod');
    await clickAndReload('form.edit-destination button[type=submit]', 'Destination FullStory prod saved.');
    await page.click('button.test-connection');
    await page.locator('.row-actions .result.ok', { hasText: 'Connection OK' }).waitFor();
  });

  it('edits a mapping with validation as you type and a preview of a logged event', async () => {
    const sample = {
      userId: 'cfg-user',
      event: 'Checkout Started',
      messageId: 'cfg-sample-1',
      properties: { cart: 3 },
    };
    expect(await track(state.rotatedKey!, sample)).toBe(200);
    await page.click('a.mappings-link');
    await page.locator('#mappings-empty').waitFor();
    expect(await page.locator('#mapping-count').innerText()).toBe('0 of 50 mappings');
    // The starter event is previewed at once; without a name the draft cannot be saved yet.
    await page.locator('#validation', { hasText: 'fill in the marked fields' }).waitFor();
    expect(await page.locator('#m-name-error').innerText()).toBe('A name is required to save.');
    await shot('mappings-empty');

    // Only the chosen action's fields are shown; switching the action switches them.
    const visibleFieldsets = () =>
      page.locator('fieldset.action-fields:visible').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-action')));
    expect(await visibleFieldsets()).toEqual(['trackEventV2']);
    await page.selectOption('#m-action', 'identifyUserV2');
    expect(await visibleFieldsets()).toEqual(['identifyUserV2']);
    await page.selectOption('#m-action', 'trackEventV2');
    await page.fill('#m-name', 'Checkout');
    await page.fill('#m-trigger', 'type == "track"');
    await page.locator('#m-trigger[aria-invalid=true]').waitFor();
    expect(await page.locator('#m-trigger-error').innerText()).toBe(
      '"==" is not a valid operator; use "=" (at position 5)',
    );
    expect(await page.locator('#validation').innerText()).toMatch(/^Invalid: HTTP 400/);
    await shot('mapping-invalid-trigger');
    await page.fill('#m-trigger', 'type = "track" and event = "Checkout Started"');
    await page.fill('#f-trackEventV2-name', '{"@path": ');
    await page.locator('#f-trackEventV2-name-error', { hasText: 'Not JSON' }).waitFor();
    expect(await page.locator('#m-trigger-error').innerText()).toBe('');
    await page.fill('#f-trackEventV2-name', '"Checkout (mapped)"');
    await page.locator('#f-trackEventV2-name-error:empty').waitFor({ state: 'attached' });

    // A sample picked from the log, found by its messageId.
    await page.fill('#sample-q', 'cfg-sample-1');
    await page.press('#sample-q', 'Enter');
    await page.locator('#sample-status', { hasText: '1 logged event' }).waitFor();
    await page.selectOption('#sample-pick', '0');
    await page.locator('#validation.ok', { hasText: 'Valid.' }).waitFor();
    await page.locator('#preview-output', { hasText: 'Checkout (mapped)' }).waitFor();
    const shown = await page.locator('#preview-output').innerText();
    const event = JSON.parse(await page.inputValue('#sample')) as Record<string, unknown>;
    expect(event).toMatchObject(sample);
    await shot('mapping-preview');

    await clickAndReload('#save-mapping', 'Mapping Checkout saved.');
    expect(await page.locator('#mapping-count').innerText()).toBe('1 of 50 mappings');
    // What the page showed is what the admin API's preview answers for the saved configuration.
    const api = await admin('POST', `/admin/destinations/${state.destinationId}/preview`, { event });
    expect(api.status).toBe(200);
    const requests = api.body.requests as { method: string; url: string; body: unknown }[];
    expect(requests).toHaveLength(2);
    expect(shown).toContain(`Actions run: ${(api.body.actions as string[]).join(', ')}`);
    requests.forEach((r, i) => {
      expect(shown).toContain(`Request ${i + 1}: ${r.method} ${r.url}`);
      expect(shown).toContain(JSON.stringify(r.body, null, 2));
    });
    expect(shown).toContain('Authorization: Basic [redacted]');

    await page.click('button.edit-mapping');
    expect(await page.locator('#editor-title').innerText()).toBe('Edit mapping Checkout');
    expect(await page.inputValue('#f-trackEventV2-name')).toBe('"Checkout (mapped)"');
    expect(await page.locator('*:focus').getAttribute('id')).toBe('m-name');
    await page.fill('#m-name', 'Checkout v2');
    await page.locator('#validation.ok').waitFor();
    await clickAndReload('#save-mapping', 'Mapping Checkout v2 saved.');
    const stored = (await admin('GET', `/admin/destinations/${state.destinationId}/mappings`)).body.mappings as {
      name: string;
      mapping: Record<string, unknown>;
    }[];
    expect(stored.map((m) => [m.name, m.mapping.name])).toEqual([['Checkout v2', 'Checkout (mapped)']]);
  });

  it('shows the 50-mapping limit inline and lifts it when a mapping is deleted', async () => {
    for (let i = 2; i <= 50; i += 1) {
      const res = await admin('POST', `/admin/destinations/${state.destinationId}/mappings`, {
        name: `Bulk ${i}`,
        trigger: `event = "bulk-${i}"`,
        action: 'trackEventV2',
        mapping: { name: { '@path': '$.event' } },
      });
      expect(res.status).toBe(201);
    }
    await page.reload();
    expect(await page.locator('#mapping-count').innerText()).toBe('50 of 50 mappings');
    expect(await page.locator('#limit-notice').isVisible()).toBe(true);
    await page.fill('#m-name', 'One too many');
    await page.locator('#mapping-errors', { hasText: 'at most 50 mappings; 51 were given' }).waitFor();
    // Wait for the save's own answer, so a failure says whether the request was sent and what came back.
    const [saved] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith(`/destinations/${state.destinationId}/mappings`),
      ),
      page.click('#save-mapping'),
    ]);
    expect({ status: saved.status(), page: page.url() }).toEqual({
      status: 400,
      page: expect.stringMatching(/\/mappings$/),
    });
    await page.locator('#save-result.err', { hasText: 'at most 50' }).waitFor();
    await shot('mappings-limit');

    await clickAndReload('tr.mapping-row:last-child button.delete-mapping', 'Mapping Bulk 50 deleted.');
    expect(await page.locator('#mapping-count').innerText()).toBe('49 of 50 mappings');
    expect(await page.locator('#limit-notice').isVisible()).toBe(false);
    expect(await page.locator('tr.mapping-row').count()).toBe(49);
    await page.fill('#m-name', 'Fits now');
    await page.locator('#validation.ok', { hasText: 'Valid.' }).waitFor();
  });

  it('answers 404 for the mappings of a destination that does not exist', async () => {
    const res = await page.goto(`${ingest}/admin/ui/config/destinations/00000000-0000-4000-8000-000000000000/mappings`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('#not-found').innerText()).toContain('does not exist');
  });
});
