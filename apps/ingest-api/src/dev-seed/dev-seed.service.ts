import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import { SecretBox, apiKeyBinding, hashWriteKey, loadOrCreateDevSecrets } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../core/config/ingest.config';
import { PG_POOL } from '../core/database/pg-pool.provider';

const DEV_SOURCE_NAME = 'Development source';
const DEV_DESTINATION_NAME = 'Development FullStory (fake-fullstory)';

/**
 * Outside production: on first start, a development source and a FullStory destination pointed at
 * fake-fullstory (both presets on), then a ready-to-paste curl on every start.
 */
@Injectable()
export class DevSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DevSeed');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production || !this.config.seedDevelopmentData) return;
    const { devWriteKey } = loadOrCreateDevSecrets();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(7300417002)');
      let sourceId = (
        await client.query<{ id: string }>('SELECT id FROM sources WHERE write_key_hash = $1', [
          hashWriteKey(devWriteKey),
        ])
      ).rows[0]?.id;
      if (!sourceId) {
        sourceId = (
          await client.query<{ id: string }>(
            'INSERT INTO sources (name, write_key_hash, write_key_hint) VALUES ($1, $2, $3) RETURNING id',
            [DEV_SOURCE_NAME, hashWriteKey(devWriteKey), devWriteKey.slice(0, 8)],
          )
        ).rows[0].id;
        const destinationId = randomUUID();
        const apiKey = new SecretBox(this.config.secretsKey).seal(
          this.config.devFullStoryApiKey,
          apiKeyBinding(destinationId),
        );
        await client.query('INSERT INTO destinations (id, name, api_key_encrypted) VALUES ($1, $2, $3)', [
          destinationId,
          DEV_DESTINATION_NAME,
          apiKey,
        ]);
        await client.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
          destinationId,
          sourceId,
        ]);
        this.logger.log('Seeded a development source and a FullStory destination pointed at fake-fullstory');
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    this.printWelcome(devWriteKey);
  }

  private printWelcome(writeKey: string): void {
    const base = `http://127.0.0.1:${this.config.port}`;
    const fake = this.config.fullstoryBaseUrl.replace(/\/$/, '');
    const lines = [
      '',
      '================ fullstory-destination (development) ================',
      `Tracking API : ${base}/v1/track   (write key: ${writeKey})`,
      `Admin API    : ${base}/admin      (Authorization: Bearer ${this.config.adminToken})`,
      '',
      'Send a track event:',
      `  curl -s -u '${writeKey}:' -H 'Content-Type: application/json' \\`,
      `    -d '{"userId":"user-1","event":"Order Completed","properties":{"revenue":42}}' \\`,
      `    ${base}/v1/track`,
      '',
      'See it arrive at fake-fullstory:',
      `  curl -s ${fake}/__fake/requests`,
      '=====================================================================',
      '',
    ];
    // Development only: the printed secrets are the generated development ones.
    process.stdout.write(lines.join('\n') + '\n');
  }
}
