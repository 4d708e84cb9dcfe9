import type { AttemptRecord } from './delivery.types';

/** One audit row of this run: the given columns, everything else empty. */
export function attemptRow(
  run: Pick<AttemptRecord, 'attemptNumber' | 'trigger'>,
  startedAt: Date,
  finishedAt: Date,
  fields: Partial<AttemptRecord>,
): AttemptRecord {
  return {
    attemptNumber: run.attemptNumber,
    trigger: run.trigger,
    subscriptionId: null,
    action: null,
    startedAt,
    finishedAt,
    latencyMs: null,
    requestMethod: null,
    requestUrl: null,
    requestHeaders: null,
    requestBody: null,
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    responseTruncated: false,
    errorClass: null,
    errorMessage: null,
    decision: 'skipped',
    retryAt: null,
    skipReason: null,
    ...fields,
  };
}
