import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { DestinationEntity, MappingEntity, SourceEntity } from '@fsd/platform';
import { skipOpenDeliveries } from '@fsd/delivery-data';

type MappingOrder = { position: 'ASC'; createdAt: 'ASC' };
const MAPPING_ORDER: MappingOrder = { position: 'ASC', createdAt: 'ASC' };

export type NewMapping = Pick<
  MappingEntity,
  'destinationId' | 'position' | 'name' | 'enabled' | 'trigger' | 'action' | 'mapping'
> & {
  id?: string;
};
export type MappingChange = Pick<MappingEntity, 'id' | 'name' | 'enabled' | 'trigger' | 'action' | 'mapping'>;

/**
 * A destination's configuration inside one transaction: the destination row, its sources (destination_sources)
 * and its mappings. Every change ends with `touch`, which the delivery worker watches to recompile.
 */
export class DestinationsTx {
  /** `em` is public for the sources repository's writes in the same transaction (the development seed). */
  constructor(readonly em: EntityManager) {}

  /** The destination, locked for the rest of the transaction; archived ones only when `withArchived`. */
  lock(id: string, withArchived = false): Promise<DestinationEntity | null> {
    return this.em.findOne(DestinationEntity, {
      where: withArchived ? { id } : { id, archivedAt: IsNull() },
      lock: { mode: 'pessimistic_write' },
    });
  }

  mappingsOf(destinationId: string): Promise<MappingEntity[]> {
    return this.em.find(MappingEntity, { where: { destinationId }, order: MAPPING_ORDER });
  }

  /** The ids of these that are not sources. */
  async missingSources(sourceIds: string[]): Promise<string[]> {
    if (sourceIds.length === 0) return [];
    const found = new Set(
      (await this.em.find(SourceEntity, { where: { id: In(sourceIds) }, select: { id: true } })).map((s) => s.id),
    );
    return sourceIds.filter((s) => !found.has(s));
  }

  async insert(destination: Partial<DestinationEntity> & { id: string }): Promise<string> {
    return (await this.em.save(DestinationEntity, destination)).id;
  }

  async update(id: string, changes: Partial<DestinationEntity>): Promise<void> {
    await this.em.save(DestinationEntity, { ...changes, id });
  }

  /** Marks a destination changed so the worker recompiles it. */
  async touch(id: string): Promise<void> {
    await this.em.query('UPDATE destinations SET updated_at = clock_timestamp() WHERE id = $1', [id]);
  }

  async replaceSources(destinationId: string, sourceIds: string[]): Promise<void> {
    await this.em.query('DELETE FROM destination_sources WHERE destination_id = $1', [destinationId]);
    if (sourceIds.length === 0) return;
    await this.em.query('INSERT INTO destination_sources (destination_id, source_id) SELECT $1, unnest($2::uuid[])', [
      destinationId,
      sourceIds,
    ]);
  }

  async insertMappings(mappings: NewMapping[]): Promise<string[]> {
    if (mappings.length === 0) return [];
    return (await this.em.save(MappingEntity, mappings)).map((m) => m.id);
  }

  async updateMapping(change: MappingChange): Promise<void> {
    await this.em.save(MappingEntity, change);
  }

  async deleteMappingsOf(destinationId: string): Promise<void> {
    await this.em.delete(MappingEntity, { destinationId });
  }

  /** Whether there was such a mapping. */
  async deleteMapping(destinationId: string, mappingId: string): Promise<boolean> {
    return Boolean((await this.em.delete(MappingEntity, { id: mappingId, destinationId })).affected);
  }
}

/**
 * The admin side's access to destinations, destination_sources and mappings (TypeORM, like every configuration
 * table): reads, and every change through `transaction` (or `setPaused` / `archive`).
 */
@Injectable()
export class DestinationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: DestinationsTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((em) => work(new DestinationsTx(em)));
  }

  /** Oldest first, with their sources. */
  list(includeArchived: boolean): Promise<DestinationEntity[]> {
    return this.dataSource.getRepository(DestinationEntity).find({
      where: includeArchived ? {} : { archivedAt: IsNull() },
      relations: { sources: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** An unarchived destination with its sources, or null. */
  findActiveWithSources(id: string): Promise<DestinationEntity | null> {
    return this.dataSource
      .getRepository(DestinationEntity)
      .findOne({ where: { id, archivedAt: IsNull() }, relations: { sources: true } });
  }

  /** Any destination, archived or not (its sealed key not loaded), or null. */
  findById(id: string): Promise<DestinationEntity | null> {
    return this.dataSource.getRepository(DestinationEntity).findOneBy({ id });
  }

  /** Any destination with its sealed API key, or null. */
  findWithSealedKey(id: string): Promise<DestinationEntity | null> {
    return this.dataSource
      .getRepository(DestinationEntity)
      .createQueryBuilder('d')
      .addSelect('d.apiKeyEncrypted')
      .where('d.id = :id', { id })
      .getOne();
  }

  mappingsOf(destinationId: string): Promise<MappingEntity[]> {
    return new DestinationsTx(this.dataSource.manager).mappingsOf(destinationId);
  }

  mappingsOfMany(destinationIds: string[]): Promise<MappingEntity[]> {
    if (destinationIds.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(MappingEntity)
      .find({ where: { destinationId: In(destinationIds) }, order: MAPPING_ORDER });
  }

  findMapping(destinationId: string, mappingId: string): Promise<MappingEntity | null> {
    return this.dataSource.getRepository(MappingEntity).findOneBy({ id: mappingId, destinationId });
  }

  /** Whether there is such a destination. The NOTIFY trigger on the table tells every worker. */
  async setPaused(id: string, paused: boolean): Promise<boolean> {
    const [rows] = (await this.dataSource.query('UPDATE destinations SET paused = $2 WHERE id = $1 RETURNING id', [
      id,
      paused,
    ])) as [unknown[], number];
    return rows.length > 0;
  }

  /**
   * Archives a destination instead of deleting it: it is hidden, disabled and unlinked from its sources (it receives
   * nothing more), its API key is destroyed, and its open deliveries end as skipped (with their state change). Its
   * deliveries, attempts and state changes stay for the audit until retention removes them. False when there is no
   * such (unarchived) destination.
   */
  archive(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [rows] = (await em.query(
        `UPDATE destinations SET archived_at = now(), enabled = false, api_key_encrypted = '', updated_at = now()
          WHERE id = $1 AND archived_at IS NULL RETURNING id`,
        [id],
      )) as [unknown[], number];
      if (rows.length === 0) return false;
      await em.query(`DELETE FROM destination_sources WHERE destination_id = $1`, [id]);
      await skipOpenDeliveries(em, id, 'destination archived');
      return true;
    });
  }
}
