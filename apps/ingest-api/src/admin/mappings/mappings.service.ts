import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { MAX_MAPPINGS } from '@fsd/mapping';
import { DestinationEntity, MappingEntity } from '@fsd/platform';
import { notFound } from '../../core/errors/app-error';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { invalid } from '../common/admin-errors';
import {
  assertValidMapping,
  compileOrThrow,
  effectiveBaseUrl,
  pipelineConfig,
} from '../destinations/destination-config';
import { touchDestination } from '../destinations/destination-rows';
import { CreateMappingDto, MappingView, UpdateMappingDto, toMappingView } from './mapping.dto';

const PLACEHOLDER_API_KEY = 'api-key-placeholder';

/**
 * A destination's mappings (subscriptions), kept in `position` order. Every change locks the
 * destination row, revalidates the whole configuration and bumps the destination's updated_at,
 * which is what the delivery worker watches to recompile.
 */
@Injectable()
export class MappingsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async list(destinationId: string): Promise<MappingView[]> {
    await this.destination(this.dataSource.manager, destinationId);
    return (await this.mappingsOf(this.dataSource.manager, destinationId)).map(toMappingView);
  }

  async get(destinationId: string, mappingId: string): Promise<MappingView> {
    const m = await this.dataSource.getRepository(MappingEntity).findOneBy({ id: mappingId, destinationId });
    if (!m) throw notFound(`Mapping ${mappingId} does not exist on destination ${destinationId}`);
    return toMappingView(m);
  }

  async create(destinationId: string, dto: CreateMappingDto): Promise<MappingView> {
    const input = { ...dto, enabled: dto.enabled ?? true };
    assertValidMapping(input);
    const id = await this.dataSource.transaction(async (em) => {
      const dest = await this.destination(em, destinationId, true);
      const existing = await this.mappingsOf(em, destinationId);
      if (existing.length >= MAX_MAPPINGS) {
        throw invalid(
          'too_many_mappings',
          `Destination ${destinationId} already has ${existing.length} mappings; at most ${MAX_MAPPINGS} are allowed. Delete one first.`,
        );
      }
      this.validateAll(dest, [...existing, input]);
      const position = existing.reduce((max, m) => Math.max(max, m.position), -1) + 1;
      const saved = await em.save(MappingEntity, {
        destinationId,
        position,
        name: input.name,
        enabled: input.enabled,
        trigger: input.trigger,
        action: input.action,
        mapping: input.mapping,
      });
      await touchDestination(em, destinationId);
      return saved.id;
    });
    return this.get(destinationId, id);
  }

  async update(destinationId: string, mappingId: string, dto: UpdateMappingDto): Promise<MappingView> {
    await this.dataSource.transaction(async (em) => {
      const dest = await this.destination(em, destinationId, true);
      const existing = await this.mappingsOf(em, destinationId);
      const current = existing.find((m) => m.id === mappingId);
      if (!current) throw notFound(`Mapping ${mappingId} does not exist on destination ${destinationId}`);
      const next = {
        id: current.id,
        name: dto.name ?? current.name,
        enabled: dto.enabled ?? current.enabled,
        trigger: dto.trigger ?? current.trigger,
        action: dto.action ?? current.action,
        mapping: dto.mapping ?? current.mapping,
      };
      assertValidMapping(next);
      this.validateAll(
        dest,
        existing.map((m) => (m.id === mappingId ? next : m)),
      );
      await em.save(MappingEntity, {
        id: mappingId,
        name: next.name,
        enabled: next.enabled,
        trigger: next.trigger,
        action: next.action,
        mapping: next.mapping,
      });
      await touchDestination(em, destinationId);
    });
    return this.get(destinationId, mappingId);
  }

  async remove(destinationId: string, mappingId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.destination(em, destinationId, true);
      const result = await em.delete(MappingEntity, { id: mappingId, destinationId });
      if (!result.affected) throw notFound(`Mapping ${mappingId} does not exist on destination ${destinationId}`);
      await touchDestination(em, destinationId);
    });
  }

  private validateAll(dest: DestinationEntity, mappings: Parameters<typeof pipelineConfig>[1]): void {
    compileOrThrow(
      pipelineConfig(dest, mappings, {
        apiKey: PLACEHOLDER_API_KEY,
        baseUrl: effectiveBaseUrl(dest, this.config.fullstoryBaseUrl),
      }),
    );
  }

  private async destination(em: EntityManager, id: string, lock = false): Promise<DestinationEntity> {
    const dest = await em.findOne(DestinationEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    return dest;
  }

  private mappingsOf(em: EntityManager, destinationId: string): Promise<MappingEntity[]> {
    return em.find(MappingEntity, { where: { destinationId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }
}
