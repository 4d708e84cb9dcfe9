import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { DestinationEntity } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { notFound } from '../../core/errors/app-error';
import { CreateDestinationDto, UpdateDestinationDto } from './destination.dto';
import { PLACEHOLDER_API_KEY, compileOrThrow, effectiveBaseUrl, pipelineConfig } from './destination-config';
import { DestinationKeyBox } from './destination-key-box';
import { assertAllowedBaseUrl, assertKeyGivenForNewHost, newLocation, updatedLocation } from './destination-location';
import { assertNoMissingSources, mappingRows, plain, prepareMappings, presetsFrom, unique } from './destination-input';
import { DestinationsRepository } from './destinations.repository';
import { DestinationView, toDestinationView } from './destination.view';

/**
 * Destinations: create, list, read, change and archive. Every change is compiled first (the worker's own
 * pipeline), so a configuration the worker could not run is refused here with 400.
 */
@Injectable()
export class DestinationsService {
  constructor(
    private readonly destinations: DestinationsRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly keys: DestinationKeyBox,
  ) {}

  async create(dto: CreateDestinationDto): Promise<DestinationView> {
    const location = newLocation(dto.region ?? null, dto.baseUrl ?? null);
    if (location.baseUrl) assertAllowedBaseUrl(location.baseUrl, this.config.outboundPolicy);
    const presets = presetsFrom(dto.presets);
    const filters = plain(dto.filters ?? []);
    const mappings = prepareMappings(dto.mappings ?? []);
    compileOrThrow(
      pipelineConfig({ presets, filters }, mappings, {
        apiKey: PLACEHOLDER_API_KEY,
        baseUrl: effectiveBaseUrl(location, this.config.fullstoryBaseUrl),
      }),
    );
    const sourceIds = unique(dto.sourceIds);
    const id = await this.destinations.transaction(async (tx) => {
      assertNoMissingSources(await tx.missingSources(sourceIds));
      // The id is chosen here: the sealed key is bound to its row.
      const newId = randomUUID();
      const destinationId = await tx.insert({
        id: newId,
        name: dto.name,
        enabled: dto.enabled ?? true,
        apiKeyEncrypted: this.keys.seal(dto.apiKey, newId),
        region: location.region,
        baseUrl: location.baseUrl,
        presets,
        filters,
        settings: plain<Record<string, unknown>>({ ...dto.settings }),
        eventRetentionDays: dto.eventRetentionDays ?? null,
        auditRetentionDays: dto.auditRetentionDays ?? null,
      });
      await tx.replaceSources(destinationId, sourceIds);
      await tx.insertMappings(mappingRows(destinationId, mappings));
      return destinationId;
    });
    return this.get(id);
  }

  async list(includeArchived = false): Promise<DestinationView[]> {
    const destinations = await this.destinations.list(includeArchived);
    const mappings = await this.destinations.mappingsOfMany(destinations.map((d) => d.id));
    return destinations.map((d) => {
      const view = toDestinationView(
        d,
        d.sources.map((s) => s.id).sort(),
        mappings.filter((m) => m.destinationId === d.id),
        effectiveBaseUrl(d, this.config.fullstoryBaseUrl),
      );
      return d.archivedAt ? { ...view, archivedAt: d.archivedAt.toISOString() } : view;
    });
  }

  async get(id: string): Promise<DestinationView> {
    const d = await this.destinations.findActiveWithSources(id);
    if (!d) throw notFound(`Destination ${id} does not exist`);
    const mappings = await this.destinations.mappingsOf(id);
    return toDestinationView(
      d,
      d.sources.map((s) => s.id).sort(),
      mappings,
      effectiveBaseUrl(d, this.config.fullstoryBaseUrl),
    );
  }

  async update(id: string, dto: UpdateDestinationDto): Promise<DestinationView> {
    await this.destinations.transaction(async (tx) => {
      const dest = await tx.lock(id);
      if (!dest) throw notFound(`Destination ${id} does not exist`);

      const { region, baseUrl } = updatedLocation(dest, dto);
      if (baseUrl && baseUrl !== dest.baseUrl) assertAllowedBaseUrl(baseUrl, this.config.outboundPolicy);
      const deploymentBaseUrl = this.config.fullstoryBaseUrl;
      assertKeyGivenForNewHost(
        effectiveBaseUrl(dest, deploymentBaseUrl),
        effectiveBaseUrl({ region, baseUrl }, deploymentBaseUrl),
        dto.apiKey,
      );
      const presets = dto.presets !== undefined ? presetsFrom(dto.presets) : dest.presets;
      const filters = dto.filters !== undefined ? plain(dto.filters) : dest.filters;
      const newMappings = dto.mappings !== undefined ? prepareMappings(dto.mappings) : undefined;
      const mappings = newMappings ?? (await tx.mappingsOf(id));
      compileOrThrow(
        pipelineConfig({ presets, filters }, mappings, {
          apiKey: PLACEHOLDER_API_KEY,
          baseUrl: effectiveBaseUrl({ region, baseUrl }, this.config.fullstoryBaseUrl),
        }),
      );

      const changes: Partial<DestinationEntity> = { region, baseUrl, presets, filters };
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.enabled !== undefined) changes.enabled = dto.enabled;
      if (dto.settings !== undefined) changes.settings = plain<Record<string, unknown>>({ ...dto.settings });
      if (dto.eventRetentionDays !== undefined) changes.eventRetentionDays = dto.eventRetentionDays;
      if (dto.auditRetentionDays !== undefined) changes.auditRetentionDays = dto.auditRetentionDays;
      if (dto.apiKey !== undefined) changes.apiKeyEncrypted = this.keys.seal(dto.apiKey, id);
      await tx.update(id, changes);
      await tx.touch(id);

      if (dto.sourceIds !== undefined) {
        const sourceIds = unique(dto.sourceIds);
        assertNoMissingSources(await tx.missingSources(sourceIds));
        await tx.replaceSources(id, sourceIds);
      }
      if (newMappings) {
        await tx.deleteMappingsOf(id);
        await tx.insertMappings(mappingRows(id, newMappings));
      }
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.destinations.archive(id))) throw notFound(`Destination ${id} does not exist`);
  }
}
