import { obsoleteTimer, timerRole, type TimerRole } from './retry-timer';

describe('timerRole: which job holds a delivery’s one retry timer', () => {
  it.each<[string, number, string, string | null, TimerRole]>([
    ['a first run, no holder', 0, 'retrying', null, 'first'],
    ['a first run while another job holds the timer', 0, 'retrying', 'd1', 'first'],
    ['a retry of the holder', 2, 'retrying', 'd1-rX', 'continuing'],
    ['a retry of a job whose timer was taken over', 1, 'retrying', 'd1-rX', 'superseded'],
    ['a retry of the holder of a delivery no longer retrying', 1, 'delivered', 'd1-rX', 'first'],
    ['a retry of a row from before the holder was recorded', 3, 'retrying', null, 'first'],
  ])('%s', (_name, attemptsMade, status, retryJob, expected) => {
    const jobId = expected === 'superseded' ? 'd1' : 'd1-rX';
    expect(timerRole({ id: jobId, attemptsMade }, { status: status as 'retrying', retryJob })).toBe(expected);
  });
});

describe('obsoleteTimer: the other job’s timer an outcome makes obsolete', () => {
  it.each<[string, string, string | null, string | null]>([
    ['none held', 'd1', null, null],
    ['held by this job', 'd1', 'd1', null],
    ['held by another job', 'd1-r7', 'd1', 'd1'],
  ])('%s', (_name, jobId, retryJob, expected) => {
    expect(obsoleteTimer(jobId, { retryJob })).toBe(expected);
  });
});
