import {
  buildDeleteRequest,
  buildTestConnectionRequest,
  compileDestination,
  ConfigValidationError,
  defaultMapping,
  isBlockedByIntegrations,
  PayloadValidationError,
  PRESETS,
  validateSubscription,
  type ActionId,
  type DestinationConfig,
  type PipelineResult,
} from '..';

const HEADERS = {
  Authorization: 'Basic fake-api-key',
  'Content-Type': 'application/json',
  'Integration-Source': 'segment',
};
const settings = { apiKey: 'fake-api-key' };

function runAction(
  action: ActionId,
  event: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
  trigger = 'type = "track" or type = "identify"',
): PipelineResult {
  const dest = compileDestination({
    settings,
    presets: { trackEvent: false, identifyUser: false },
    mappings: [
      { id: 'm1', name: 'test', enabled: true, trigger, action, mapping: { ...defaultMapping(action), ...overrides } },
    ],
  });
  return dest.run(event);
}

function harness(fields: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = {
    anonymousId: 'anonId1234',
    userId: 'user1234',
    type: 'track',
    event: 'Test Event',
    properties: {},
    traits: {},
    timestamp: new Date().toISOString(),
    messageId: 'msg',
    context: { library: { name: 'x' } },
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v === '<absent>') delete base[k];
    else base[k] = v;
  }
  return base;
}

const body = (r: PipelineResult): Record<string, unknown> => r.requests[0].request.body as Record<string, unknown>;
const sessionProps = {
  useRecentSession: { '@path': '$.properties.useRecentSession' },
  sessionUrl: { '@path': '$.properties.sessionUrl' },
};

