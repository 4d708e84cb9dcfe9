import { Injectable } from '@nestjs/common';
import { SourceEntity, generateWriteKey, hashWriteKey } from '@fsd/platform';
import { notFound } from '../../core/errors/app-error';
import { WriteKeyService } from '../../ingest/tracking/write-key.service';
import { CreateSourceDto, SourceView, UpdateSourceDto, toSourceView } from './source.dto';
import { SourcesRepository } from './sources.repository';

const HINT_LENGTH = 8;

/** Sources and their write keys. A write key is shown once, when it is created; only its hash is stored. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly writeKeys: WriteKeyService,
  ) {}

  async create(dto: CreateSourceDto): Promise<SourceView & { writeKey: string }> {
    const writeKey = generateWriteKey();
    const saved = await this.sources.insert({
      name: dto.name,
      writeKeyHash: hashWriteKey(writeKey),
      writeKeyHint: writeKey.slice(0, HINT_LENGTH),
      rateLimitRequestsPerSecond: dto.rateLimitRequestsPerSecond ?? null,
      rateLimitEventsPerSecond: dto.rateLimitEventsPerSecond ?? null,
      eventRetentionDays: dto.eventRetentionDays ?? null,
      auditRetentionDays: dto.auditRetentionDays ?? null,
    });
    // A cached "unknown key" answer must not outlive the key's creation.
    this.writeKeys.invalidate();
    return { ...toSourceView(saved), writeKey };
  }

  async list(includeArchived = false): Promise<SourceView[]> {
    return (await this.sources.list(includeArchived)).map((s) =>
      s.archivedAt ? { ...toSourceView(s), archivedAt: s.archivedAt.toISOString() } : toSourceView(s),
    );
  }

  async get(id: string): Promise<SourceView> {
    return toSourceView(await this.find(id));
  }

  async update(id: string, dto: UpdateSourceDto): Promise<SourceView> {
    const source = await this.find(id);
    if (dto.name !== undefined) source.name = dto.name;
    if (dto.rateLimitRequestsPerSecond !== undefined)
      source.rateLimitRequestsPerSecond = dto.rateLimitRequestsPerSecond;
    if (dto.rateLimitEventsPerSecond !== undefined) source.rateLimitEventsPerSecond = dto.rateLimitEventsPerSecond;
    if (dto.eventRetentionDays !== undefined) source.eventRetentionDays = dto.eventRetentionDays;
    if (dto.auditRetentionDays !== undefined) source.auditRetentionDays = dto.auditRetentionDays;
    const saved = await this.sources.save(source);
    this.writeKeys.invalidate();
    return toSourceView(saved);
  }

  /**
   * Replaces the write key. With an overlap the replaced key keeps working until it ends (a key replaced
   * earlier, still in its own overlap, stops now: at most two keys work at once); without one it stops at once.
   */
  async rotateWriteKey(id: string, overlapSeconds = 0): Promise<SourceView & { writeKey: string }> {
    const source = await this.find(id);
    const writeKey = generateWriteKey();
    const keep = overlapSeconds > 0;
    source.previousWriteKeyHash = keep ? source.writeKeyHash : null;
    source.previousWriteKeyHint = keep ? source.writeKeyHint : null;
    source.previousWriteKeyExpiresAt = keep ? new Date(Date.now() + overlapSeconds * 1000) : null;
    source.writeKeyHash = hashWriteKey(writeKey);
    source.writeKeyHint = writeKey.slice(0, HINT_LENGTH);
    const saved = await this.sources.save(source);
    this.writeKeys.invalidate();
    return { ...toSourceView(saved), writeKey };
  }

  async remove(id: string): Promise<void> {
    if (!(await this.sources.archive(id))) throw notFound(`Source ${id} does not exist`);
    this.writeKeys.invalidate();
  }

  private async find(id: string): Promise<SourceEntity> {
    const source = await this.sources.findActive(id);
    if (!source) throw notFound(`Source ${id} does not exist`);
    return source;
  }
}
