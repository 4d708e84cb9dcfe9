import { attemptRow, type AttemptRecord, type LoadedDelivery } from '@fsd/delivery-data';
import { buildDeleteRequest } from '@fsd/mapping';
import { idempotencyKeyFor } from '@fsd/fullstory-contracts';
import { IDENTITY_HASH_PREFIX, isErasedTombstone, messageOf } from '@fsd/platform';
import type { LoadedDestination } from '../destinations/destination-cache.service';
import type { Episode, OutgoingRequest, Outcome } from './decision.types';

export { idempotencyKeyFor };

export type PlanDestination = Pick<
  LoadedDestination,
  'id' | 'enabled' | 'apiKey' | 'baseUrl' | 'compiled' | 'compileError' | 'settings'
>;

/** The skip reason of every delivery that reaches a disabled destination (a replay can send it later). */
export const DESTINATION_DISABLED = 'destination_disabled';
/** Skip reasons the delivery funnel counts apart (funnel-stage.ts). */
export const SKIP_INTEGRATIONS_OFF = 'integrations off';
export const SKIP_FILTERED = 'filtered';
export const SKIP_NOT_SUBSCRIBED = 'not subscribed';

/** The user whose deletion must be looked up before planning (suppression), or null when none is needed. */
export function userToCheck(
  delivery: Pick<LoadedDelivery, 'kind' | 'event'>,
  destination: Pick<PlanDestination, 'compiled' | 'settings'>,
): string | null {
  if (!destination.compiled || !destination.settings.suppressDeletedUsers || delivery.kind === 'deletion') return null;
  const userId = delivery.event?.userId;
  return typeof userId === 'string' && userId !== '' ? userId : null;
}

/** The requests to send, or an outcome reached without any request (skipped, or failed before sending). */
export type Plan =
  | { kind: 'finish'; outcome: Outcome }
  | {
      kind: 'send';
      requests: OutgoingRequest[];
      /** Audit rows of subscriptions whose mapping failed: failed permanently without a request. */
      validationFailures: AttemptRecord[];
      /** The reason of a permanent failure earlier in this episode, which keeps the delivery from ending delivered. */
      failedEarlier: string | null;
    };

export interface PlanInput {
  delivery: LoadedDelivery;
  destination: PlanDestination;
  episode: Episode;
  /** Whether userToCheck's user was deleted (false when none was checked). */
  userDeleted: boolean;
  now: Date;
  /**
   * Which requests travel with their own Idempotency-Key (default: all). A batch replay's job items share their
   * job's key, so it derives keys only for what it sends alone: a key costs a hash of the request's body.
   */
  sentAlone?: (request: OutgoingRequest['request']) => boolean;
}

/** Plans one run of a delivery: maps the event (or builds the deletion) and keeps what is still to be sent. */
export function planDelivery(input: PlanInput): Plan {
  const { delivery, destination, episode, now } = input;
  const finish = (status: 'failed' | 'skipped', fields: Partial<AttemptRecord>): Plan => ({
    kind: 'finish',
    outcome: {
      status,
      reason: fields.errorMessage ?? fields.skipReason ?? null,
      attempts: [attemptRow(episode, now, now, fields)],
      retry: null,
    },
  });
  const invalid = (errorMessage: string) =>
    finish('failed', { decision: 'failed_permanently', errorClass: 'validation', errorMessage });
  const skip = (skipReason: string) => finish('skipped', { decision: 'skipped', skipReason });

  // Disabling stops sending: the backlog, retries and replays of a disabled destination end skipped.
  if (!destination.enabled) return skip(DESTINATION_DISABLED);
  if (!destination.compiled) return invalid(`destination configuration is invalid: ${destination.compileError}`);
  // A retry of the same episode never re-sends what already failed permanently; a replay or redrive does.
  const settled = episode.isNew ? new Set<string>() : delivery.failedSubscriptions;
  const validationFailures: AttemptRecord[] = [];
  let messageId: string;
  let matched: OutgoingRequest[];
  if (delivery.kind === 'deletion') {
    messageId = `deletion-${delivery.id}`;
    // A deletion that ended keeps only its user's keyed hash: a replay or redrive of it has no user to send.
    if (delivery.deletionUserId?.startsWith(IDENTITY_HASH_PREFIX)) {
      return invalid('the user id was erased when this deletion ended; request a new deletion');
    }
    try {
      const request = buildDeleteRequest(
        { apiKey: destination.apiKey, baseUrl: destination.baseUrl },
        delivery.deletionUserId,
      );
      matched = [{ subscriptionId: 'onDelete', action: 'onDelete', request }];
    } catch (e) {
      return invalid(messageOf(e));
    }
  } else {
    const event = delivery.event;
    if (!event) return invalid('the event is no longer in the event log');
    // An erased event has nothing left to send, whatever the destination's suppression setting.
    if (isErasedTombstone(event)) return skip('erased: the user was deleted');
    if (input.userDeleted) return skip('suppressed: the user was deleted');
    const result = destination.compiled.run(event);
    if (result.blockedBy) return skip(result.blockedBy === 'integrations' ? SKIP_INTEGRATIONS_OFF : SKIP_FILTERED);
    if (result.requests.length === 0 && result.errors.length === 0) return skip(SKIP_NOT_SUBSCRIBED);
    for (const error of result.errors) {
      if (settled.has(error.subscriptionId)) continue;
      validationFailures.push(
        attemptRow(episode, now, now, {
          subscriptionId: error.subscriptionId,
          action: error.action,
          decision: 'failed_permanently',
          errorClass: 'validation',
          errorMessage: error.message,
        }),
      );
    }
    messageId = String(event.messageId);
    matched = result.requests;
  }

  // A replay re-sends everything; otherwise what was delivered, or failed in this episode, is not sent again.
  const replay = episode.trigger === 'replay';
  const requests = matched
    .filter((r) => replay || (!delivery.deliveredSubscriptions.has(r.subscriptionId) && !settled.has(r.subscriptionId)))
    .map((r) =>
      input.sentAlone && !input.sentAlone(r.request)
        ? r
        : { ...r, idempotencyKey: idempotencyKeyFor(r.request, messageId, destination.id, r.subscriptionId) },
    );
  const failedEarlier = settled.size > 0 ? (delivery.failedReason ?? 'failed permanently') : null;
  return { kind: 'send', requests, validationFailures, failedEarlier };
}
