import { controlRefusal, ControlRequest, hostName } from './guard';

const req = (over: Partial<ControlRequest>): ControlRequest => ({
  method: 'GET',
  host: '127.0.0.1:4010',
  contentType: undefined,
  hasBody: false,
  ...over,
});

describe('hostName', () => {
  it.each([
    ['127.0.0.1:4010', '127.0.0.1'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:4010', '::1'],
    ['[::1]', '::1'],
    ['evil.example:4010', 'evil.example'],
  ])('%s → %s', (host, name) => expect(hostName(host)).toBe(name));
});

describe('controlRefusal', () => {
  it.each<[string, Partial<ControlRequest>, number | null]>([
    ['GET on 127.0.0.1', {}, null],
    ['GET on localhost', { host: 'localhost:4010' }, null],
    ['GET on 127.1.2.3', { host: '127.1.2.3' }, null],
    ['GET on [::1]', { host: '[::1]:4010' }, null],
    ['GET on app.localhost', { host: 'app.localhost:4010' }, null],
    ['POST with JSON', { method: 'POST', contentType: 'application/json', hasBody: true }, null],
    ['POST with JSON and a charset', { method: 'POST', contentType: 'Application/JSON; charset=utf-8' }, null],
    ['bodyless POST with JSON (reset)', { method: 'POST', contentType: 'application/json' }, null],
    ['bodyless DELETE (browsers preflight DELETE)', { method: 'DELETE' }, null],
    ['a rebinding host name', { host: 'attacker.example:4010' }, 403],
    ['a LAN address', { host: '192.168.1.10:4010' }, 403],
    ['0.0.0.0', { host: '0.0.0.0:4010' }, 403],
    ['a look-alike of 127.0.0.1', { host: '127.0.0.1.attacker.example' }, 403],
    ['no Host header', { host: undefined }, 403],
    ['bodyless POST without a type', { method: 'POST' }, 415],
    ['form POST', { method: 'POST', contentType: 'application/x-www-form-urlencoded', hasBody: true }, 415],
    ['text/plain POST', { method: 'POST', contentType: 'text/plain', hasBody: true }, 415],
    ['multipart POST', { method: 'POST', contentType: 'multipart/form-data; boundary=x', hasBody: true }, 415],
    ['DELETE with a text body', { method: 'DELETE', contentType: 'text/plain', hasBody: true }, 415],
    ['DELETE with an untyped body', { method: 'DELETE', hasBody: true }, 415],
  ])('%s', (_name, over, status) => {
    expect(controlRefusal(req(over), [])?.status ?? null).toBe(status);
  });

  it('answers host names listed in FAKE_FULLSTORY_CONTROL_HOSTS', () => {
    expect(controlRefusal(req({ host: 'fake-fullstory:4010' }), [])?.status).toBe(403);
    expect(controlRefusal(req({ host: 'Fake-FullStory:4010' }), ['fake-fullstory'])).toBeNull();
  });
});
