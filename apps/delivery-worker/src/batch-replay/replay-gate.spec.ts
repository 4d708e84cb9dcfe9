import { ReplayGate, gateFor } from './replay-gate';

describe('gateFor', () => {
  it.each([
    ['running', 'go'],
    ['completed', 'go'],
    ['paused', 'wait'],
    ['cancelled', 'stop'],
    ['failed', 'stop'],
    [null, 'stop'],
  ])('%s → %s', (status, answer) => expect(gateFor(status)).toBe(answer));

  it('waits through a pause, then goes on resume or stops on cancel', async () => {
    const seq = ['paused', 'paused', 'running'];
    expect(await new ReplayGate(async () => seq.shift() ?? null, 1).mayContinue()).toBe(true);
    const cancelled = ['paused', 'cancelled'];
    expect(await new ReplayGate(async () => cancelled.shift() ?? null, 1).mayContinue()).toBe(false);
  });
});
