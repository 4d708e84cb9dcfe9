import { randomUUID } from 'crypto';
import { SecretBox, apiKeyBinding, generateWriteKey, hashWriteKey } from '@fsd/platform';
import { withDb } from './stack';

export interface SeededPair {
  sourceId: string;
  writeKey: string;
  destinationId: string;
}

export interface SeedOptions {
  apiKey?: string;
  baseUrl?: string | null;
  presets?: { trackEvent: boolean; identifyUser: boolean };
  settings?: Record<string, unknown>;
  filters?: unknown[];
}

/** Inserts a source and a FullStory destination straight into the (migrated) database. */
export async function seedSourceAndDestination(
  databaseUrl: string,
  secretsKey: string,
  opts: SeedOptions = {},
): Promise<SeededPair> {
  const writeKey = generateWriteKey();
  return withDb(databaseUrl, async (db) => {
    const sourceId = (
      await db.query<{ id: string }>(
        'INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ($1, $2, $3) RETURNING id',
        ['e2e source', hashWriteKey(writeKey), writeKey.slice(0, 8)],
      )
    ).rows[0].id;
    const destinationId = randomUUID();
    await db.query(
      `INSERT INTO destinations (id, name, api_key_encrypted, base_url, presets, settings, filters)
         VALUES ($7, $1, $2, $3, $4, $5, $6)`,
      [
        'e2e destination',
        new SecretBox(secretsKey).seal(opts.apiKey ?? 'test-api-key', apiKeyBinding(destinationId)),
        opts.baseUrl ?? null,
        JSON.stringify(opts.presets ?? { trackEvent: true, identifyUser: true }),
        JSON.stringify(opts.settings ?? {}),
        JSON.stringify(opts.filters ?? []),
        destinationId,
      ],
    );
    await db.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
      destinationId,
      sourceId,
    ]);
    return { sourceId, writeKey, destinationId };
  });
}

export async function addMapping(
  databaseUrl: string,
  destinationId: string,
  m: { name: string; trigger: string; action: string; mapping: Record<string, unknown>; position?: number },
): Promise<string> {
  return withDb(databaseUrl, async (db) => {
    const id = (
      await db.query<{ id: string }>(
        `INSERT INTO mappings (destination_id, position, name, trigger, action, mapping) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [destinationId, m.position ?? 0, m.name, m.trigger, m.action, JSON.stringify(m.mapping)],
      )
    ).rows[0].id;
    await db.query('UPDATE destinations SET updated_at = now() WHERE id = $1', [destinationId]);
    return id;
  });
}
