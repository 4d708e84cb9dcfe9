import { randomUUID } from 'crypto';
import { MAX_MAPPINGS } from '@fsd/mapping';
import { DestinationPresets } from '@fsd/platform';
import { invalid } from '../common/admin-errors';
import { CreateMappingDto } from '../mappings/mapping.dto';
import { PresetsDto } from './destination.dto';
import { MappingInput, assertValidMapping } from './destination-config';
import type { NewMapping } from './destinations.repository';

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

/** 400 unknown_source naming every sourceId that is not a source. */
export function assertNoMissingSources(missing: string[]): void {
  if (missing.length > 0) {
    throw invalid(
      'unknown_source',
      `Unknown sourceIds: ${missing.join(', ')}`,
      missing.map((m) => `sourceIds: ${m} does not exist`),
    );
  }
}

/** The rows of these mappings, in their order. */
export function mappingRows(destinationId: string, mappings: (MappingInput & { id: string })[]): NewMapping[] {
  return mappings.map((m, position) => ({
    id: m.id,
    destinationId,
    position,
    name: m.name,
    enabled: m.enabled ?? true,
    trigger: m.trigger,
    action: m.action,
    mapping: m.mapping,
  }));
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
