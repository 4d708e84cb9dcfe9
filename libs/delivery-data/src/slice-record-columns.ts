import { storableTextOrNull } from '@fsd/platform';
import type { BatchAttemptRecord, SliceOutcome } from './batch-slice.repository';

/**
 * A group of slice outcomes as the column arrays RECORD_SLICE unnests: one array per column, filled in one pass
 * (no object per row, and a job's shared header objects serialised once). The request bodies go as one JSON
 * array, unpacked as json by Postgres, which keeps a `\u0000` escape as it is.
 */
export function sliceRecordParams(group: SliceOutcome[], token: string): unknown[] {
  const d: string[] = [];
  const s: string[] = [];
  const r: (string | null)[] = [];
  const n: number[] = [];
  const g: (string | null)[] = [];
  const k: number[] = [];
  const a = attemptColumns();
  const json = headerJson();
  const iso = isoOnce();
  for (const o of group) {
    d.push(o.deliveryId);
    s.push(o.status);
    r.push(storableTextOrNull(o.reason));
    n.push(o.attempts.length);
    // The worker names the funnel stage (skip reason, mapping error); null: from the status.
    g.push(o.stage ?? null);
    k.push(o.loadedAttempts);
    for (const x of o.attempts) a.push(o.deliveryId, x, json, iso);
  }
  return [d, s, r, n, g, k, ...a.columns(), token];
}

/** The same Date (a job's items share their start and end) is written as text once. */
function isoOnce(): (d: Date) => string {
  const seen = new Map<Date, string>();
  return (d) => {
    let text = seen.get(d);
    if (text === undefined) {
      text = d.toISOString();
      seen.set(d, text);
    }
    return text;
  };
}

/** The same headers object (a job's items share theirs) is serialised once. */
function headerJson(): (h: Record<string, string> | null) => string | null {
  const seen = new Map<Record<string, string>, string>();
  return (h) => {
    if (h === null) return null;
    let text = seen.get(h);
    if (text === undefined) {
      text = JSON.stringify(h);
      seen.set(h, text);
    }
    return text;
  };
}

function attemptColumns() {
  const cols = {
    delivery: [] as string[],
    attemptNumber: [] as number[],
    trigger: [] as string[],
    subscriptionId: [] as (string | null)[],
    action: [] as (string | null)[],
    startedAt: [] as string[],
    finishedAt: [] as string[],
    latencyMs: [] as (number | null)[],
    requestMethod: [] as (string | null)[],
    requestUrl: [] as (string | null)[],
    requestHeaders: [] as (string | null)[],
    requestBody: [] as unknown[],
    responseStatus: [] as (number | null)[],
    responseHeaders: [] as (string | null)[],
    responseBody: [] as (string | null)[],
    responseTruncated: [] as boolean[],
    errorClass: [] as (string | null)[],
    errorMessage: [] as (string | null)[],
    decision: [] as string[],
    retryAt: [] as (string | null)[],
    skipReason: [] as (string | null)[],
    batchJobId: [] as (string | null)[],
    batchIndex: [] as (number | null)[],
  };
  return {
    push(
      deliveryId: string,
      x: BatchAttemptRecord,
      json: (h: Record<string, string> | null) => string | null,
      iso: (d: Date) => string,
    ) {
      cols.delivery.push(deliveryId);
      cols.attemptNumber.push(x.attemptNumber);
      cols.trigger.push(x.trigger);
      cols.subscriptionId.push(storableTextOrNull(x.subscriptionId));
      cols.action.push(storableTextOrNull(x.action));
      cols.startedAt.push(iso(x.startedAt));
      cols.finishedAt.push(iso(x.finishedAt));
      cols.latencyMs.push(x.latencyMs);
      cols.requestMethod.push(x.requestMethod);
      cols.requestUrl.push(storableTextOrNull(x.requestUrl));
      cols.requestHeaders.push(json(x.requestHeaders));
      cols.requestBody.push(x.requestBody ?? null);
      cols.responseStatus.push(x.responseStatus);
      cols.responseHeaders.push(json(x.responseHeaders));
      cols.responseBody.push(storableTextOrNull(x.responseBody));
      cols.responseTruncated.push(x.responseTruncated);
      cols.errorClass.push(x.errorClass);
      cols.errorMessage.push(storableTextOrNull(x.errorMessage));
      cols.decision.push(x.decision);
      cols.retryAt.push(x.retryAt === null ? null : x.retryAt.toISOString());
      cols.skipReason.push(storableTextOrNull(x.skipReason));
      cols.batchJobId.push(x.batchJobId);
      cols.batchIndex.push(x.batchIndex);
    },
    /** In RECORD_SLICE's order ($7 … $29); the request bodies as one JSON array. */
    columns(): unknown[] {
      return Object.values({ ...cols, requestBody: JSON.stringify(cols.requestBody) });
    },
  };
}
