import { parseTrigger } from '../trigger';
import { EVERY_EVENT_TRIGGER, previewConfig } from './preview-core';

describe('preview configuration (the shape the admin API stores and the worker compiles)', () => {
  it.each([
    ['missing', {}],
    ['null', { userId: null }],
    ['empty', { userId: '' }],
    ['zero', { userId: 0 }],
    ['false', { userId: false }],
    ['an object', { userId: { a: 1 } }],
    ['an array', { userId: [] }],
    ['a string', { userId: 'u' }],
  ])('EVERY_EVENT_TRIGGER matches an event whose userId is %s', (_name, fields) => {
    expect(parseTrigger(EVERY_EVENT_TRIGGER).matches({ type: 'alias', ...fields })).toBe(true);
  });

  it('presets alone, or one action on every event with its default mapping', () => {
    expect(previewConfig({})).toEqual({
      settings: { apiKey: 'test-api-key', baseUrl: undefined },
      presets: { trackEvent: true, identifyUser: true },
    });
    expect(previewConfig({ action: 'trackEventV2', apiKey: 'K', baseUrl: 'http://x' })).toEqual({
      settings: { apiKey: 'K', baseUrl: 'http://x' },
      presets: { trackEvent: false, identifyUser: false },
      mappings: [
        {
          id: 'preview',
          name: 'preview',
          enabled: true,
          trigger: EVERY_EVENT_TRIGGER,
          action: 'trackEventV2',
          mapping: {
            userId: { '@path': '$.userId' },
            name: { '@path': '$.event' },
            properties: { '@path': '$.properties' },
            timestamp: { '@path': '$.timestamp' },
          },
        },
      ],
    });
    expect(previewConfig({ action: 'identifyUser', trigger: 'type = "x"', mapping: { userId: 'u' } }).mappings).toEqual(
      [
        {
          id: 'preview',
          name: 'preview',
          enabled: true,
          trigger: 'type = "x"',
          action: 'identifyUser',
          mapping: { userId: 'u' },
        },
      ],
    );
  });
});
