import { buildDestinationConfig, effectiveBaseUrl } from './destination-config';

describe('effectiveBaseUrl', () => {
  it.each([
    ['its own base URL first', { baseUrl: 'http://own', region: 'eu' }, 'http://own'],
    ['else the US region', { baseUrl: null, region: 'us' }, 'https://api.fullstory.com'],
    ['else the EU region', { baseUrl: null, region: 'eu' }, 'https://api.eu1.fullstory.com'],
    ['else the deployment (no region)', { baseUrl: null, region: null }, 'http://deployment'],
    ['else the deployment (an unknown region)', { baseUrl: null, region: 'mars' }, 'http://deployment'],
  ])('%s', (_name, dest, expected) => {
    expect(effectiveBaseUrl(dest, 'http://deployment')).toBe(expected);
  });
});

describe('buildDestinationConfig', () => {
  const settings = { apiKey: 'k', baseUrl: 'http://b' };
  it.each([
    ['absent presets are on', undefined, { trackEvent: true, identifyUser: true }],
    ['stored presets as given', { trackEvent: false }, { trackEvent: false, identifyUser: true }],
  ])('%s', (_name, presets, expected) => {
    expect(buildDestinationConfig({ presets, filters: [] }, [], settings).presets).toEqual(expected);
  });

  it('turns stored mappings into subscriptions, enabled unless turned off', () => {
    const config = buildDestinationConfig(
      { presets: {}, filters: [{ name: 'f' }] },
      [
        { id: 'm1', name: 'a', trigger: 'type = "track"', action: 'trackEventV2', mapping: { x: 1 } },
        { id: 'm2', name: 'b', enabled: false, trigger: 'all', action: 'identifyUserV2', mapping: {} },
      ],
      settings,
    );
    expect(config).toEqual({
      settings,
      presets: { trackEvent: true, identifyUser: true },
      mappings: [
        { id: 'm1', name: 'a', enabled: true, trigger: 'type = "track"', action: 'trackEventV2', mapping: { x: 1 } },
        { id: 'm2', name: 'b', enabled: false, trigger: 'all', action: 'identifyUserV2', mapping: {} },
      ],
      filters: [{ name: 'f' }],
    });
  });
});
