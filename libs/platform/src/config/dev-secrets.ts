import { randomBytes } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';

/**
 * Development-only secrets (admin token, encryption key), generated once and kept in a git-ignored
 * file so that every app of the stack, and every restart, agrees on them. Production must set them.
 */
export interface DevSecrets {
  adminToken: string;
  secretsKey: string;
}

export function devSecretsPath(): string {
  return resolve(process.env.DEV_SECRETS_FILE ?? '.dev-secrets.json');
}

export function loadOrCreateDevSecrets(): DevSecrets {
  const file = devSecretsPath();
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (parsed.adminToken && parsed.secretsKey) return { adminToken: parsed.adminToken, secretsKey: parsed.secretsKey };
  }
  const fresh: DevSecrets = {
    adminToken: `dev-admin-${randomBytes(18).toString('base64url')}`,
    secretsKey: randomBytes(32).toString('base64'),
  };
  try {
    // 'wx' so that two apps starting together keep whichever was written first.
    writeFileSync(file, JSON.stringify(fresh, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
    return parsed;
  }
}
