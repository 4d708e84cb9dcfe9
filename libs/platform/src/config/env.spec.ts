import { ConfigError, EnvReader } from './env';
import { readCommonConfig } from './common.config';

describe('EnvReader', () => {
  it('lists every bad variable at once', () => {
    const r = new EnvReader({ INGEST_PORT: 'abc', DATABASE_URL: 'nope', LOG_LEVEL: 'loud', NODE_ENV: 'production' });
    r.port('INGEST_PORT', 3000);
    readCommonConfig(r);
    let error: unknown;
    try {
      r.done();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('INGEST_PORT must be an integer');
    expect(problems).toContain('DATABASE_URL must be a URL');
    expect(problems).toContain('LOG_LEVEL must be one of');
    expect(problems).toContain('ADMIN_TOKEN is required when NODE_ENV=production');
    expect(problems).toContain('SECRETS_KEY is required when NODE_ENV=production');
    expect(problems).toContain('FULLSTORY_BASE_URL is required');
    expect((error as ConfigError).problems).toHaveLength(6);
  });

  it('uses the documented defaults outside production', () => {
    process.env.DEV_SECRETS_FILE = `/tmp/fsd-dev-secrets-${process.pid}.json`;
    const r = new EnvReader({});
    const c = readCommonConfig(r);
    r.done();
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/fullstory_destination');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.redisClusterNodes).toEqual([]);
    expect(c.fullstoryBaseUrl).toBe('http://127.0.0.1:4010');
    expect(c.adminTokenGenerated).toBe(true);
    expect(c.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(readCommonConfig(new EnvReader({})).adminToken).toBe(c.adminToken);
  });

  it('never prints a database password in an error', () => {
    const r = new EnvReader({ DATABASE_URL: 'mysql://u:secretpw@host/db' });
    readCommonConfig(r);
    let thrown: unknown;
    try {
      r.done();
    } catch (e) {
      thrown = e;
    }
    expect(String(thrown)).toMatch(/must use postgres/);
    expect(String(thrown)).not.toContain('secretpw');
  });

  it('reads the Redis Cluster seed nodes, and refuses bad entries and a brace in the queue prefix', () => {
    process.env.DEV_SECRETS_FILE = `/tmp/fsd-dev-secrets-${process.pid}.json`;
    const ok = new EnvReader({ REDIS_CLUSTER_NODES: 'r1:7000,r2:7001' });
    expect(readCommonConfig(ok).redisClusterNodes).toEqual([
      { host: 'r1', port: 7000 },
      { host: 'r2', port: 7001 },
    ]);
    ok.done();
    const bad = new EnvReader({ REDIS_CLUSTER_NODES: 'r1', QUEUE_PREFIX: '{fsd}' });
    readCommonConfig(bad);
    let thrown: unknown;
    try {
      bad.done();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([
      'REDIS_CLUSTER_NODES entry "r1" must be host:port',
      'QUEUE_PREFIX must not contain { or } (queue names carry the hash tag)',
    ]);
  });
});
