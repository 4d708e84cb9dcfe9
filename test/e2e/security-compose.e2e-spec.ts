import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { ROOT } from '../support/stack';

/**
 * Issue 17 item 1: docker-compose.yml as shipped is safe to deploy. Nothing but loopback is published, the engines
 * need their passwords, every secret comes from `.env` (no default compose could fall back to), the apps run in
 * production unless `.env` says NODE_ENV=development (for the fake) and the fake is only in the dev/test profiles.
 * Read from the file itself: the machine running the suite need not have Docker. That the apps accept the `.env`
 * the documented command generates, and refuse the old placeholders, is production-start.e2e-spec.ts.
 */

interface Service {
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const raw = read('docker-compose.yml');
const services = (parse(raw) as { services: Record<string, Service> }).services;

/** What compose makes of `${VAR:-default}` when VAR is unset; `${VAR:?…}` (required) is left as it is. */
const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** `${NAME:?message}` and nothing else: compose refuses to start while NAME is unset or empty. */
const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`);

const SECRETS = ['POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'ADMIN_TOKEN', 'SECRETS_KEY'];
const APPS = ['ingest-api', 'delivery-worker'];

it('the default profile is Postgres, Redis and the two apps: no fake', () => {
  const byDefault = Object.entries(services)
    .filter(([, s]) => s.profiles === undefined)
    .map(([name]) => name);
  expect(byDefault).toEqual(['postgres', 'redis', 'ingest-api', 'delivery-worker']);
  const dependencies = byDefault.flatMap((name) => {
    const dependsOn = services[name].depends_on ?? [];
    return Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn);
  });
  expect(dependencies).not.toContain('fake-fullstory');
});

it('publishes every port on 127.0.0.1 unless the operator says otherwise', () => {
  const published = Object.entries(services).flatMap(([name, s]) =>
    (s.ports ?? []).map((p) => [name, withDefaults(p).split(':')[0]]),
  );
  expect(published.length).toBeGreaterThanOrEqual(5);
  expect(published).toEqual(published.map(([name]) => [name, '127.0.0.1']));
  // The engines' host address is fixed, not configurable.
  expect(services.postgres.ports).toEqual(['127.0.0.1:${POSTGRES_HOST_PORT:-5432}:5432']);
  expect(services.redis.ports).toEqual(['127.0.0.1:${REDIS_HOST_PORT:-6379}:6379']);
});

it('Postgres and Redis need the passwords from .env', () => {
  const pg = services.postgres.environment ?? {};
  expect(pg.POSTGRES_PASSWORD).toMatch(required('POSTGRES_PASSWORD'));
  expect(Object.keys(pg)).not.toContain('POSTGRES_HOST_AUTH_METHOD');
  const command = services.redis.command ?? [];
  expect(command.indexOf('--requirepass')).toBeGreaterThan(0);
  expect(command[command.indexOf('--requirepass') + 1]).toMatch(required('REDIS_PASSWORD'));
});

it.each(APPS)('%s runs in production by default, on secrets from .env only', (app) => {
  const env = services[app].environment ?? {};
  // Production unless .env says otherwise (NODE_ENV=development for the bundled fake's plain http, below).
  expect(env.NODE_ENV).toBe('${NODE_ENV:-production}');
  expect(withDefaults(env.NODE_ENV)).toBe('production');
  expect(env.ADMIN_TOKEN).toMatch(required('ADMIN_TOKEN'));
  expect(env.SECRETS_KEY).toMatch(required('SECRETS_KEY'));
  expect(env.FULLSTORY_BASE_URL).toMatch(required('FULLSTORY_BASE_URL'));
  expect(env.DATABASE_URL).toMatch(/^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\//);
  expect(env.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379$/);
});

it('no secret has a default or a placeholder in the file', () => {
  for (const name of SECRETS) expect([name, raw.includes(`\${${name}:-`)]).toEqual([name, false]);
  // Values only: the file's comments explain that placeholders are refused.
  expect(JSON.stringify(services)).not.toMatch(/change-?me|replace-?me|placeholder/i);
});

it('the fake is a dev/test tool: own profiles, not production', () => {
  const fake = services['fake-fullstory'];
  expect(fake.profiles).toEqual(['dev', 'test']);
  expect(fake.environment?.NODE_ENV).not.toBe('production');
});

it('the dev profile is documented with NODE_ENV=development (production refuses plain http to the fake)', () => {
  const header = raw.slice(0, raw.indexOf('x-app-env:'));
  expect(header).toContain('--profile dev');
  expect(header).toContain('NODE_ENV=development');
  expect(read('.env.example')).toMatch(/^# NODE_ENV=development$/m);
  for (const doc of ['README.md', 'docs/security.md']) {
    expect([doc, read(doc).includes('NODE_ENV=development')]).toEqual([doc, true]);
  }
  // Never seeded by compose: the image cannot keep .dev-secrets.json, so each start would seed another source.
  for (const app of APPS) expect([app, services[app].environment?.SEED_DEV_DATA]).toEqual([app, 'false']);
});

it('.env stays out of git and of the image', () => {
  const lines = (file: string) =>
    read(file)
      .split('\n')
      .map((l) => l.trim());
  expect(lines('.gitignore')).toContain('.env');
  expect(lines('.dockerignore')).toContain('.env');
});