describe('§9.1 end-to-end reference cases', () => {
  it('FS-1 test authentication', () => {
    expect(buildTestConnectionRequest(settings)).toEqual({
      method: 'GET',
      url: 'https://api.fullstory.com/me',
      headers: HEADERS,
    });
  });

  it('FS-2 trackEvent with session fields', () => {
    const r = runAction(
      'trackEvent',
      {
        type: 'track',
        userId: 'fake/user/id',
        event: 'test-event',
        timestamp: '2022-02-02T03:04:05.000Z',
        properties: {
          'first-property': 'first-value',
          second_property: 'second_value',
          thirdProperty: 'thirdValue',
          useRecentSession: true,
          sessionUrl: 'session-url',
        },
      },
      sessionProps,
    );
    expect(r.requests[0].request).toEqual({
      method: 'POST',
      url: 'https://api.fullstory.com/users/v1/individual/fake%2Fuser%2Fid/customevent?integration=segment',
      headers: HEADERS,
      body: {
        event: {
          event_name: 'test-event',
          event_data: {
            firstproperty_str: 'first-value',
            second_property_str: 'second_value',
            thirdProperty_str: 'thirdValue',
            useRecentSession_bool: true,
            sessionUrl_str: 'session-url',
          },
          timestamp: '2022-02-02T03:04:05.000Z',
          use_recent_session: true,
          session_url: 'session-url',
        },
      },
    });
    expect(Object.keys(body(r).event as object)).toEqual([
      'event_name',
      'event_data',
      'timestamp',
      'use_recent_session',
      'session_url',
    ]);
  });

  it('FS-3 trackEvent minimal', () => {
    const r = runAction('trackEvent', { type: 'track', userId: 'fake/user/id', event: 'test-event', properties: {} });
    expect(body(r)).toEqual({ event: { event_name: 'test-event', event_data: {} } });
  });

  it('FS-4 identifyUser', () => {
    const r = runAction('identifyUser', {
      type: 'identify',
      userId: 'fake/user/id',
      anonymousId: 'fake-anonymous-id',
      traits: {
        email: 'fake+email@example.com',
        name: 'fake-display-name',
        'originally-hyphenated': 'some string',
        'originally spaced': true,
        typeSuffixed_bool: true,
        'originally.dotted': 1.23,
      },
    });
    expect(r.requests[0].request.url).toBe(
      'https://api.fullstory.com/users/v1/individual/fake%2Fuser%2Fid/customvars?integration=segment',
    );
    expect(JSON.stringify(body(r))).toBe(
      JSON.stringify({
        email_str: 'fake+email@example.com',
        name_str: 'fake-display-name',
        originallyHyphenated_str: 'some string',
        originallySpaced_bool: true,
        typeSuffixed_bool: true,
        originallyDotted_real: 1.23,
        segmentAnonymousId_str: 'fake-anonymous-id',
        email: 'fake+email@example.com',
        displayName: 'fake-display-name',
      }),
    );
  });

  it('FS-5..8 onDelete', () => {
    expect(buildDeleteRequest(settings, 'fake/user/id')).toEqual({
      method: 'DELETE',
      url: 'https://api.fullstory.com/v2/users?uid=fake%2Fuser%2Fid',
      headers: HEADERS,
    });
    for (const uid of ['', undefined, null]) {
      expect(() => buildDeleteRequest(settings, uid)).toThrow(PayloadValidationError);
      expect(() => buildDeleteRequest(settings, uid)).toThrow('User Id is required for user deletion.');
    }
  });

  it('FS-9 identifyUserV2', () => {
    const r = runAction('identifyUserV2', {
      type: 'identify',
      userId: 'fake/user/id',
      anonymousId: 'fake-anonymous-id',
      traits: {
        email: 'fake+email@example.com',
        name: 'fake-display-name',
        'originally-hyphenated': 'some string',
        'originally spaced': true,
        'originally.dotted': 1.23,
        typeSuffixed_bool: true,
      },
    });
    expect(r.requests[0].request.url).toBe('https://api.fullstory.com/v2/users');
    expect(JSON.stringify(body(r))).toBe(
      JSON.stringify({
        uid: 'fake/user/id',
        email: 'fake+email@example.com',
        display_name: 'fake-display-name',
        properties: {
          email: 'fake+email@example.com',
          name: 'fake-display-name',
          originallyhyphenated: 'some string',
          originallyspaced: true,
          originallydotted: 1.23,
          typeSuffixed_bool: true,
          segmentAnonymousId: 'fake-anonymous-id',
        },
      }),
    );
  });

  it('FS-10 trackEventV2 with session', () => {
    const r = runAction(
      'trackEventV2',
      {
        type: 'track',
        userId: 'fake/user/id',
        event: 'test-event',
        timestamp: '2022-02-02T03:04:05.000Z',
        properties: {
          'first-property': 'first-value',
          second_property: 'second_value',
          thirdProperty: 'thirdValue',
          useRecentSession: true,
          sessionUrl: 'session/url/12345%3A678',
        },
      },
      sessionProps,
    );
    expect(JSON.stringify(body(r))).toBe(
      JSON.stringify({
        name: 'test-event',
        properties: {
          firstproperty: 'first-value',
          second_property: 'second_value',
          thirdProperty: 'thirdValue',
          useRecentSession: true,
          sessionUrl: 'session/url/12345%3A678',
        },
        user: { uid: 'fake/user/id' },
        timestamp: '2022-02-02T03:04:05.000Z',
        session: { id: '12345:678', use_most_recent: true },
      }),
    );
  });

  it('FS-11 trackEventV2 minimal', () => {
    const r = runAction('trackEventV2', { type: 'track', userId: 'fake/user/id', event: 'test-event', properties: {} });
    expect(r.requests[0].request).toEqual({
      method: 'POST',
      url: 'https://api.fullstory.com/v2/events',
      headers: HEADERS,
      body: { name: 'test-event', properties: {}, user: { uid: 'fake/user/id' } },
    });
  });
});

describe('§9.2 request construction', () => {
  it('RP-4/RP-10 useRecentSession false is never sent', () => {
    expect(body(runAction('trackEvent', harness({ timestamp: '<absent>' }), { useRecentSession: false }))).toEqual({
      event: { event_name: 'Test Event', event_data: {} },
    });
    expect(body(runAction('trackEventV2', harness({ timestamp: '<absent>' }), { useRecentSession: false }))).toEqual({
      name: 'Test Event',
      properties: {},
      user: { uid: 'user1234' },
    });
  });
  it('RP-8 session id from URL', () => {
    const r = runAction(
      'trackEventV2',
      harness({ timestamp: '2022-02-02T03:04:05.000Z', properties: { s: 'session/url/ec5218650ee0%3Aa58ec087' } }),
      {
        sessionUrl: { '@path': '$.properties.s' },
        useRecentSession: true,
      },
    );
    expect(body(r).session).toEqual({ id: 'ec5218650ee0:a58ec087', use_most_recent: true });
  });
  it.each([
    ['https://app.fullstory.com/ui/ORG/session/123%3A456', '123:456'],
    ['abc%2Fdef', 'abc/def'],
  ])('session id of %s', (url, id) => {
    const r = runAction('trackEventV2', harness({ properties: { s: url } }), {
      sessionUrl: { '@path': '$.properties.s' },
    });
    expect(body(r).session).toEqual({ id });
  });
  it('a malformed % escape is a validation error, no request', () => {
    const r = runAction('trackEventV2', harness({ properties: { s: 'x/%E0%A4%A' } }), {
      sessionUrl: { '@path': '$.properties.s' },
    });
    expect(r.requests).toEqual([]);
    expect(r.errors[0].kind).toBe('validation');
    expect(r.errors[0].message).toMatch(/Session URL/);
  });
});

