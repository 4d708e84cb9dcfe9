import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { SecretBox, apiKeyBinding, hashWriteKey, loadOrCreateDevSecrets } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../core/config/ingest.config';
import { DestinationsRepository } from '../admin/destinations/destinations.repository';
import { SourcesRepository } from '../admin/sources/sources.repository';

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
    private readonly sources: SourcesRepository,
    private readonly destinations: DestinationsRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production || !this.config.seedDevelopmentData) return;
    const { devWriteKey } = loadOrCreateDevSecrets();
    // One transaction: the source only comes with its destination. Whoever inserts the source (the unique write key
    // decides among instances starting together) seeds the destination; the others find the key taken.
    const seeded = await this.destinations.transaction(async (tx) => {
      const sourceId = await this.sources.insertIfKeyIsNew(
        {
          name: DEV_SOURCE_NAME,
          writeKeyHash: hashWriteKey(devWriteKey),
          writeKeyHint: devWriteKey.slice(0, 8),
          rateLimitRequestsPerSecond: null,
          rateLimitEventsPerSecond: null,
        },
        tx,
      );
      if (sourceId === null) return false;
      const destinationId = randomUUID();
      const apiKeyEncrypted = new SecretBox(this.config.secretsKey).seal(
        this.config.devFullStoryApiKey,
        apiKeyBinding(destinationId),
      );
      await tx.insert({ id: destinationId, name: DEV_DESTINATION_NAME, apiKeyEncrypted });
      await tx.replaceSources(destinationId, [sourceId]);
      return true;
    });
    if (seeded) this.logger.log('Seeded a development source and a FullStory destination pointed at fake-fullstory');
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
