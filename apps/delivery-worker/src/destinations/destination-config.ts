import { ConfigValidationError, buildDestinationConfig, compileDestination } from '@fsd/mapping';
import type { ActionId, CompiledDestination, DestinationFilter } from '@fsd/mapping';
import { messageOf } from '@fsd/platform';

/** The parts of a destinations row (with its mappings, in position order) the pipeline needs. */
export interface DestinationRowConfig {
  presets: { trackEvent?: boolean; identifyUser?: boolean };
  filters: DestinationFilter[];
  mappings: {
    id: string;
    name: string;
    enabled: boolean;
    trigger: string;
    action: ActionId;
    mapping: Record<string, unknown>;
  }[];
}

export interface CompiledRow {
  /** Null when the stored configuration no longer compiles; compileError says why. */
  compiled: CompiledDestination | null;
  compileError: string | null;
}

/** Compiles a row once (triggers, mappings, filters); a configuration that no longer compiles is reported, not thrown. */
export function compileRow(row: DestinationRowConfig, settings: { apiKey: string; baseUrl: string }): CompiledRow {
  try {
    return { compiled: compileDestination(buildDestinationConfig(row, row.mappings, settings)), compileError: null };
  } catch (e) {
    return {
      compiled: null,
      compileError: e instanceof ConfigValidationError ? e.issues.join('; ') : messageOf(e),
    };
  }
}
