import { Pool } from 'pg';
import { readCommonConfig } from '../config/common.config';
import { ConfigError, EnvReader } from '../config/env';
import { rotateSecrets } from '../crypto/rotate-secrets';
import { SecretBox } from '../crypto/secret-box';

/**
 * `npm run rotate-secrets`: re-seals the stored FullStory API keys under SECRETS_KEY, opening the old values with
 * SECRETS_KEY_PREVIOUS (see docs/security.md, "Rotating SECRETS_KEY"). Exit 0 when every value is now current,
 * 1 when some could not be opened (their ids are printed), 2 on a configuration error.
 */
async function main(): Promise<number> {
  const r = new EnvReader(process.env);
  const config = readCommonConfig(r);
  r.done();
  const box = new SecretBox(config.secretsKey, config.secretsKeyPrevious);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    const report = await rotateSecrets(pool, box);
    process.stdout.write(
      `rotate-secrets: ${report.resealed} of ${report.total} destination keys re-sealed under key ${box.keyId}\n`,
    );
    if (report.unreadable.length > 0) {
      process.stderr.write(
        `rotate-secrets: ${report.unreadable.length} keys open with neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS ` +
          `(destinations ${report.unreadable.join(', ')}): set the key they were sealed with in SECRETS_KEY_PREVIOUS, ` +
          'or enter those API keys again\n',
      );
      return 1;
    }
    return 0;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(
      `rotate-secrets failed: ${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`,
    );
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
