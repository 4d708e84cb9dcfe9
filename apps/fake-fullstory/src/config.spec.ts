import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadConfig', () => {
  it('uses the defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4010, rateLimit: null, maxCaptured: 100000, log: false });
    expect([...c.keys]).toEqual([
      ['dev-fullstory-key', 'admin'],
      ['test-api-key', 'admin'],
    ]);
    expect(c).toEqual(DEFAULT_CONFIG);
    expect(c.bodyLimit).toBe(1024 * 1024);
    expect(c.controlHosts).toEqual([]);
  });

  it('refuses NODE_ENV=production with a message that says why and what to do', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^NODE_ENV=production: fake-fullstory is a test tool and refuses to run in production/);
    expect(problems[0]).toContain('https://api.fullstory.com');
    expect(problems[0]).toContain('FAKE_FULLSTORY_ALLOW_PRODUCTION=1');
  });

  it('runs under NODE_ENV=production only with FAKE_FULLSTORY_ALLOW_PRODUCTION set, and checks its value', () => {
    expect(loadConfig({ NODE_ENV: 'production', FAKE_FULLSTORY_ALLOW_PRODUCTION: '1' }).port).toBe(4010);
    expect(problemsOf({ NODE_ENV: 'production', FAKE_FULLSTORY_ALLOW_PRODUCTION: '0' })).toHaveLength(1);
    const bad = problemsOf({ NODE_ENV: 'production', FAKE_FULLSTORY_ALLOW_PRODUCTION: 'sure' });
    expect(bad).toHaveLength(2);
    expect(bad[0]).toContain('FAKE_FULLSTORY_ALLOW_PRODUCTION: "sure" must be a boolean');
    expect(problemsOf({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      FAKE_FULLSTORY_HOST: '0.0.0.0',
      FAKE_FULLSTORY_PORT: '5000',
      FAKE_FULLSTORY_KEYS: 'a:standard, b:architect',
      FAKE_FULLSTORY_RATE_LIMIT: '50',
      FAKE_FULLSTORY_LOG: '1',
      FAKE_FULLSTORY_MAX_CAPTURED: '10',
      FAKE_FULLSTORY_NAMING_MODE: 'strict',
      FAKE_FULLSTORY_ENFORCE_SESSION_USER_EXCLUSIVE: 'false',
      FAKE_FULLSTORY_PROCESSING_DELAY_MS: '100',
      FAKE_FULLSTORY_DELETE_UNKNOWN_STATUS: '404',
      FAKE_FULLSTORY_BODY_LIMIT: '65536',
      FAKE_FULLSTORY_CONTROL_HOSTS: 'Fake-FullStory, qa.internal',
    });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 5000,
      rateLimit: 50,
      log: true,
      maxCaptured: 10,
      namingMode: 'strict',
      enforceSessionUserExclusive: false,
      processingDelayMs: 100,
      deleteUnknownUserStatus: 404,
      bodyLimit: 65536,
      controlHosts: ['fake-fullstory', 'qa.internal'],
    });
    expect([...c.keys]).toEqual([
      ['a', 'standard'],
      ['b', 'architect'],
    ]);
    expect(loadConfig({ FAKE_FULLSTORY_RATE_LIMIT: 'off' }).rateLimit).toBeNull();
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        FAKE_FULLSTORY_PORT: 'abc',
        FAKE_FULLSTORY_KEYS: 'nokey,x:root',
        FAKE_FULLSTORY_RATE_LIMIT: '-3',
        FAKE_FULLSTORY_LOG: 'maybe',
        FAKE_FULLSTORY_NAMING_MODE: 'loose',
        FAKE_FULLSTORY_DELETE_UNKNOWN_STATUS: '300',
      });
    } catch (err: unknown) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const v of ['PORT', 'KEYS', 'RATE_LIMIT', 'LOG', 'NAMING_MODE', 'DELETE_UNKNOWN_STATUS']) {
      expect(problems).toContain(`FAKE_FULLSTORY_${v}`);
    }
    expect((error as ConfigError).problems.filter((p) => p.includes('KEYS'))).toHaveLength(2);
    expect((error as ConfigError).problems).toHaveLength(7);
  });
});
