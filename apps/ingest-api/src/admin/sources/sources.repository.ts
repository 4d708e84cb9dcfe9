import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { SourceEntity } from '@fsd/platform';
import type { DestinationsTx } from '../destinations/destinations.repository';

export interface NewSource {
  name: string;
  writeKeyHash: string;
  writeKeyHint: string;
  rateLimitRequestsPerSecond: number | null;
  rateLimitEventsPerSecond: number | null;
  eventRetentionDays?: number | null;
  auditRetentionDays?: number | null;
}

/**
 * The admin side's access to `sources` (TypeORM, like every configuration table), and its writer: create, change,
 * archive. The tracking side only reads a key's source (SourceKeysRepository); the development seed inserts its own
 * through `insertIfKeyIsNew`.
 */
@Injectable()
export class SourcesRepository {
  private readonly sources: Repository<SourceEntity>;

  constructor(dataSource: DataSource) {
    this.sources = dataSource.getRepository(SourceEntity);
  }

  insert(source: NewSource): Promise<SourceEntity> {
    return this.sources.save(this.sources.create(source));
  }

  /**
   * Inserts the source unless one already has its write key (the unique index decides, so concurrent callers insert
   * it once): its id, or null when the key was taken. Inside `tx` when given, so the caller's other changes commit
   * with it.
   */
  async insertIfKeyIsNew(source: NewSource, tx?: DestinationsTx): Promise<string | null> {
    const result = await (tx?.em ?? this.sources.manager)
      .createQueryBuilder()
      .insert()
      .into(SourceEntity)
      .values(source)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as { id: string }[])[0]?.id ?? null;
  }

  list(includeArchived: boolean): Promise<SourceEntity[]> {
    const where = includeArchived ? {} : { archivedAt: IsNull() };
    return this.sources.find({ where, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** An unarchived source, or null. */
  findActive(id: string): Promise<SourceEntity | null> {
    return this.sources.findOneBy({ id, archivedAt: IsNull() });
  }

  save(source: SourceEntity): Promise<SourceEntity> {
    return this.sources.save(source);
  }

  /**
   * Archives a source: hidden, unlinked from its destinations, and its write key destroyed (the stored
   * hash is replaced by a value no key hashes to), so nothing more is accepted from it. Its events stay.
   * Returns false when there is no such (unarchived) source.
   */
  archive(id: string): Promise<boolean> {
    return this.sources.manager.transaction(async (em) => {
      const [rows] = (await em.query(
        `UPDATE sources SET archived_at = now(), write_key_hash = 'archived:' || id::text, write_key_hint = '',
                previous_write_key_hash = NULL, previous_write_key_hint = NULL, previous_write_key_expires_at = NULL,
                updated_at = now()
          WHERE id = $1 AND archived_at IS NULL RETURNING id`,
        [id],
      )) as [unknown[], number];
      if (rows.length === 0) return false;
      await em.query(`DELETE FROM destination_sources WHERE source_id = $1`, [id]);
      return true;
    });
  }
}
