import type { CreateMappingDto } from './mapping.dto';

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A validated mapping body with its `mapping` object as sent (BodyFieldAsSent): the admin validation pipe deletes
 * `__proto__`, `constructor` and `prototype` keys in place, and in a mapping those are output keys or `@literal`
 * data that the CLI and the worker keep. The DTO has validated the rest; the engine validates the mapping itself.
 */
export function withMappingAsSent<T extends { mapping?: JsonObject }>(dto: T, sent: unknown): T {
  return isJsonObject(sent) ? { ...dto, mapping: sent } : dto;
}

/**
 * The same for each of a body's `mappings` (a destination's, or the preview's draft), matched by position: the
 * pipe only deletes keys of objects, so the validated array and the array as sent line up item for item.
 */
export function withMappingsAsSent<T extends { mappings?: CreateMappingDto[] }>(dto: T, sent: unknown): T {
  if (!dto.mappings || !Array.isArray(sent)) return dto;
  const items: unknown[] = sent;
  return {
    ...dto,
    mappings: dto.mappings.map((m, i) => {
      const item = items[i];
      return isJsonObject(item) ? withMappingAsSent(m, item.mapping) : m;
    }),
  };
}
