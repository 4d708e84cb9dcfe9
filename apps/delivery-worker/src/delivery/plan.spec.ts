import { createHash } from 'crypto';
import type { ActionRequest, PipelineResult } from '@fsd/mapping';
import type { DeliverySettings } from '../config/worker.config';
import type { Episode } from './decision.types';
import type { LoadedDelivery } from '@fsd/delivery-data';
import { PlanDestination, idempotencyKeyFor, planDelivery, userToCheck } from './plan';

const now = new Date('2026-01-01T12:00:00Z');
const stored = new Date('2026-01-01T11:00:00Z');

function delivery(over: Partial<LoadedDelivery> = {}): LoadedDelivery {
  return {
    id: '42',
    loggedAt: stored,
    kind: 'event',
    status: 'pending',
    destinationId: 'dest-1',
    createdAt: stored,
    episodeStartedAt: stored,
    episodeRuns: 0,
    attempts: 0,
    lastAttemptNumber: 0,
    deletionUserId: null,
    event: { type: 'track', messageId: 'm-1', userId: 'u-1', event: 'Order Completed' },
    eventReceivedAt: stored,
    deliveredSubscriptions: new Set(),
    failedSubscriptions: new Set(),
    failedReason: null,
    ...over,
  };
}

const request = (subscriptionId: string, url: string): ActionRequest => ({
  subscriptionId,
  action: url.includes('/v2/') ? 'trackEventV2' : 'trackEvent',
  request: { method: 'POST', url, headers: { Authorization: 'Basic key' }, body: {} },
});
const V2 = request('preset:trackEvent', 'https://api.fullstory.com/v2/events');
const V1 = request('mapping:1', 'https://api.fullstory.com/users/v1/individual/u-1/customevent?integration=segment');
const mappingError = {
  subscriptionId: 'mapping:2',
  action: 'identifyUser' as const,
  message: 'userId is required',
  kind: 'validation' as const,
};

function mapped(over: Partial<PipelineResult> = {}): PipelineResult {
  return { actions: [], requests: [V2, V1], errors: [], ...over };
}

function destination(
  result: PipelineResult | null,
  settings: Partial<DeliverySettings> = {},
  enabled = true,
): PlanDestination {
  return {
    id: 'dest-1',
    enabled,
    apiKey: 'key',
    baseUrl: 'https://api.fullstory.com',
    compiled: result ? { run: () => result } : null,
    compileError: result ? null : 'mappings[0].action: must be one of trackEvent',
    settings: { suppressDeletedUsers: false, ...settings } as DeliverySettings,
  };
}

const run = (over: Partial<Episode> = {}): Episode => ({
  attemptNumber: 1,
  trigger: 'auto',
  isNew: false,
  runNumber: 1,
  startedAt: stored,
  ...over,
});

describe('userToCheck: a deletion lookup only when suppression is on and the event has a user', () => {
  it.each<[string, Partial<LoadedDelivery>, boolean, boolean, string | null]>([
    ['suppression on, a user', {}, true, true, 'u-1'],
    ['suppression off', {}, false, true, null],
    ['an invalid destination sends nothing', {}, true, false, null],
    ['no userId', { event: { type: 'track', messageId: 'm', anonymousId: 'a' } }, true, true, null],
    ['an empty userId', { event: { type: 'track', messageId: 'm', userId: '' } }, true, true, null],
    ['the event is gone', { event: null }, true, true, null],
    ['a deletion', { kind: 'deletion', event: null, deletionUserId: 'u-1' }, true, true, null],
  ])('%s', (_name, over, suppress, compiles, expected) => {
    const dest = destination(compiles ? mapped() : null, { suppressDeletedUsers: suppress });
    expect(userToCheck(delivery(over), dest)).toBe(expected);
  });
});

