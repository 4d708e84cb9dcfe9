import { Inject, Injectable } from '@nestjs/common';
import { MAX_MAPPINGS } from '@fsd/mapping';
import { DestinationEntity } from '@fsd/platform';
import { notFound } from '../../core/errors/app-error';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { invalid } from '../common/admin-errors';
import {
  assertValidMapping,
  compileOrThrow,
  effectiveBaseUrl,
  pipelineConfig,
} from '../destinations/destination-config';
import { DestinationsRepository, DestinationsTx } from '../destinations/destinations.repository';
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
    private readonly destinations: DestinationsRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async list(destinationId: string): Promise<MappingView[]> {
    if (!(await this.destinations.findById(destinationId)))
      throw notFound(`Destination ${destinationId} does not exist`);
    return (await this.destinations.mappingsOf(destinationId)).map(toMappingView);
  }

  async get(destinationId: string, mappingId: string): Promise<MappingView> {
    const m = await this.destinations.findMapping(destinationId, mappingId);
    if (!m) throw notFound(`Mapping ${mappingId} does not exist on destination ${destinationId}`);
    return toMappingView(m);
  }

  async create(destinationId: string, dto: CreateMappingDto): Promise<MappingView> {
    const input = { ...dto, enabled: dto.enabled ?? true };
    assertValidMapping(input);
    const id = await this.destinations.transaction(async (tx) => {
      const dest = await this.lockDestination(tx, destinationId);
      const existing = await tx.mappingsOf(destinationId);
      if (existing.length >= MAX_MAPPINGS) {
        throw invalid(
          'too_many_mappings',
          `Destination ${destinationId} already has ${existing.length} mappings; at most ${MAX_MAPPINGS} are allowed. Delete one first.`,
        );
      }
      this.validateAll(dest, [...existing, input]);
      const position = existing.reduce((max, m) => Math.max(max, m.position), -1) + 1;
      const [savedId] = await tx.insertMappings([
        {
          destinationId,
          position,
          name: input.name,
          enabled: input.enabled,
          trigger: input.trigger,
          action: input.action,
          mapping: input.mapping,
        },
      ]);
      await tx.touch(destinationId);
      return savedId;
    });
    return this.get(destinationId, id);
  }

  async update(destinationId: string, mappingId: string, dto: UpdateMappingDto): Promise<MappingView> {
    await this.destinations.transaction(async (tx) => {
      const dest = await this.lockDestination(tx, destinationId);
      const existing = await tx.mappingsOf(destinationId);
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
      await tx.updateMapping({
        id: mappingId,
        name: next.name,
        enabled: next.enabled,
        trigger: next.trigger,
        action: next.action,
        mapping: next.mapping,
      });
      await tx.touch(destinationId);
    });
    return this.get(destinationId, mappingId);
  }

  async remove(destinationId: string, mappingId: string): Promise<void> {
    await this.destinations.transaction(async (tx) => {
      await this.lockDestination(tx, destinationId);
      if (!(await tx.deleteMapping(destinationId, mappingId))) {
        throw notFound(`Mapping ${mappingId} does not exist on destination ${destinationId}`);
      }
      await tx.touch(destinationId);
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

  /** Any destination, archived too (as before: its mappings stay readable and editable). */
  private async lockDestination(tx: DestinationsTx, id: string): Promise<DestinationEntity> {
    const dest = await tx.lock(id, true);
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    return dest;
  }
}
