import type { FullStoryResponse } from '@fsd/fullstory-contracts';
import type { PreparedRequest } from '@fsd/mapping';
import type { AttemptTrigger } from '@fsd/platform';
import type { AttemptRecord } from '@fsd/delivery-data';

/** One run of a delivery within its episode (an episode starts at creation, and again at each replay or redrive). */
export interface Episode {
  /** Number of this run's audit rows: one more than the delivery's last. */
  attemptNumber: number;
  trigger: AttemptTrigger;
  /** A replay or redrive: the retry budget starts again and earlier outcomes are re-sent. */
  isNew: boolean;
  /** Runs of the episode including this one (the attempt cap counts these). */
  runNumber: number;
  startedAt: Date;
}

/** One request to send: an action of a matched subscription, or the GDPR deletion. */
export interface OutgoingRequest {
  subscriptionId: string;
  action: string;
  request: PreparedRequest;
  idempotencyKey?: string;
}

/** What came back for one request: a response, or the error thrown while sending. */
export interface SendResult {
  sub: OutgoingRequest;
  startedAt: Date;
  finishedAt: Date;
  response?: FullStoryResponse;
  error?: unknown;
}

/** How a run ends: the delivery's new status, its reason and the audit rows to record. */
export interface Outcome {
  status: 'delivered' | 'retrying' | 'failed' | 'skipped';
  /** The reason stored with the status change. */
  reason: string | null;
  attempts: AttemptRecord[];
  /** Set when retrying: when, and whether FullStory asked us to slow down (429). */
  retry: { delayMs: number; retryAt: Date; rateLimited: boolean } | null;
}