describe('planDelivery: a decision without a request', () => {
  const invalid = 'destination configuration is invalid: mappings[0].action: must be one of trackEvent';
  type Row = [string, Partial<LoadedDelivery>, PipelineResult | null, boolean, 'failed' | 'skipped', string];
  it.each<Row>([
    ['an invalid destination configuration fails', {}, null, false, 'failed', invalid],
    [
      'a deletion without a user fails',
      { kind: 'deletion', event: null },
      mapped(),
      false,
      'failed',
      'User Id is required for user deletion.',
    ],
    [
      'a deletion whose user id was erased (it ended before) fails without a request',
      { kind: 'deletion', event: null, deletionUserId: 'erased:abc' },
      mapped(),
      false,
      'failed',
      'the user id was erased when this deletion ended; request a new deletion',
    ],
    [
      'an event gone from the log fails',
      { event: null },
      mapped(),
      false,
      'failed',
      'the event is no longer in the event log',
    ],
    ['a deleted user is suppressed', {}, mapped(), true, 'skipped', 'suppressed: the user was deleted'],
    [
      'an erased event is skipped',
      { event: { erased: { at: '2026-01-01T00:00:00.000Z', deletionId: '1' } } },
      mapped(),
      false,
      'skipped',
      'erased: the user was deleted',
    ],
    ['integrations off', {}, mapped({ blockedBy: 'integrations', requests: [] }), false, 'skipped', 'integrations off'],
    ['a destination filter', {}, mapped({ blockedBy: 'filter', requests: [] }), false, 'skipped', 'filtered'],
    ['no subscription matched', {}, mapped({ requests: [] }), false, 'skipped', 'not subscribed'],
  ])('%s', (_name, over, result, userDeleted, status, reason) => {
    const episode = run({ attemptNumber: 3, trigger: 'retry' });
    const plan = planDelivery({
      delivery: delivery(over),
      destination: destination(result),
      episode,
      userDeleted,
      now,
    });
    if (plan.kind !== 'finish') throw new Error(`planned ${plan.kind}`);
    const row =
      status === 'failed'
        ? { decision: 'failed_permanently', errorClass: 'validation', errorMessage: reason, skipReason: null }
        : { decision: 'skipped', errorClass: null, errorMessage: null, skipReason: reason };
    const audit = { ...row, attemptNumber: 3, trigger: 'retry', startedAt: now, finishedAt: now, requestUrl: null };
    expect(plan.outcome).toEqual({ status, reason, retry: null, attempts: [expect.objectContaining(audit)] });
  });
});

describe('planDelivery: a disabled destination sends nothing; what reaches it ends skipped', () => {
  it.each<[string, Partial<LoadedDelivery>, Partial<Episode>, PipelineResult | null]>([
    ['a new event', {}, {}, mapped()],
    ['a retry', { status: 'retrying', lastAttemptNumber: 2 }, { trigger: 'retry', attemptNumber: 3 }, mapped()],
    ['a replay', { status: 'delivered' }, { trigger: 'replay', isNew: true }, mapped()],
    ['a deletion', { kind: 'deletion', event: null, deletionUserId: 'u-1' }, {}, mapped()],
    ['an invalid configuration: skipped, not failed', {}, {}, null],
  ])('%s', (_name, over, episodeOver, result) => {
    const episode = run(episodeOver);
    const plan = planDelivery({
      delivery: delivery(over),
      destination: destination(result, {}, false),
      episode,
      userDeleted: false,
      now,
    });
    if (plan.kind !== 'finish') throw new Error(`planned ${plan.kind}`);
    expect(plan.outcome).toEqual({
      status: 'skipped',
      reason: 'destination_disabled',
      retry: null,
      attempts: [
        expect.objectContaining({
          decision: 'skipped',
          skipReason: 'destination_disabled',
          trigger: episode.trigger,
          attemptNumber: episode.attemptNumber,
          requestUrl: null,
        }),
      ],
    });
  });
});

