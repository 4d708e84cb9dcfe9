/**
 * What the reconciliation decides about one delivery, as pure functions (unit-tested in outcome.spec.ts):
 * whether its attempt rows explain the status it ended in, and which request at FullStory an attempt is.
 */

export type Outcome = 'delivered' | 'failed' | 'skipped';

/** The columns of one delivery_attempts row the reconciliation needs. */
export interface AttemptFacts {
  attemptNumber: number;
  decision: string;
  responseStatus: number | null;
  errorMessage: string | null;
  skipReason: string | null;
  requestMethod: string | null;
}

const isOk = (s: number | null) => s !== null && s >= 200 && s < 300;
/** A status FullStory answers for a request it will never accept (400, 401, 403, 404...), 409 and 429 aside. */
const isPermanent = (s: number | null) => s !== null && s >= 400 && s < 500 && s !== 409 && s !== 429;

/**
 * Why the attempt rows do not explain the delivery's final status, or null when they do:
 * - delivered: the last attempt's rows are all 'delivered' with a 2xx answer;
 * - failed: a row of the last attempt is 'failed_permanently', either for a permanent 4xx answer or
 *   because it gave up at the attempt cap (then the last attempt is number `maxAttempts`);
 * - skipped: a single 'skipped' row with its reason and no request.
 * Attempts are numbered 1..n without gaps, and each attempt before the last scheduled a retry.
 */
export function unexplained(status: string, attempts: AttemptFacts[], maxAttempts: number): string | null {
  if (status !== 'delivered' && status !== 'failed' && status !== 'skipped') return `still ${status}`;
  if (attempts.length === 0) return `${status} without any attempt row`;
  const numbers = [...new Set(attempts.map((a) => a.attemptNumber))].sort((a, b) => a - b);
  const last = numbers[numbers.length - 1];
  if (numbers.some((n, i) => n !== i + 1)) return `attempt numbers ${numbers.join(',')} have a gap`;
  if (last > maxAttempts) return `attempt ${last} is beyond the cap of ${maxAttempts}`;
  const earlier = attempts.filter((a) => a.attemptNumber < last);
  const final = attempts.filter((a) => a.attemptNumber === last);
  // A subscription delivered early stays delivered while another one is retried.
  const notRetry = earlier.find((a) => a.decision !== 'retry_scheduled' && a.decision !== 'delivered');
  if (notRetry) return `attempt ${notRetry.attemptNumber} ended ${notRetry.decision} but was followed by another`;

  if (status === 'skipped') {
    const [only] = final;
    if (attempts.length !== 1 || only.decision !== 'skipped') return 'skipped, but not by a single skipped attempt';
    if (!only.skipReason) return 'skipped without a reason';
    if (only.requestMethod !== null) return 'skipped, yet a request was sent';
    return null;
  }
  if (status === 'delivered') {
    const bad = final.find((a) => a.decision !== 'delivered' || !isOk(a.responseStatus));
    return bad ? `delivered, but the last attempt has ${bad.decision} (${bad.responseStatus})` : null;
  }
  const failure = final.find((a) => a.decision === 'failed_permanently');
  if (!failure) return 'failed without a failed_permanently attempt';
  if (isPermanent(failure.responseStatus)) return null;
  if (!/gave up: attempt cap reached/.test(failure.errorMessage ?? '')) {
    return `failed on a retryable answer (${failure.responseStatus}) without giving up: ${failure.errorMessage}`;
  }
  return last === maxAttempts ? null : `gave up at attempt ${last}, the cap is ${maxAttempts}`;
}

/**
 * Which request an attempt (or a request captured at the fake) is: its Idempotency-Key, or, for the
 * requests that carry none (version 1), its method and path, unique when each event has its own user.
 */
export function requestIdentity(method: string, url: string, idempotencyKey: string | undefined | null): string {
  if (idempotencyKey) return `key ${idempotencyKey}`;
  return `${method.toUpperCase()} ${new URL(url, 'http://fake').pathname}`;
}
