import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import path from 'path';
import { ROOT, freePort, waitFor } from '../support/stack';

/**
 * Issue 17: the built apps, started as the Docker image starts them (tools/run-dist.js) with
 * NODE_ENV=production, refuse the placeholders docker-compose.yml used to ship, with a message that names
 * the variable and how to generate it, and never print the values.
 */

/** The values docker-compose.yml shipped before issue 17; published in this repository's history. */
const PLACEHOLDERS = {
  ADMIN_TOKEN: 'change-me-admin-token-please',
  SECRETS_KEY: 'change-me-32-bytes-of-secret-key-material',
};

// Nothing listens on port 1: an app that accepts its configuration stops at the Redis check instead.
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://postgres:unused@127.0.0.1:1/fullstory_destination',
  REDIS_URL: 'redis://127.0.0.1:1',
  FULLSTORY_BASE_URL: 'https://api.fullstory.com',
  LOG_LEVEL: 'warn',
};

interface Exit {
  code: number | null;
  output: string;
}

function spawnBuilt(app: string, env: Record<string, string>) {
  // Only PATH from the test's environment: nothing of jest's NODE_ENV=test or a developer's secrets leaks in.
  return spawn(process.execPath, [path.join(ROOT, 'tools/run-dist.js'), `apps/${app}/src/main`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function runToExit(app: string, env: Record<string, string>, timeoutMs = 60000): Promise<Exit> {
  const child = spawnBuilt(app, env);
  const chunks: string[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => chunks.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} still running after ${timeoutMs} ms:\n${chunks.join('')}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: chunks.join('') });
    });
  });
}

describe('production start', () => {
  describe.each(['ingest-api', 'delivery-worker'])('%s', (app) => {
    it('refuses the compose placeholders, naming both variables and never their values', async () => {
      const { code, output } = await runToExit(app, { ...PRODUCTION_ENV, ...PLACEHOLDERS });
      expect(code).toBe(1);
      expect(output).toContain(`${app} failed to start: Invalid configuration:`);
      expect(output).toContain(
        'ADMIN_TOKEN is a placeholder (contains "change-me"); generate a random token: openssl rand -hex 32',
      );
      expect(output).toContain(
        'SECRETS_KEY is a placeholder (contains "change-me"); generate 32 random bytes: openssl rand -base64 32',
      );
      expect(output).not.toContain(PLACEHOLDERS.ADMIN_TOKEN);
      expect(output).not.toContain(PLACEHOLDERS.SECRETS_KEY);
      expect(output).not.toContain('Cannot reach Redis');
    });

    it('refuses a SECRETS_KEY that is not 32 bytes of base64 or hex', async () => {
      const { code, output } = await runToExit(app, {
        ...PRODUCTION_ENV,
        ADMIN_TOKEN: randomBytes(32).toString('hex'),
        SECRETS_KEY: 'sixteen-chars-or-more-but-not-a-key',
      });
      expect(code).toBe(1);
      expect(output).toContain('SECRETS_KEY must be 32 random bytes, base64- or hex-encoded, when NODE_ENV=production');
      expect(output).not.toContain('ADMIN_TOKEN');
    });

    it('accepts generated secrets and goes on to check Redis', async () => {
      const { code, output } = await runToExit(app, {
        ...PRODUCTION_ENV,
        ADMIN_TOKEN: randomBytes(32).toString('hex'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
      });
      expect(code).toBe(1);
      expect(output).toContain('Cannot reach Redis at redis://127.0.0.1:1');
      expect(output).not.toContain('Invalid configuration');
    });
  });

  describe('fake-fullstory', () => {
    it('refuses NODE_ENV=production and says what to do instead', async () => {
      const { code, output } = await runToExit('fake-fullstory', {
        NODE_ENV: 'production',
        FAKE_FULLSTORY_PORT: String(freePort()),
      });
      expect(code).toBe(1);
      expect(output).toContain('fake-fullstory is a test tool and refuses to run in production');
      expect(output).toContain('FAKE_FULLSTORY_ALLOW_PRODUCTION=1');
    });

    it('runs under NODE_ENV=production when FAKE_FULLSTORY_ALLOW_PRODUCTION=1 is set deliberately', async () => {
      const port = freePort();
      const child = spawnBuilt('fake-fullstory', {
        NODE_ENV: 'production',
        FAKE_FULLSTORY_ALLOW_PRODUCTION: '1',
        FAKE_FULLSTORY_PORT: String(port),
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        const health = await waitFor('the fake to answer', async () => {
          const res = await fetch(`http://127.0.0.1:${port}/__fake/health`);
          return res.status === 200 ? ((await res.json()) as unknown) : undefined;
        });
        expect(health).toEqual({ status: 'ok' });
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    });
  });
});
