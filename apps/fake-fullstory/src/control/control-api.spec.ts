import { Harness } from '../testing/harness';

describe('control API guard (in process)', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });
  afterEach(() => h.close());

  const asPage = (url: string, contentType: string, body: string) =>
    h.call('POST', url, body, { 'content-type': contentType }, null);

  it('refuses the simple cross-origin POSTs a web page can send, before changing anything', async () => {
    await h.control('POST', '/__fake/users', { uid: 'u1' });
    const reset = await asPage('/__fake/reset', 'text/plain', '{}');
    expect(reset).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    const fault = await asPage('/__fake/faults', 'application/x-www-form-urlencoded', '{"status":500}');
    expect(fault.status).toBe(415);
    expect((await h.control('GET', '/__fake/users')).body).toHaveLength(1);
    expect((await h.control('GET', '/__fake/faults')).body).toEqual([]);
  });

  it('refuses a Host that is not local (DNS rebinding) on reads and writes', async () => {
    const read = await h.call('GET', '/__fake/requests', undefined, { host: 'attacker.example:4010' }, null);
    expect(read).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const write = await h.call('POST', '/__fake/reset', {}, { host: 'attacker.example' }, null);
    expect(write.status).toBe(403);
    expect((await h.call('GET', '/__fake/health', undefined, { host: 'localhost:4010' }, null)).status).toBe(200);
  });

  it('answers a configured extra host name', async () => {
    const named = new Harness({ controlHosts: ['fake-fullstory'] });
    try {
      const r = await named.call('GET', '/__fake/health', undefined, { host: 'fake-fullstory:4010' }, null);
      expect(r).toEqual(expect.objectContaining({ status: 200, body: { status: 'ok' } }));
    } finally {
      await named.close();
    }
  });

  it('leaves the FullStory API as it was: any Host, bodies parsed as JSON whatever the type', async () => {
    const r = await h.call('POST', '/v2/events', '{"name":"e"}', {
      host: 'fake-fullstory:4010',
      'content-type': 'text/plain',
    });
    expect(r.status).toBe(200);
    expect((await h.control('GET', '/__fake/events')).body).toHaveLength(1);
  });

  it('never serves the API key it received', async () => {
    await h.call('GET', '/me');
    const captured = await h.control('GET', '/__fake/requests');
    expect(captured.body).toHaveLength(1);
    expect(JSON.stringify(captured.body)).not.toContain('test-api-key');
  });
});
