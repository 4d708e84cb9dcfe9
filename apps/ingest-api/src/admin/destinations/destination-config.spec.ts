import { buildPreviewDestination, loadVectors, optionsFor, previewConfig, previewEvent } from '@fsd/mapping';
import { compileOrThrow, pipelineConfig } from './destination-config';

describe('the admin preview compiles like the preview CLI (edge vectors)', () => {
  it('every one of the 2,700 hostile cases gives the same output line', () => {
    const cases = loadVectors('edge.ndjson');
    expect(cases).toHaveLength(2700);
    const disagreements: string[] = [];
    for (const c of cases) {
      const config = previewConfig(optionsFor(c));
      const dest = {
        presets: {
          trackEvent: config.presets?.trackEvent !== false,
          identifyUser: config.presets?.identifyUser !== false,
        },
        filters: [],
      };
      const admin = compileOrThrow(
        pipelineConfig(dest, config.mappings ?? [], { apiKey: 'test-api-key', baseUrl: 'https://api.fullstory.com' }),
      );
      const got = previewEvent(admin, c.event);
      const cli = previewEvent(buildPreviewDestination(optionsFor(c)), c.event);
      if (JSON.stringify(got) !== JSON.stringify(cli)) disagreements.push(c.id);
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });
});
