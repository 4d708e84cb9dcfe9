import { randomUUID } from 'crypto';
import { EntityManager, In } from 'typeorm';
import { MAX_MAPPINGS } from '@fsd/mapping';
import { DestinationPresets, MappingEntity, SourceEntity } from '@fsd/platform';
import { invalid } from '../common/admin-errors';
import { CreateMappingDto } from '../mappings/mapping.dto';
import { PresetsDto } from './destination.dto';
import { MappingInput, assertValidMapping } from './destination-config';

/** Count and per-mapping checks, ids assigned up front so the pipeline sees the stored ids. */
export function prepareMappings(dtos: CreateMappingDto[]): (MappingInput & { id: string })[] {
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

export async function insertMappings(
  em: EntityManager,
  destinationId: string,
  mappings: (MappingInput & { id: string })[],
): Promise<void> {
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

export function mappingsOf(em: EntityManager, destinationId: string): Promise<MappingEntity[]> {
  return em.find(MappingEntity, { where: { destinationId }, order: { position: 'ASC', createdAt: 'ASC' } });
}

export async function assertSourcesExist(em: EntityManager, sourceIds: string[]): Promise<void> {
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

export async function replaceSources(em: EntityManager, destinationId: string, sourceIds: string[]): Promise<void> {
  await em.query('DELETE FROM destination_sources WHERE destination_id = $1', [destinationId]);
  if (sourceIds.length === 0) return;
  await em.query('INSERT INTO destination_sources (destination_id, source_id) SELECT $1, unnest($2::uuid[])', [
    destinationId,
    sourceIds,
  ]);
}

/** Marks a destination changed so the worker recompiles it (also used by the mapping routes). */
export async function touchDestination(em: EntityManager, id: string): Promise<void> {
  await em.query('UPDATE destinations SET updated_at = clock_timestamp() WHERE id = $1', [id]);
}

export function presetsFrom(p: PresetsDto | undefined): DestinationPresets {
  return { trackEvent: p?.trackEvent ?? true, identifyUser: p?.identifyUser ?? true };
}

export function unique(ids: string[]): string[] {
  return [...new Set(ids.map((s) => s.toLowerCase()))];
}

/** DTO instances → plain JSON values (undefined fields dropped), as stored in jsonb. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
