import type { DestinationView } from '../../admin/destinations/destination.view';
import type { MappingView } from '../../admin/mappings/mapping.dto';
import type { SourceView } from '../../admin/sources/source.dto';
import { destinationsPage } from './config-destinations-page';
import { mappingsPage } from './config-mappings-page';
import { sourcesPage } from './config-sources-page';

const HOSTILE = '<img src=x onerror=alert(1)>';
const SOURCE_ID = '5b0e7c3e-8f0a-4c9e-9d51-0f6f2f1f0a11';
const DEST_ID = '6c1f8d4f-9a1b-4d0f-8e62-1a7a3a2b1b22';
const AT = '2026-01-01T00:00:00.000Z';

const source = (over: Partial<SourceView> = {}): SourceView => ({
  id: SOURCE_ID,
  name: HOSTILE,
  writeKeyHint: 'wk_abcde',
  previousWriteKey: null,
  rateLimitRequestsPerSecond: null,
  rateLimitEventsPerSecond: 5,
  eventRetentionDays: null,
  auditRetentionDays: null,
  createdAt: AT,
  updatedAt: AT,
  ...over,
});

const mapping = (i: number, name = `m${i}`): MappingView => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  destinationId: DEST_ID,
  position: i,
  name,
  enabled: true,
  trigger: `event = "${name}"`,
  action: 'trackEventV2',
  mapping: { name: { '@path': '$.event' } },
  createdAt: AT,
  updatedAt: AT,
});

const destination = (mappings: MappingView[]): DestinationView => ({
  id: DEST_ID,
  name: HOSTILE,
  enabled: true,
  sourceIds: [SOURCE_ID],
  apiKeySet: true,
  region: null,
  baseUrl: null,
  effectiveBaseUrl: 'https://api.fullstory.com',
  presets: { trackEvent: true, identifyUser: false },
  filters: [],
  settings: {},
  mappings,
  eventRetentionDays: null,
  auditRetentionDays: null,
  createdAt: AT,
  updatedAt: AT,
});

const scripts = (html: string) => [...html.matchAll(/<script nonce="[^"]+">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const count = (html: string, needle: RegExp) => (html.match(needle) ?? []).length;

describe('configuration pages', () => {
  const pages: [string, string, number][] = [
    ['sources (empty)', sourcesPage('n0nce', []), 1],
    [
      'sources',
      sourcesPage('n0nce', [source(), source({ id: DEST_ID, previousWriteKey: { hint: 'wk_old12', expiresAt: AT } })]),
      3,
    ],
    ['destinations (empty)', destinationsPage('n0nce', { destinations: [], paused: new Set(), sources: [] }), 1],
    [
      'destinations',
      destinationsPage('n0nce', { destinations: [destination([])], paused: new Set([DEST_ID]), sources: [source()] }),
      3,
    ],
    ['mappings (empty)', mappingsPage('n0nce', destination([])), 1],
    ['mappings', mappingsPage('n0nce', destination([mapping(1), mapping(2)])), 3],
  ];

  it.each(pages)(
    '%s: scripts parse, no inline handlers, names escaped, one wrapper per change control',
    (_, html, wrappers) => {
      const code = scripts(html);
      expect(code).toHaveLength(1);
      // Parsing only (never run): a syntax error would leave the whole page dead.
      expect(() => new Function(code[0])).not.toThrow();
      // Attribute names only: script bodies and quoted values (an escaped name may read "onerror=") are set aside.
      const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '').replace(/"[^"]*"/g, '""');
      expect(markup).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
      expect(html).not.toContain(HOSTILE);
      expect(count(html, /class="config-form[ "]/g)).toBe(wrappers);
    },
  );

  it('shows a rotated-out key with the end of its overlap', () => {
    const html = sourcesPage('n', [source({ previousWriteKey: { hint: 'wk_old12', expiresAt: AT } })]);
    expect(html).toContain(`old key wk_old12… works until ${AT}`);
  });

  it('embeds the mappings as data that no mapping text can end', () => {
    const evil = '</script><script>alert(1)</script>';
    const html = mappingsPage('n', destination([mapping(1, evil)]));
    expect(html).not.toContain(evil);
    const block = /<script type="application\/json" id="mappings-data">([\s\S]*?)<\/script>/.exec(html)![1];
    expect((JSON.parse(block) as { mappings: MappingView[] }).mappings[0].name).toBe(evil);
  });

  it.each([
    [49, false],
    [50, true],
  ])('with %i mappings the limit notice shown is %s', (n, shown) => {
    const html = mappingsPage('n', destination(Array.from({ length: n }, (_, i) => mapping(i))));
    expect(html).toContain(`${n} of 50 mappings`);
    expect(html.includes('<p class="notice" id="limit-notice">')).toBe(shown);
    expect(html.includes('<p class="notice" id="limit-notice" hidden>')).toBe(!shown);
  });
});
