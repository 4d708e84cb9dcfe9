import fs from 'fs';
import path from 'path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { ROOT, RunningApp, startApp, stackEnv, waitFor } from '../support/stack';

const OUTPUT = path.join(ROOT, 'test-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The fake FullStory's QA inbox at /__fake/ui in headless Chromium: requests appear live, filters by endpoint,
 * status, user and key (typed and clicked), request and response side by side, users and events, keys, faults
 * and settings changed from the page (and checked through the API), and the disconnected state.
 */
describe('fake FullStory inbox (/__fake/ui)', () => {
  const env = stackEnv('fake_inbox');
  const base = `http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}`;
  let fake: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  const api = (urlPath: string, body: unknown, key = 'test-api-key'): Promise<Response> =>
    fetch(`${base}${urlPath}`, {
      method: 'POST',
      headers: { Authorization: `Basic ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const rowAttr = (name: string): Promise<string[]> =>
    page.locator('#requests tbody tr').evaluateAll((trs, n) => trs.map((tr) => tr.getAttribute(n) ?? ''), name);
  const statuses = (): Promise<string[]> => rowAttr('data-status');
  const seqs = async (): Promise<number[]> => (await rowAttr('data-seq')).map(Number);
  // Polled from here: the page's CSP (rightly) refuses the string evaluation waitForFunction would need.
  const countToBe = (selector: string, count: number): Promise<boolean> =>
    waitFor(`${count} × ${selector}`, async () => (await page.locator(selector).count()) === count);
  const rowsToBe = (count: number): Promise<boolean> => countToBe('#requests tbody tr', count);
  const focusedId = (): Promise<string | null> => page.locator(':focus').getAttribute('id');
  /** Applies the filter form by clicking its submit button, then waits for the list to have `count` rows. */
  async function applyAndCount(count: number): Promise<void> {
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('#live[data-state=live]');
    await rowsToBe(count);
  }
  const shot = (name: string): Promise<Buffer> =>
    page.screenshot({ path: path.join(OUTPUT, `fake-inbox-${name}.png`), fullPage: true });

  beforeAll(async () => {
    fs.mkdirSync(OUTPUT, { recursive: true });
    fake = await startApp('fake-fullstory', env);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await fake?.stop();
  });

  it('shows the empty state, registers a key from the page, then lists requests live as they arrive', async () => {
    const response = await page.goto(`${base}/__fake/ui`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('#live[data-state=live]');
    expect(await page.locator('#requests-empty').innerText()).toMatch(/^No requests captured yet/);
    await shot('empty');

    await page.click('nav button[data-view=settings]');
    await page.fill('#k-key', 'qa-standard');
    await page.selectOption('#k-role', 'standard');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#settings-ok:has-text("Key registered (standard)")');
    expect(await page.locator('#keys tbody tr').allInnerTexts()).toContainEqual(
      expect.stringMatching(/^qa-standard\s+standard\s+standard@fake-fullstory\.test$/),
    );
    await page.click('nav button[data-view=requests]');

    // Marks this document: if the list updated through a reload the mark would be gone.
    await page.evaluate(() => ((globalThis as { inboxMark?: number }).inboxMark = 42));
    expect((await api('/v2/users', { uid: 'u-inbox-1', display_name: 'Ada' })).status).toBe(200);
    expect((await api('/v2/events', { name: 'Viewed', user: { uid: 'u-inbox-1' } })).status).toBe(200);
    expect((await api('/v2/users', { uid: 'u-inbox-bad', email: 42 })).status).toBe(400);
    expect((await api('/v2/events', { name: 'Paid', user: { uid: 'u-inbox-2' } }, 'qa-standard')).status).toBe(200);
    await rowsToBe(4);
    expect(await page.evaluate(() => (globalThis as { inboxMark?: number }).inboxMark)).toBe(42);
    expect(await seqs()).toEqual([4, 3, 2, 1]);
    expect(await statuses()).toEqual(['200', '400', '200', '200']);
    // The key column names the keys the fake knows (the page hashes them as the fake redacts them).
    expect(await page.locator('#requests tbody tr').first().innerText()).toMatch(
      /^#4\s.*POST \/v2\/events\s+u-inbox-2\s+200\s+qa-standard \(standard\)$/,
    );
    expect(await page.locator('#requests tbody tr').last().innerText()).toMatch(/\s+200\s+test-api-key \(admin\)$/);
    expect(await page.locator('#requests-empty').isHidden()).toBe(true);
    // Nothing opened yet: the detail says so, the two panes are not shown.
    expect(await page.locator('#detail-empty').isVisible()).toBe(true);
    expect(await page.locator('#detail .side-by-side').isVisible()).toBe(false);
    await shot('live');
  });

  it('filters by endpoint, status, user and key with the form (clicks and keyboard)', async () => {
    await page.selectOption('#f-endpoint', 'POST /v2/events');
    await applyAndCount(2);
    expect(await seqs()).toEqual([4, 2]);
    await page.click('#filters button[type=reset]');
    await rowsToBe(4);

    // Keyboard: the fields follow each other in tab order, Enter submits.
    await page.focus('#f-user');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('f-status');
    await page.keyboard.type('4xx');
    await page.keyboard.press('Enter');
    await rowsToBe(1);
    expect(await statuses()).toEqual(['400']);

    // A status the fake cannot filter on: an error, focus back on the field, the list unchanged.
    await page.fill('#f-status', 'oops');
    await page.click('#filters button[type=submit]');
    await page.waitForSelector('#filter-error:has-text("Status must be")');
    expect(await focusedId()).toBe('f-status');
    await shot('filter-error');

    await page.fill('#f-status', '');
    await page.fill('#f-user', 'u-inbox-2');
    await applyAndCount(1);
    expect(await seqs()).toEqual([4]);
    expect(await page.locator('#filter-error').innerText()).toBe('');

    await page.fill('#f-user', '');
    await page.fill('#f-key', 'qa-standard');
    await applyAndCount(1);
    expect(await seqs()).toEqual([4]);
    await page.fill('#f-key', 'test-api-key');
    await applyAndCount(3);
    expect(await seqs()).toEqual([3, 2, 1]);

    // Live with a filter: the other key's request is not shown, the sentinel sent after it is.
    expect((await api('/v2/events', { name: 'Hidden', user: { uid: 'u-inbox-2' } }, 'qa-standard')).status).toBe(200);
    expect((await api('/v2/events', { name: 'Shown', user: { uid: 'u-inbox-1' } })).status).toBe(200);
    await rowsToBe(4);
    expect(await seqs()).toEqual([6, 3, 2, 1]);

    await page.fill('#f-key', 'no-such-key');
    await applyAndCount(0);
    expect(await page.locator('#requests-empty').innerText()).toMatch(/^No requests match these filters/);
    await shot('filtered-empty');
    await page.click('#filters button[type=reset]');
    await rowsToBe(6);
  });

  it('opens a request: what was sent and what the fake answered, side by side, the key redacted', async () => {
    await page.click('#requests button[data-seq="3"]');
    await page.waitForSelector('#detail .side-by-side:not([hidden])');
    await page.waitForSelector('#detail[data-seq="3"]');
    const sent = await page.locator('#detail-request').innerText();
    const answered = await page.locator('#detail-response').innerText();
    expect(sent).toMatch(/^POST \/v2\/users\n/);
    expect(sent).toContain('"email": 42');
    expect(sent).toMatch(/"authorization": "Basic <redacted sha256:[0-9a-f]{64}>"/);
    expect(sent).not.toContain('test-api-key');
    expect(answered).toMatch(/^400\n/);
    expect(answered).toContain('"code": "invalid_argument"');
    const left = await page.locator('#detail-request').boundingBox();
    const right = await page.locator('#detail-response').boundingBox();
    expect(left !== null && right !== null && left.x + left.width <= right.x && left.y === right.y).toBe(true);
    expect(await page.locator('#requests tr.selected').getAttribute('data-seq')).toBe('3');
    await shot('detail');

    // The open buttons are buttons: Enter on a focused one opens it too.
    await page.focus('#requests button[data-seq="1"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[data-seq="1"]');
    expect(await page.locator('#detail-response').innerText()).toMatch(/^200\n/);
  });

  it('shows users and events as FullStory holds them', async () => {
    await page.click('nav button[data-view=data]');
    await countToBe('#events tbody tr', 4);
    const users = await page.locator('#users tbody tr').allInnerTexts();
    expect(users).toHaveLength(2);
    expect(users[0]).toMatch(/^\d+\s+u-inbox-1\s+Ada\s+yes\s+v2_users/);
    expect(users[1]).toMatch(/^\d+\s+u-inbox-2\s+no\s+v2_events/);
    expect(await page.locator('#events tbody tr td:nth-child(4)').allInnerTexts()).toEqual([
      'Viewed',
      'Paid',
      'Hidden',
      'Shown',
    ]);
    await page.fill('#e-uid', 'u-inbox-2');
    await page.click('#events-filter button[type=submit]');
    await countToBe('#events tbody tr', 2);
    expect(await page.locator('#events tbody tr td:nth-child(4)').allInnerTexts()).toEqual(['Paid', 'Hidden']);
    await shot('data');
  });

  it('sets a fault and runtime settings from the page; the API obeys them; errors are shown', async () => {
    await page.click('nav button[data-view=settings]');
    await page.waitForSelector('#faults-empty:not([hidden])');

    // A path the fake refuses: its message is shown and the form keeps what was typed.
    await page.fill('#x-path', 'v2/events');
    await page.fill('#x-status', '503');
    await page.click('#fault-form button[type=submit]');
    await page.waitForSelector('#settings-error:has-text("match.path must start with /")');
    expect(await page.inputValue('#x-status')).toBe('503');
    await shot('fault-error');

    await page.selectOption('#x-method', 'POST');
    await page.fill('#x-path', '/v2/events');
    await page.click('#fault-form button[type=submit]');
    await page.waitForSelector('#settings-ok:has-text("Fault added.")');
    expect(await page.locator('#settings-error').innerText()).toBe('');
    expect(await page.locator('#faults tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^fault-1\s+POST \/v2\/events\s+status 503\s+always\s+0\s+0$/),
    ]);
    const faulted = await api('/v2/events', { name: 'During outage', user: { uid: 'u-inbox-1' } });
    expect(faulted.status).toBe(503);
    expect((await api('/v2/users', { uid: 'u-inbox-1' })).status).toBe(200);
    // The fault's counters follow the traffic live.
    await page.waitForSelector('#faults tr[data-fault="fault-1"] td:nth-child(6):text-is("1")');
    expect(await page.locator('#faults tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^fault-1\s+POST \/v2\/events\s+status 503\s+always\s+1\s+1$/),
    ]);
    await shot('fault');

    await page.click('#faults-clear');
    await page.waitForSelector('#settings-ok:has-text("All faults removed.")');
    expect(await page.locator('#faults-empty').isVisible()).toBe(true);
    expect((await api('/v2/events', { name: 'After outage', user: { uid: 'u-inbox-1' } })).status).toBe(200);

    // Runtime settings: strict naming from the page, then the API refuses a v2 property name it accepted before.
    expect(await page.inputValue('#c-naming')).toBe('lenient');
    await page.selectOption('#c-naming', 'strict');
    await page.fill('#c-delay', '0');
    await page.click('#config-form button[type=submit]');
    await page.waitForSelector('#settings-ok:has-text("Settings saved.")');
    const config = (await (await fetch(`${base}/__fake/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ namingMode: 'strict', processingDelayMs: 0, rateLimit: null });
    await page.selectOption('#c-naming', 'lenient');
    await page.click('#config-form button[type=submit]');
    await waitFor('lenient naming again', async () => {
      const now = (await (await fetch(`${base}/__fake/config`)).json()) as { namingMode: string };
      return now.namingMode === 'lenient';
    });
    await shot('settings');
  });

  it('empties the list live when a test run clears the fake, and resets it from the page', async () => {
    await page.click('nav button[data-view=requests]');
    expect(await page.locator('#requests tbody tr').count()).toBeGreaterThan(0);
    await page.evaluate(() => ((globalThis as { inboxMark?: number }).inboxMark = 7));
    expect((await fetch(`${base}/__fake/requests`, { method: 'DELETE' })).status).toBe(200);
    await rowsToBe(0);
    expect(await page.evaluate(() => (globalThis as { inboxMark?: number }).inboxMark)).toBe(7);
    expect(await page.locator('#requests-empty').innerText()).toMatch(/^No requests captured yet/);

    await page.click('nav button[data-view=settings]');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('#reset');
    await page.waitForSelector('#settings-ok:has-text("The fake was reset.")');
    expect(await page.locator('#keys tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^dev-fullstory-key\s+admin/),
      expect.stringMatching(/^test-api-key\s+admin/),
    ]);
    const config = (await (await fetch(`${base}/__fake/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ namingMode: 'lenient', processingDelayMs: 0 });
    expect(await (await fetch(`${base}/__fake/faults`)).json()).toEqual([]);
  });

  // Last: it stops the fake.
  it('says so when the fake goes away', async () => {
    await page.click('nav button[data-view=requests]');
    expect(await fake.stop()).toBe(0);
    await page.waitForSelector('#live[data-state=down]');
    expect(await page.locator('#live').innerText()).toMatch(/Disconnected/);
    await page.click('nav button[data-view=data]');
    await page.waitForSelector('#data-error:has-text("did not answer")');
    await shot('disconnected');
    // Over the whole run: no script error, nothing the page tried was refused by its own CSP.
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
