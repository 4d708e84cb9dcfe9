import { defaultReplayMode } from './replay-mode';

describe('defaultReplayMode', () => {
  it.each([
    [[], 'batch'],
    [['trackEventV2'], 'batch'],
    [['trackEventV2', 'identifyUserV2'], 'batch'],
    [['trackEvent'], 'per-event'],
    [['identifyUserV2', 'identifyUser'], 'per-event'],
  ])('%j → %s', (actions, mode) => {
    expect(defaultReplayMode(actions)).toBe(mode);
  });
});
