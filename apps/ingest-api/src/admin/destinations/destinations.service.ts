import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import {
  FullStoryClient,
  FullStoryHostRefusedError,
  FullStoryNetworkError,
  FullStoryTimeoutError,
} from '@fsd/fullstory-contracts';
import {
  MAX_MAPPINGS,
  PayloadValidationError,
  buildTestConnectionRequest,
  previewEvent,
  testConnectionFailure,
  type PreparedRequest,
} from '@fsd/mapping';
import {
  DestinationEntity,
  DestinationPresets,
  MappingEntity,
  SecretBox,
  SourceEntity,
  apiKeyBinding,
} from '@fsd/platform';
import { badRequest, notFound } from '../../common/errors/app-error';
import { AdminContext } from '../common/admin-context.service';
import { archiveDestination } from '../common/config-archive';
import { invalid } from '../common/admin-errors';
import { CreateMappingDto } from '../mappings/mapping.dto';
import { CreateDestinationDto, PresetsDto, UpdateDestinationDto } from './destination.dto';
import {
  MappingInput,
  assertValidMapping,
  compileOrThrow,
  effectiveBaseUrl,
  pipelineConfig,
} from './destination-config';
import { assertAllowedBaseUrl, assertKeyGivenForNewHost } from './destination-location';
import { DestinationView, toDestinationView } from './destination.view';

/** Stands in for the API key wherever requests are only built, never sent (validation, preview). */
const PLACEHOLDER_API_KEY = 'api-key-placeholder';
const REDACTED_AUTHORIZATION = 'Basic [redacted]';
const DEFAULT_TEST_TIMEOUT_MS = 10_000;

export interface PreviewOutput {
  messageId: string | null;
  actions: string[];
  requests: PreparedRequest[];
  errors: { action: string; message: string }[];
}

export interface TestConnectionResult {
  ok: boolean;
  status: number | null;
  message: string;
}

