import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../../..');

function preview(args: string[], input: string) {
  return spawnSync(process.execPath, ['tools/run.js', 'libs/mapping/src/cli/preview', ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, FULLSTORY_BASE_URL: '' },
    timeout: 120000,
  });
}

describe('preview CLI (spawned)', () => {
  it('prints exactly one JSON line per input line, including bad JSON and blank lines', () => {
    const lines = [
      JSON.stringify({ type: 'track', messageId: 'm1', userId: 'u', event: 'E', properties: { 'a-b': 1 } }),
      '{not json',
      '',
      JSON.stringify({ type: 'page', messageId: 'm3' }),
    ];
    const res = preview([], lines.join('\n') + '\n');
    expect(res.status).toBe(0);
    const out = res.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    expect(out[0]).toEqual({
      messageId: 'm1',
      actions: ['trackEventV2'],
      requests: [
        {
          method: 'POST',
          url: 'https://api.fullstory.com/v2/events',
          headers: {
            Authorization: 'Basic test-api-key',
            'Content-Type': 'application/json',
            'Integration-Source': 'segment',
          },
          body: { name: 'E', properties: { ab: 1 }, user: { uid: 'u' } },
        },
      ],
      errors: [],
    });
    expect(out[1]).toHaveProperty('error');
    expect(out[2]).toEqual({ error: 'empty line' });
    expect(out[3]).toEqual({ messageId: 'm3', actions: [], requests: [], errors: [] });
  }, 180000);

  it('runs one action with --trigger and --api-key', () => {
    const input = [
      JSON.stringify({ type: 'track', userId: 'u', event: 'E' }),
      JSON.stringify({ type: 'identify', userId: 'u' }),
    ].join('\n');
    const res = preview(['--action', 'trackEvent', '--trigger', 'type = "track"', '--api-key', 'KEY'], input);
    expect(res.status).toBe(0);
    const out = res.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { actions: string[]; requests: Array<{ headers: Record<string, string> }> });
    expect(out[0].actions).toEqual(['trackEvent']);
    expect(out[0].requests[0].headers.Authorization).toBe('Basic KEY');
    expect(out[1]).toEqual({ messageId: null, actions: [], requests: [], errors: [] });
  }, 180000);

  it.each([
    [['--action', 'bogus']],
    [['--action']],
    [['--mapping', '/nonexistent/file.json', '--action', 'trackEvent']],
    [['--action', 'trackEvent', '--trigger', 'type == "x"']],
    [['--frobnicate']],
  ])(
    'exits 2 with a usage message for %j',
    (args) => {
      const res = preview(args, '{}\n');
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/usage:/);
      expect(res.stdout).toBe('');
    },
    180000,
  );
});
