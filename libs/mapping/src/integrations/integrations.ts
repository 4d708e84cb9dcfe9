import { hasOwn, isPlainObject } from '../util/types';

/** Names this destination answers to in the `integrations` object (segment-ingest.md §10). */
export const DESTINATION_NAMES: readonly string[] = [
  'Fullstory Cloud Mode (Actions)',
  'FullStory Cloud Mode (Actions)',
];

/**
 * True when the event's `integrations` object blocks this destination:
 * a key for this destination that is JSON `false` blocks; any other value allows.
 * Without such a key, `All: false` blocks.
 */
export function isBlockedByIntegrations(event: Record<string, unknown>): boolean {
  const integrations = hasOwn(event, 'integrations') ? event.integrations : undefined;
  if (!isPlainObject(integrations)) return false;
  let present = false;
  for (const name of DESTINATION_NAMES) {
    if (hasOwn(integrations, name)) {
      present = true;
      if (integrations[name] === false) return true;
    }
  }
  if (present) return false;
  return hasOwn(integrations, 'All') && integrations.All === false;
}