describe('§3.5 timestamps', () => {
  it.each([
    ['2022-02-02T03:04:05.000Z', '2022-02-02T03:04:05.000Z'],
    ['2022-02-02T05:04:05+02:00', '2022-02-02T03:04:05.000Z'],
    [1643771045000, '2022-02-02T03:04:05.000Z'],
    ['2022-02-02', '2022-02-02T00:00:00.000Z'],
    ['2022-02-02T03:04:05.123456Z', '2022-02-02T03:04:05.123Z'],
  ])('%j → %j', (input, out) => {
    expect(body(runAction('trackEventV2', harness({ timestamp: input }))).timestamp).toBe(out);
  });
  it('numeric strings pass validation (year 1649 quirk)', () => {
    const ts = body(runAction('trackEventV2', harness({ timestamp: '1643771045000' }))).timestamp as string;
    expect(ts.startsWith('1649')).toBe(true);
  });
});

describe('§9.4 additional cases', () => {
  it('X-1 / X-2 missing required fields', () => {
    expect(runAction('trackEvent', harness({ userId: null })).errors[0].message).toBe(
      "The root value is missing the required field 'userId'.",
    );
    expect(runAction('trackEvent', harness({ event: '' })).errors[0].message).toBe(
      "The root value is missing the required field 'name'.",
    );
  });
  it('X-3 numbers coerce to strings', () => {
    expect(runAction('trackEvent', harness({ userId: 123 })).requests[0].request.url).toBe(
      'https://api.fullstory.com/users/v1/individual/123/customevent?integration=segment',
    );
  });
  it('X-4 / X-5 properties', () => {
    expect(
      (body(runAction('trackEvent', harness({ properties: null }))).event as Record<string, unknown>).event_data,
    ).toEqual({});
    const r = runAction('trackEvent', harness({ properties: 'abc' }));
    expect(r.errors).toEqual([
      {
        subscriptionId: 'm1',
        action: 'trackEvent',
        kind: 'validation',
        message: 'Properties must be an object but it was a string.',
      },
    ]);
    expect(r.requests).toEqual([]);
  });
  it('X-6 bad timestamp', () => {
    expect(runAction('trackEvent', harness({ timestamp: 'garbage' })).errors[0].message).toBe(
      'Timestamp must be a valid date-like string but it was not.',
    );
  });
  it('X-7 / X-8 boolean coercion', () => {
    expect(
      (body(runAction('trackEvent', harness({}), { useRecentSession: 'true' })).event as Record<string, unknown>)
        .use_recent_session,
    ).toBe(true);
    expect(runAction('trackEvent', harness({}), { useRecentSession: 'yes' }).errors[0].message).toBe(
      'Use Recent Session must be a boolean but it was a string.',
    );
  });
  it('X-9 event_data normalisation', () => {
    const r = runAction(
      'trackEvent',
      harness({ properties: { mixed: [1, 'a'], arr: [], d: { 'x-y': { z_str: 1 } }, n: null } }),
    );
    expect((body(r).event as Record<string, unknown>).event_data).toEqual({
      mixed: { '0_real': 1, '1_str': 'a' },
      arr_strs: [],
      d: { xy: { z_str: 1 } },
      n: null,
    });
  });
  it('X-10 / X-11 identifyUser', () => {
    expect(
      body(
        runAction('identifyUser', harness({ type: 'identify', anonymousId: null, traits: { plan: 'pro', email: '' } })),
      ),
    ).toEqual({
      plan_str: 'pro',
      email_str: '',
    });
    expect(body(runAction('identifyUser', harness({ type: 'identify', anonymousId: '<absent>', traits: {} })))).toEqual(
      {},
    );
  });
  it('X-12..14 identifyUserV2', () => {
    expect(
      body(
        runAction(
          'identifyUserV2',
          harness({
            type: 'identify',
            userId: null,
            anonymousId: 'anon',
            traits: { first_name: 'A', nested: { 'a-b': 1 } },
          }),
        ),
      ),
    ).toEqual({
      properties: { first_name: 'A', nested: { ab: 1 }, segmentAnonymousId: 'anon' },
    });
    expect(
      body(runAction('identifyUserV2', harness({ type: 'identify', userId: 42, anonymousId: '', traits: null }))),
    ).toEqual({ uid: '42', properties: {} });
    expect(
      JSON.stringify(
        body(runAction('identifyUserV2', harness({ type: 'identify', userId: 'u', traits: { name: 7, email: null } }))),
      ),
    ).toBe(
      JSON.stringify({
        uid: 'u',
        display_name: '7',
        properties: { name: 7, email: null, segmentAnonymousId: 'anonId1234' },
      }),
    );
  });
  it('X-15..17 trackEventV2', () => {
    expect(body(runAction('trackEventV2', harness({ event: 'e', userId: null, timestamp: '<absent>' })))).toEqual({
      name: 'e',
      properties: {},
    });
    expect(body(runAction('trackEventV2', harness({}), { useRecentSession: false }))).not.toHaveProperty('session');
    expect(
      body(
        runAction('trackEventV2', harness({ timestamp: '<absent>', userId: '<absent>', event: 'e' }), {
          useRecentSession: true,
        }),
      ),
    ).toEqual({
      name: 'e',
      properties: {},
      session: { use_most_recent: true },
    });
  });
  it("uids are encoded like the reference client (' → %27)", () => {
    expect(runAction('trackEvent', harness({ userId: "o'reilly" })).requests[0].request.url).toContain(
      '/individual/o%27reilly/',
    );
    expect(runAction('trackEvent', harness({ userId: 'a b/c?d' })).requests[0].request.url).toContain(
      '/individual/a%20b%2Fc%3Fd/',
    );
  });
});

