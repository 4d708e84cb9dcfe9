import { randomBytes } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';

/**
 * Development-only secrets (admin token, encryption key, the development write key), generated once
 * and kept in a git-ignored file so that every app of the stack, and every restart, agrees on them.
 * Production must set ADMIN_TOKEN and SECRETS_KEY instead.
 */
export interface DevSecrets {
  adminToken: string;
  secretsKey: string;
  /** The development source's write key, kept so it can be printed on every start. */
  devWriteKey: string;
}

export function devSecretsPath(): string {
  return resolve(process.env.DEV_SECRETS_FILE ?? '.dev-secrets.json');
}

function generate(): DevSecrets {
  return {
    adminToken: `dev-admin-${randomBytes(18).toString('base64url')}`,
    secretsKey: randomBytes(32).toString('base64'),
    devWriteKey: `wk_dev_${randomBytes(12).toString('base64url')}`,
  };
}

function read(file: string): Partial<DevSecrets> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  } catch {
    return {};
  }
}

export function loadOrCreateDevSecrets(): DevSecrets {
  const file = devSecretsPath();
  const existing = existsSync(file) ? read(file) : {};
  if (existing.adminToken && existing.secretsKey && existing.devWriteKey) return existing as DevSecrets;
  // Keep whatever exists (an encryption key in use must never change), fill in the rest.
  const merged: DevSecrets = { ...generate(), ...existing };
  try {
    // 'wx' so that, of two apps starting together, the first writer wins and the other reads it.
    writeFileSync(file, JSON.stringify(merged, null, 2) + '\n', { flag: existsSync(file) ? 'w' : 'wx', mode: 0o600 });
    return merged;
  } catch {
    const again = read(file);
    return { ...merged, ...again };
  }
}
