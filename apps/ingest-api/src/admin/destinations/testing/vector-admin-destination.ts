import { type VectorCase, optionsFor, previewConfig } from '@fsd/mapping';
import { compileOrThrow, pipelineConfig } from '../destination-config';

/** The destination the admin preview compiles for a vector case (its presets and mappings), as the route does. */
export function vectorAdminDestination(c: VectorCase) {
  const config = previewConfig(optionsFor(c));
  const dest = {
    presets: {
      trackEvent: config.presets?.trackEvent !== false,
      identifyUser: config.presets?.identifyUser !== false,
    },
    filters: [],
  };
  return compileOrThrow(
    pipelineConfig(dest, config.mappings ?? [], { apiKey: 'test-api-key', baseUrl: 'https://api.fullstory.com' }),
  );
}