describe('pipeline', () => {
  const event = { type: 'track', event: 'E', userId: 'u', properties: { a: 1, b: 2 }, context: { ip: '1', page: 'x' } };

  it('presets run Track Event then Identify User; ids and actions', () => {
    const dest = compileDestination({ settings });
    const r = dest.run(event);
    expect(r.actions).toEqual(['trackEventV2']);
    expect(r.requests[0].subscriptionId).toBe('preset:trackEvent');
    expect(dest.run({ type: 'identify', userId: 'u' }).requests[0].subscriptionId).toBe('preset:identifyUser');
    expect(compileDestination({ settings, presets: { trackEvent: false } }).run(event).actions).toEqual([]);
    expect(PRESETS.map((p) => [p.name, p.trigger, p.action])).toEqual([
      ['Track Event', 'type = "track"', 'trackEventV2'],
      ['Identify User', 'type = "identify"', 'identifyUserV2'],
    ]);
  });

  it('user mappings run after presets, in order; disabled ones are skipped', () => {
    const dest = compileDestination({
      settings: { apiKey: 'k', baseUrl: 'http://localhost:9999///' },
      mappings: [
        {
          id: 'a',
          name: 'A',
          enabled: true,
          trigger: 'type = "track"',
          action: 'trackEvent',
          mapping: defaultMapping('trackEvent'),
        },
        {
          id: 'b',
          name: 'B',
          enabled: false,
          trigger: 'type = "track"',
          action: 'trackEvent',
          mapping: defaultMapping('trackEvent'),
        },
      ],
    });
    const r = dest.run(event);
    expect(r.actions).toEqual(['trackEventV2', 'trackEvent']);
    expect(r.requests.map((x) => x.request.url)).toEqual([
      'http://localhost:9999/v2/events',
      'http://localhost:9999/users/v1/individual/u/customevent?integration=segment',
    ]);
    expect(r.requests[0].request.headers).toEqual({
      Authorization: 'Basic k',
      'Content-Type': 'application/json',
      'Integration-Source': 'segment',
    });
  });

  it('an invalid trigger yields a trigger error for every event; a non-string trigger "Failed to validate subscription"', () => {
    const dest = compileDestination({
      settings,
      presets: { trackEvent: false, identifyUser: false },
      mappings: [
        {
          id: 'x',
          name: 'X',
          enabled: true,
          trigger: 'type == "track"',
          action: 'trackEventV2',
          mapping: defaultMapping('trackEventV2'),
        },
        { id: 'y', name: 'Y', enabled: true, trigger: 5 as unknown as string, action: 'trackEventV2', mapping: {} },
      ],
    });
    const r = dest.run(event);
    expect(r.errors).toEqual([
      {
        subscriptionId: 'x',
        action: 'trackEventV2',
        kind: 'trigger',
        message: 'Invalid subscription : "==" is not a valid operator; use "=" (at position 5)',
      },
      { subscriptionId: 'y', action: 'trackEventV2', kind: 'trigger', message: 'Failed to validate subscription' },
    ]);
  });

  it('mapping run-time errors are kind "mapping"', () => {
    const r = runAction('trackEventV2', event, { name: { '@path': { '@literal': 1 } } });
    expect(r.errors).toEqual([
      { subscriptionId: 'm1', action: 'trackEventV2', kind: 'mapping', message: '@path: expected string, got number' },
    ]);
  });

  it('invalid configuration throws ConfigValidationError with issues', () => {
    const sub = {
      name: 'n',
      enabled: true,
      trigger: 'type = "track"',
      action: 'trackEvent' as const,
      mapping: defaultMapping('trackEvent'),
    };
    const tooMany: DestinationConfig = { settings, mappings: Array.from({ length: 51 }, () => sub) };
    expect(() => compileDestination(tooMany)).toThrow(ConfigValidationError);
    expect(() => compileDestination({ settings, mappings: Array.from({ length: 50 }, () => sub) })).not.toThrow();
    let thrown: unknown;
    try {
      compileDestination({ settings, mappings: [{ ...sub, mapping: { hash: { '@template': {} } } }] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as ConfigValidationError).issues).toEqual([
      'mappings[0].mapping: /hash/@template should be a string or a mapping directive but it is an object.',
    ]);
    const filter = { condition: 'type = "track"', effect: { type: 'drop' as const } };
    expect(() => compileDestination({ settings, filters: Array.from({ length: 11 }, () => filter) })).toThrow(
      ConfigValidationError,
    );
    expect(() =>
      compileDestination({ settings, filters: [{ condition: 'type ==', effect: { type: 'drop' } }] }),
    ).toThrow(/not valid FQL/);
  });

  it('validateSubscription names each key', () => {
    expect(
      validateSubscription({ name: 'n', enabled: true, trigger: 'type = "track"', action: 'trackEvent', mapping: {} }),
    ).toEqual([]);
    const issues = validateSubscription({
      name: '',
      trigger: 'type = "a" and x = 1 or type = "b"',
      action: 'nope',
      mapping: { a: { '@path': 1 } },
    });
    expect(issues[0]).toMatch(/^name:/);
    expect(issues[1]).toMatch(/^trigger: Ambiguous trigger/);
    expect(issues[2]).toMatch(/^action:/);
    expect(issues[3]).toBe('mapping: /a/@path should be a string or a mapping directive but it is a number.');
  });

  it('integrations object blocks before triggers', () => {
    expect(isBlockedByIntegrations({ integrations: { All: false } })).toBe(true);
    expect(isBlockedByIntegrations({ integrations: { All: false, 'Fullstory Cloud Mode (Actions)': true } })).toBe(
      false,
    );
    expect(isBlockedByIntegrations({ integrations: { 'FullStory Cloud Mode (Actions)': false } })).toBe(true);
    expect(isBlockedByIntegrations({ integrations: { 'Fullstory Cloud Mode (Actions)': {} } })).toBe(false);
    expect(isBlockedByIntegrations({ integrations: { FullStory: false } })).toBe(false);
    expect(isBlockedByIntegrations({ integrations: { 'fullstory cloud mode (actions)': false } })).toBe(false);
    expect(isBlockedByIntegrations({})).toBe(false);
    const r = compileDestination({ settings }).run({ ...event, integrations: { All: false } });
    expect(r).toEqual({ blockedBy: 'integrations', actions: [], requests: [], errors: [] });
  });

  it('destination filters drop events or keep/drop fields without mutating the input', () => {
    const input = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    const drop = compileDestination({
      settings,
      filters: [{ condition: 'properties.a = 1', effect: { type: 'drop' } }],
    });
    expect(drop.run(input).blockedBy).toBe('filter');
    const keep = compileDestination({
      settings,
      filters: [{ condition: 'type = "track"', effect: { type: 'keep_fields', fields: { properties: ['b'] } } }],
    });
    expect((keep.run(input).requests[0].request.body as Record<string, unknown>).properties).toEqual({ b: 2 });
    const dropFields = compileDestination({
      settings,
      filters: [
        { condition: 'type = "track"', effect: { type: 'drop_fields', fields: { properties: ['a'] } } },
        { condition: 'type = "nope"', effect: { type: 'drop' } },
        { condition: 'type = "track"', enabled: false, effect: { type: 'drop' } },
      ],
    });
    expect((dropFields.run(input).requests[0].request.body as Record<string, unknown>).properties).toEqual({ b: 2 });
    expect(input).toEqual(event);
  });

  it('never mutates the input event', () => {
    const input = { type: 'identify', userId: 'u', anonymousId: 'a', traits: { 'a-b': { c: null }, name: 'N' } };
    const copy = JSON.parse(JSON.stringify(input)) as unknown;
    compileDestination({ settings }).run(input);
    expect(input).toEqual(copy);
  });
});