describe('planDelivery: the requests to send', () => {
  type Row = [string, Partial<LoadedDelivery>, Partial<Episode>, PipelineResult, string[], string[], string | null];
  it.each<Row>([
    ['every matched subscription', {}, {}, mapped(), ['preset:trackEvent', 'mapping:1'], [], null],
    [
      'a retry skips what was delivered',
      { deliveredSubscriptions: new Set(['preset:trackEvent']) },
      { trigger: 'retry' },
      mapped(),
      ['mapping:1'],
      [],
      null,
    ],
    [
      'a retry skips what failed in this episode, which keeps the delivery from ending delivered',
      { failedSubscriptions: new Set(['mapping:1']), failedReason: 'HTTP 400 Bad Request' },
      { trigger: 'retry' },
      mapped(),
      ['preset:trackEvent'],
      [],
      'HTTP 400 Bad Request',
    ],
    [
      'a failure without a stored reason',
      { failedSubscriptions: new Set(['mapping:2']) },
      { trigger: 'retry' },
      mapped({ errors: [mappingError] }),
      ['preset:trackEvent', 'mapping:1'],
      [],
      'failed permanently',
    ],
    [
      'a redrive re-sends what failed',
      { status: 'failed', failedSubscriptions: new Set(['mapping:1']), failedReason: 'HTTP 400 Bad Request' },
      { trigger: 'redrive', isNew: true },
      mapped(),
      ['preset:trackEvent', 'mapping:1'],
      [],
      null,
    ],
    [
      'a redrive still skips what was delivered',
      {
        status: 'failed',
        deliveredSubscriptions: new Set(['preset:trackEvent']),
        failedSubscriptions: new Set(['mapping:1']),
      },
      { trigger: 'redrive', isNew: true },
      mapped(),
      ['mapping:1'],
      [],
      null,
    ],
    [
      'a replay re-sends everything',
      { status: 'delivered', deliveredSubscriptions: new Set(['preset:trackEvent', 'mapping:1']) },
      { trigger: 'replay', isNew: true },
      mapped(),
      ['preset:trackEvent', 'mapping:1'],
      [],
      null,
    ],
    [
      'a mapping that fails validation is recorded, the others sent',
      {},
      {},
      mapped({ errors: [mappingError] }),
      ['preset:trackEvent', 'mapping:1'],
      ['mapping:2'],
      null,
    ],
    [
      'only a failed mapping: nothing to send',
      {},
      {},
      mapped({ requests: [], errors: [mappingError] }),
      [],
      ['mapping:2'],
      null,
    ],
  ])('%s', (_name, over, episode, result, sent, invalid, failedEarlier) => {
    const plan = planDelivery({
      delivery: delivery(over),
      destination: destination(result),
      episode: run(episode),
      userDeleted: false,
      now,
    });
    if (plan.kind !== 'send') throw new Error(`planned ${plan.kind}`);
    expect(plan.requests.map((r) => r.subscriptionId)).toEqual(sent);
    expect(plan.validationFailures.map((a) => [a.subscriptionId, a.decision, a.errorClass, a.errorMessage])).toEqual(
      invalid.map((id) => [id, 'failed_permanently', 'validation', 'userId is required']),
    );
    expect(plan.failedEarlier).toBe(failedEarlier);
  });

  /** The Idempotency-Keys an event's two requests (v2 create, v1) are planned with. */
  const keysWhen = (sentAlone?: (request: { url: string }) => boolean) => {
    const plan = planDelivery({
      delivery: delivery(),
      destination: destination(mapped()),
      episode: run(),
      userDeleted: false,
      now,
      ...(sentAlone ? { sentAlone } : {}),
    });
    if (plan.kind !== 'send') throw new Error(`planned ${plan.kind}`);
    return plan.requests.map((r) => r.idempotencyKey);
  };

  it("derives keys only for the requests sent alone when told which (a batch job item shares its job's key)", () => {
    const seen: string[] = [];
    expect(keysWhen((request) => seen.push(request.url) < 0)).toEqual([undefined, undefined]);
    expect(seen).toHaveLength(2);
    const expected = createHash('sha256').update('m-1\u0000dest-1\u0000preset:trackEvent').digest('hex');
    expect(keysWhen(() => true)).toEqual([expected, undefined]);
  });

  it('keys version 2 creates by (messageId, destination, subscription); version 1 and deletions carry no key', () => {
    const expected = createHash('sha256').update('m-1\u0000dest-1\u0000preset:trackEvent').digest('hex');
    expect(keysWhen()).toEqual([expected, undefined]);

    const deletion = planDelivery({
      delivery: delivery({ kind: 'deletion', event: null, deletionUserId: 'u 1' }),
      destination: destination(mapped()),
      episode: run(),
      userDeleted: false,
      now,
    });
    if (deletion.kind !== 'send') throw new Error(`planned ${deletion.kind}`);
    expect(deletion.requests).toEqual([
      {
        subscriptionId: 'onDelete',
        action: 'onDelete',
        idempotencyKey: undefined,
        request: expect.objectContaining({ method: 'DELETE', url: 'https://api.fullstory.com/v2/users?uid=u%201' }),
      },
    ]);
  });

  it.each<[string, 'GET' | 'POST' | 'DELETE', string, boolean]>([
    ['a v2 POST', 'POST', 'https://api.fullstory.com/v2/users', true],
    ['a v1 POST', 'POST', 'https://api.fullstory.com/users/v1/individual/u/customvars', false],
    ['a v2 DELETE', 'DELETE', 'https://api.fullstory.com/v2/users?uid=u', false],
  ])('idempotencyKeyFor: %s', (_name, method, url, keyed) => {
    expect(idempotencyKeyFor({ method, url }, 'm', 'd', 's') !== undefined).toBe(keyed);
  });
});
