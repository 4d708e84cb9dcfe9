import { UnrecoverableError } from 'bullmq';
import { RetryableDeliveryError } from './delivery-errors';
import {
  HandOff,
  MemberResult,
  UNFORESEEN_RETRY_MS,
  failedByItsGroup,
  handOffJobData,
  handOffOf,
  leftToItsOwnJob,
  memberJob,
} from './group-hand-off';

describe('handOffOf', () => {
  const cases: [string, MemberResult, HandOff | null][] = [
    ['delivered', { ok: true, outcome: { status: 'delivered' } }, null],
    ['skipped', { ok: true, outcome: { status: 'skipped' } }, null],
    ['nothing to do', { ok: true, outcome: { status: 'noop' } }, null],
    ['held by another job', { ok: true, outcome: { status: 'deferred', deferForMs: 750 } }, { delayMs: 750 }],
    ['429 with Retry-After', { ok: true, outcome: { status: 'retrying', rateLimitedForMs: 2000 } }, { delayMs: 2000 }],
    ['retryable failure', { ok: false, error: new RetryableDeliveryError('HTTP 503', 4321) }, { delayMs: 4321 }],
    [
      'permanent failure',
      { ok: false, error: new UnrecoverableError('HTTP 400 Bad Request') },
      { failedReason: 'HTTP 400 Bad Request' },
    ],
    ['Postgres unreachable', { ok: false, error: new Error('connect ECONNREFUSED') }, { delayMs: UNFORESEEN_RETRY_MS }],
  ];
  it.each(cases)('%s → %j', (_name, result, expected) => expect(handOffOf(result)).toEqual(expected));
});

describe('failedByItsGroup', () => {
  it.each([
    ['the first run of a failed member’s job', 0, { trigger: 'auto', failedReason: 'HTTP 400' }, 'HTTP 400'],
    ['a redrive of it (trigger redrive)', 0, { trigger: 'redrive', failedReason: 'HTTP 400' }, null],
    ['a later run of it', 1, { trigger: 'auto', failedReason: 'HTTP 400' }, null],
    ['an ordinary live job', 0, { trigger: 'auto' }, null],
    ['a replay job', 0, { trigger: 'replay' }, null],
  ])('%s → %s', (_name, attemptsMade, data, expected) =>
    expect(failedByItsGroup({ attemptsMade, data })).toBe(expected),
  );
});

describe('leftToItsOwnJob', () => {
  const delivery = (attempts: number) => ({ lastAttemptNumber: attempts, attempts });
  it.each([
    ['a live group member, delivery never attempted', { groupMember: true, attemptsMade: 0, data: {} }, 0, false],
    [
      'a live group member, delivery attempted (retrying, or put back by a replay)',
      { groupMember: true, attemptsMade: 0, data: {} },
      2,
      true,
    ],
    ['its own live job, delivery attempted', { groupMember: false, attemptsMade: 0, data: {} }, 2, false],
    ['its own live job, delivery never attempted', { attemptsMade: 0, data: {} }, 0, false],
    [
      'a replay group member, no attempt since the replay took it',
      { groupMember: true, attemptsMade: 0, data: { attemptsBefore: 3 } },
      3,
      false,
    ],
    [
      'a replay group member, sent since (its group run again after a crash)',
      { groupMember: true, attemptsMade: 0, data: { attemptsBefore: 3 } },
      4,
      true,
    ],
    [
      'a replay group member, delivery never attempted',
      { groupMember: true, attemptsMade: 0, data: { attemptsBefore: 0 } },
      0,
      false,
    ],
    [
      'a replay’s own job on its first run, sent since (by its group)',
      { attemptsMade: 0, data: { attemptsBefore: 1 } },
      2,
      true,
    ],
    ['a replay’s own job on its first run, not sent since', { attemptsMade: 0, data: { attemptsBefore: 1 } }, 1, false],
    ['a replay’s own job retried by BullMQ', { attemptsMade: 1, data: { attemptsBefore: 1 } }, 2, false],
  ])('%s → %s', (_name, job, attempts, expected) => expect(leftToItsOwnJob(job, delivery(attempts))).toBe(expected));
});

describe('memberJob', () => {
  it('runs a live member as its job d<id> with trigger auto', () => {
    expect(memberJob({ deliveryId: '7', loggedAt: '2026-12-01T00:00:00.000Z' }, {})).toEqual({
      id: 'd7',
      attemptsMade: 0,
      data: { deliveryId: '7', loggedAt: '2026-12-01T00:00:00.000Z', trigger: 'auto' },
    });
  });

  it('runs a replay member as its job d<id>-r<replay>, with the attempt count the replay took it at', () => {
    expect(memberJob({ deliveryId: '7', attemptsBefore: 2 }, { replayId: '5' })).toEqual({
      id: 'd7-r5',
      attemptsMade: 0,
      data: { deliveryId: '7', trigger: 'replay', replayId: '5', attemptsBefore: 2 },
    });
  });
});

describe('handOffJobData', () => {
  const member = { deliveryId: '7', loggedAt: '2026-12-01T00:00:00.000Z', attemptsBefore: 2 };
  const loggedAt = member.loggedAt;
  it.each<[string, { replayId?: string }, HandOff, boolean, { jobId: string; data: object }]>([
    [
      'a live member retrying',
      {},
      { delayMs: 1000 },
      true,
      { jobId: 'd7', data: { deliveryId: '7', loggedAt, trigger: 'auto' } },
    ],
    [
      'a live member failed',
      {},
      { failedReason: 'HTTP 400' },
      true,
      { jobId: 'd7', data: { deliveryId: '7', loggedAt, trigger: 'auto', failedReason: 'HTTP 400' } },
    ],
    [
      'a replay member retrying: its episode goes on under the timer its outcome named',
      { replayId: '5' },
      { delayMs: 1000 },
      true,
      { jobId: 'd7-r5', data: { deliveryId: '7', loggedAt, trigger: 'auto' } },
    ],
    [
      'a replay member failed: ends failed at once, as a live one',
      { replayId: '5' },
      { failedReason: 'HTTP 400' },
      true,
      { jobId: 'd7-r5', data: { deliveryId: '7', loggedAt, trigger: 'auto', failedReason: 'HTTP 400' } },
    ],
    [
      'a replay member held by another job: still the replay’s, to send later',
      { replayId: '5' },
      { delayMs: 750 },
      false,
      {
        jobId: 'd7-r5',
        data: { deliveryId: '7', loggedAt, trigger: 'replay', replayId: '5', attemptsBefore: 2 },
      },
    ],
  ])('%s', (_name, group, handOff, recorded, expected) =>
    expect(handOffJobData(member, group, handOff, recorded)).toEqual(expected),
  );
});