@Injectable()
export class DestinationsService implements OnModuleDestroy {
  private readonly logger = new Logger('AdminDestinations');
  private secretBox?: SecretBox;
  private client?: FullStoryClient;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ctx: AdminContext,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.client?.close().catch(() => undefined);
  }

  async create(dto: CreateDestinationDto): Promise<DestinationView> {
    const location = this.location(dto.region ?? null, dto.baseUrl ?? null);
    if (location.baseUrl) assertAllowedBaseUrl(location.baseUrl, this.ctx.config.outboundPolicy);
    const presets = presetsFrom(dto.presets);
    const filters = plain(dto.filters ?? []);
    const mappings = this.prepareMappings(dto.mappings ?? []);
    compileOrThrow(
      pipelineConfig({ presets, filters }, mappings, {
        apiKey: PLACEHOLDER_API_KEY,
        baseUrl: effectiveBaseUrl(location, this.ctx.config.fullstoryBaseUrl),
      }),
    );
    const sourceIds = unique(dto.sourceIds);
    const id = await this.dataSource.transaction(async (em) => {
      await this.assertSourcesExist(em, sourceIds);
      // The id is chosen here: the sealed key is bound to its row.
      const newId = randomUUID();
      const saved = await em.save(DestinationEntity, {
        id: newId,
        name: dto.name,
        enabled: dto.enabled ?? true,
        apiKeyEncrypted: this.box().seal(dto.apiKey, apiKeyBinding(newId)),
        region: location.region,
        baseUrl: location.baseUrl,
        presets,
        filters,
        settings: plain<Record<string, unknown>>({ ...dto.settings }),
      });
      const destinationId = saved.id;
      await this.replaceSources(em, destinationId, sourceIds);
      await this.insertMappings(em, destinationId, mappings);
      return destinationId;
    });
    return this.get(id);
  }

  async list(includeArchived = false): Promise<DestinationView[]> {
    const destinations = await this.dataSource.getRepository(DestinationEntity).find({
      where: includeArchived ? {} : { archivedAt: IsNull() },
      relations: { sources: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const ids = destinations.map((d) => d.id);
    const mappings = ids.length
      ? await this.dataSource
          .getRepository(MappingEntity)
          .find({ where: { destinationId: In(ids) }, order: { position: 'ASC', createdAt: 'ASC' } })
      : [];
    return destinations.map((d) => {
      const view = toDestinationView(
        d,
        d.sources.map((s) => s.id).sort(),
        mappings.filter((m) => m.destinationId === d.id),
        effectiveBaseUrl(d, this.ctx.config.fullstoryBaseUrl),
      );
      return d.archivedAt ? { ...view, archivedAt: d.archivedAt.toISOString() } : view;
    });
  }

  async get(id: string): Promise<DestinationView> {
    const d = await this.dataSource
      .getRepository(DestinationEntity)
      .findOne({ where: { id, archivedAt: IsNull() }, relations: { sources: true } });
    if (!d) throw notFound(`Destination ${id} does not exist`);
    const mappings = await this.mappingsOf(this.dataSource.manager, id);
    return toDestinationView(
      d,
      d.sources.map((s) => s.id).sort(),
      mappings,
      effectiveBaseUrl(d, this.ctx.config.fullstoryBaseUrl),
    );
  }

  async update(id: string, dto: UpdateDestinationDto): Promise<DestinationView> {
    await this.dataSource.transaction(async (em) => {
      const dest = await em.findOne(DestinationEntity, {
        where: { id, archivedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!dest) throw notFound(`Destination ${id} does not exist`);

      if (dto.region && dto.baseUrl) throw regionAndBaseUrl();
      let { region, baseUrl } = dest;
      if (dto.region !== undefined) {
        region = dto.region ?? null;
        if (region) baseUrl = null;
      }
      if (dto.baseUrl !== undefined) {
        baseUrl = dto.baseUrl ?? null;
        if (baseUrl) region = null;
      }
      if (baseUrl && baseUrl !== dest.baseUrl) assertAllowedBaseUrl(baseUrl, this.ctx.config.outboundPolicy);
      const deploymentBaseUrl = this.ctx.config.fullstoryBaseUrl;
      assertKeyGivenForNewHost(
        effectiveBaseUrl(dest, deploymentBaseUrl),
        effectiveBaseUrl({ region, baseUrl }, deploymentBaseUrl),
        dto.apiKey,
      );
      const presets = dto.presets !== undefined ? presetsFrom(dto.presets) : dest.presets;
      const filters = dto.filters !== undefined ? plain(dto.filters) : dest.filters;
      const newMappings = dto.mappings !== undefined ? this.prepareMappings(dto.mappings) : undefined;
      const mappings = newMappings ?? (await this.mappingsOf(em, id));
      compileOrThrow(
        pipelineConfig({ presets, filters }, mappings, {
          apiKey: PLACEHOLDER_API_KEY,
          baseUrl: effectiveBaseUrl({ region, baseUrl }, this.ctx.config.fullstoryBaseUrl),
        }),
      );

      const changes: Partial<DestinationEntity> = { region, baseUrl, presets, filters };
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.enabled !== undefined) changes.enabled = dto.enabled;
      if (dto.settings !== undefined) changes.settings = plain<Record<string, unknown>>({ ...dto.settings });
      if (dto.apiKey !== undefined) changes.apiKeyEncrypted = this.box().seal(dto.apiKey, apiKeyBinding(id));
      await em.save(DestinationEntity, { ...changes, id });
      await touchDestination(em, id);

      if (dto.sourceIds !== undefined) {
        const sourceIds = unique(dto.sourceIds);
        await this.assertSourcesExist(em, sourceIds);
        await this.replaceSources(em, id, sourceIds);
      }
      if (newMappings) {
        await em.delete(MappingEntity, { destinationId: id });
        await this.insertMappings(em, id, newMappings);
      }
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await archiveDestination(this.dataSource, id))) throw notFound(`Destination ${id} does not exist`);
  }

  /**
   * What the preview CLI prints for this event with this destination's configuration (presets,
   * mappings, filters, base URL). The API key never leaves the server: Authorization is redacted.
   * With `draft`, those mappings stand in for the stored ones, checked as saving them would check them.
   */
  async preview(id: string, event: Record<string, unknown>, draft?: CreateMappingDto[]): Promise<PreviewOutput> {
    const dest = await this.dataSource.getRepository(DestinationEntity).findOneBy({ id });
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    const mappings = draft ? this.prepareMappings(draft) : await this.mappingsOf(this.dataSource.manager, id);
    const compiled = compileOrThrow(
      pipelineConfig(dest, mappings, {
        apiKey: PLACEHOLDER_API_KEY,
        baseUrl: effectiveBaseUrl(dest, this.ctx.config.fullstoryBaseUrl),
      }),
    );
    // The preview CLI's own output step, so the CLI's vectors tests cover this output too.
    const line = previewEvent(compiled, event);
    return { ...line, requests: line.requests.map(redactRequest) };
  }

  /** FullStory `GET /me` with the stored key; reports the outcome, never the key. */
  async testConnection(id: string): Promise<TestConnectionResult> {
    const dest = await this.dataSource
      .getRepository(DestinationEntity)
      .createQueryBuilder('d')
      .addSelect('d.apiKeyEncrypted')
      .where('d.id = :id', { id })
      .getOne();
    if (!dest) throw notFound(`Destination ${id} does not exist`);
    let apiKey: string;
    try {
      apiKey = this.box().open(dest.apiKeyEncrypted, apiKeyBinding(dest.id));
    } catch (e) {
      return { ok: false, status: null, message: (e as Error).message };
    }
    let request: PreparedRequest;
    try {
      request = buildTestConnectionRequest({
        apiKey,
        baseUrl: effectiveBaseUrl(dest, this.ctx.config.fullstoryBaseUrl),
      });
    } catch (e) {
      if (e instanceof PayloadValidationError) return { ok: false, status: null, message: e.message };
      throw e;
    }
    const timeoutMs = typeof dest.settings.timeoutMs === 'number' ? dest.settings.timeoutMs : DEFAULT_TEST_TIMEOUT_MS;
    try {
      const res = await this.fullStory().send(request, { timeoutMs });
      if (res.status >= 200 && res.status < 300) {
        return { ok: true, status: res.status, message: `Credentials are valid: ${res.status} ${res.statusText}` };
      }
      return { ok: false, status: res.status, message: testConnectionFailure(res.status, res.statusText) };
    } catch (e) {
      if (e instanceof FullStoryHostRefusedError) return { ok: false, status: null, message: `Not sent: ${e.message}` };
      if (e instanceof FullStoryTimeoutError || e instanceof FullStoryNetworkError) {
        // These messages name the target (origin and path) but never carry headers or the key.
        return { ok: false, status: null, message: `FullStory could not be reached: ${e.message}` };
      }
      throw e;
    }
  }

  private location(region: 'us' | 'eu' | null, baseUrl: string | null) {
    if (region && baseUrl) throw regionAndBaseUrl();
    return { region, baseUrl };
  }

  /** Count and per-mapping checks, ids assigned up front so the pipeline sees the stored ids. */
  private prepareMappings(dtos: CreateMappingDto[]): (MappingInput & { id: string })[] {
    if (dtos.length > MAX_MAPPINGS) {
      throw invalid(
        'too_many_mappings',
        `A destination can have at most ${MAX_MAPPINGS} mappings; ${dtos.length} were given`,
      );
    }
    return dtos.map((m, i) => {
      const input = { ...m, mapping: plain(m.mapping), enabled: m.enabled ?? true };
      assertValidMapping(input, `mappings[${i}]`);
      return { ...input, id: randomUUID() };
    });
  }

  private async insertMappings(em: EntityManager, destinationId: string, mappings: (MappingInput & { id: string })[]) {
    if (mappings.length === 0) return;
    await em.save(
      MappingEntity,
      mappings.map((m, position) => ({
        id: m.id,
        destinationId,
        position,
        name: m.name,
        enabled: m.enabled ?? true,
        trigger: m.trigger,
        action: m.action,
        mapping: m.mapping,
      })),
    );
  }

  private mappingsOf(em: EntityManager, destinationId: string): Promise<MappingEntity[]> {
    return em.find(MappingEntity, { where: { destinationId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  private async assertSourcesExist(em: EntityManager, sourceIds: string[]): Promise<void> {
    if (sourceIds.length === 0) return;
    const found = new Set(
      (await em.find(SourceEntity, { where: { id: In(sourceIds) }, select: { id: true } })).map((s) => s.id),
    );
    const missing = sourceIds.filter((s) => !found.has(s));
    if (missing.length > 0) {
      throw invalid(
        'unknown_source',
        `Unknown sourceIds: ${missing.join(', ')}`,
        missing.map((m) => `sourceIds: ${m} does not exist`),
      );
    }
  }

  private async replaceSources(em: EntityManager, destinationId: string, sourceIds: string[]): Promise<void> {
    await em.query('DELETE FROM destination_sources WHERE destination_id = $1', [destinationId]);
    if (sourceIds.length === 0) return;
    await em.query('INSERT INTO destination_sources (destination_id, source_id) SELECT $1, unnest($2::uuid[])', [
      destinationId,
      sourceIds,
    ]);
  }

  private box(): SecretBox {
    return (this.secretBox ??= new SecretBox(this.ctx.config.secretsKey, this.ctx.config.secretsKeyPrevious));
  }

  private fullStory(): FullStoryClient {
    return (this.client ??= new FullStoryClient({
      timeoutMs: DEFAULT_TEST_TIMEOUT_MS,
      policy: this.ctx.config.outboundPolicy,
    }));
  }
}

/** Marks a destination changed so the worker recompiles it (also used by the mapping routes). */
export async function touchDestination(em: EntityManager, id: string): Promise<void> {
  await em.query('UPDATE destinations SET updated_at = clock_timestamp() WHERE id = $1', [id]);
}

function regionAndBaseUrl() {
  return badRequest(
    'invalid_request',
    'region and baseUrl are mutually exclusive: give region ("us" or "eu") or a baseUrl, not both',
  );
}

function presetsFrom(p: PresetsDto | undefined): DestinationPresets {
  return { trackEvent: p?.trackEvent ?? true, identifyUser: p?.identifyUser ?? true };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids.map((s) => s.toLowerCase()))];
}

/** DTO instances → plain JSON values (undefined fields dropped), as stored in jsonb. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function redactRequest(r: PreparedRequest): PreparedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers)) {
    headers[name] = name.toLowerCase() === 'authorization' ? REDACTED_AUTHORIZATION : value;
  }
  const out: PreparedRequest = { method: r.method, url: r.url, headers };
  if (r.body !== undefined) out.body = r.body;
  return out;
}
