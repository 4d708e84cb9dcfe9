import { SliceFacts, decideSlice } from './slice-recovery';

describe('decideSlice', () => {
  const base: SliceFacts = { open: 10, job: 'active', generation: 0, maxGenerations: 3, replayStatus: 'completed' };
  it.each<[string, Partial<SliceFacts>, string]>([
    ['nothing open, job gone', { open: 0, job: 'unknown' }, 'settle'],
    ['nothing open, job failed', { open: 0, job: 'failed' }, 'settle'],
    ['waiting', { job: 'waiting' }, 'wait'],
    ['active', { job: 'active' }, 'wait'],
    ['delayed (BullMQ retry)', { job: 'delayed' }, 'wait'],
    ['prioritized', { job: 'prioritized' }, 'wait'],
    ['lost from Redis', { job: 'unknown' }, 'readd'],
    ['lost from Redis at the last generation', { job: 'unknown', generation: 2 }, 'readd'],
    ['failed for good', { job: 'failed' }, 'rerun'],
    ['completed with deliveries open (paused, then resumed)', { job: 'completed', generation: 1 }, 'rerun'],
    ['failed at the last generation', { job: 'failed', generation: 2 }, 'give-up'],
    ['completed at the last generation', { job: 'completed', generation: 2 }, 'give-up'],
    ['the replay failed, its slice stopped', { job: 'completed', replayStatus: 'failed' }, 'give-up'],
    ['the replay failed, its slice still running', { job: 'active', replayStatus: 'failed' }, 'wait'],
    ['the replay failed, its slice lost from Redis', { job: 'unknown', replayStatus: 'failed' }, 'readd'],
  ])('%s', (_name, facts, expected) => {
    expect(decideSlice({ ...base, ...facts }).do).toBe(expected);
  });

  it('says why it gives up', () => {
    expect(decideSlice({ ...base, job: 'failed', generation: 2 })).toEqual({
      do: 'give-up',
      why: 'its job failed after all its attempts, 3 times',
    });
  });
});
