import { UnrecoverableError } from 'bullmq';
import { RetryableDeliveryError } from './delivery-errors';
import {
  HandOff,
  MemberResult,
  UNFORESEEN_RETRY_MS,
  failedByItsGroup,
  handOffOf,
  leftToItsOwnJob,
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
  it.each([
    ['a group member, delivery never attempted', true, 0, false],
    ['a group member, delivery attempted (retrying, or put back by a replay)', true, 2, true],
    ['its own job, delivery attempted', false, 2, false],
    ['its own job, delivery never attempted', undefined, 0, false],
  ])('%s → %s', (_name, groupMember, lastAttemptNumber, expected) =>
    expect(leftToItsOwnJob(groupMember === undefined ? {} : { groupMember }, { lastAttemptNumber })).toBe(expected),
  );
});
