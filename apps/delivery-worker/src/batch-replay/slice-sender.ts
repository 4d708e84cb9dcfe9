import { Injectable, Logger } from '@nestjs/common';
import {
  BatchAccount,
  BatchCallError,
  BatchJobClient,
  BatchKind,
  DestinationDispatchers,
  FullStoryClient,
  FullStoryResponse,
  batchIdempotencyKey,
  batchPath,
  classifyError,
  classifyResponse,
} from '@fsd/fullstory-contracts';
import type { AttemptErrorClass } from '@fsd/platform';
import type { LoadedDestination } from '../destinations/destination-cache.service';
import { attemptRow } from '@fsd/delivery-data';
import { redactCredentialHeaders } from '@fsd/platform';
import { requestColumns, responseColumns } from '../delivery/attempt-recorder';
import { BatchReplayStore, JobKey } from '../data/batch-replay.repository';
import { itemOutcomes } from './item-outcomes';
import type { ItemAttempt } from './slice-outcomes';
import type { SliceItem } from './slice-plan';

export interface RoundContext {
  replayId: string;
  slice: string;
  round: number;
  /** The last round: a transient failure now ends the item failed instead of retrying it. */
  last: boolean;
  destination: LoadedDestination;
}

/** One round's rows and the items to send again in the next round. */
export interface RoundResult {
  attempts: ItemAttempt[];
  retry: SliceItem[];
}

/**
 * Sends a slice's items for one round: a batch job per chunk (followed to its end: status, then per-item errors)
 * and each single request on its own, with one audit row per item naming the job and the item's index.
 */
@Injectable()
export class SliceSender {
  private readonly logger = new Logger(SliceSender.name);

  constructor(
    private readonly batch: BatchJobClient,
    private readonly client: FullStoryClient,
    private readonly dispatchers: DestinationDispatchers,
    private readonly store: BatchReplayStore,
  ) {}

  async runJob(ctx: RoundContext, kind: BatchKind, chunk: SliceItem[], chunkNo: number): Promise<RoundResult> {
    const key: JobKey = { replayId: ctx.replayId, slice: ctx.slice, round: ctx.round, kind, chunk: chunkNo };
    const idempotencyKey = batchIdempotencyKey(key);
    const account: BatchAccount = {
      account: ctx.destination.id,
      baseUrl: ctx.destination.baseUrl,
      // The mapper's headers (Authorization, Integration-Source): the same as the live requests'.
      headers: chunk[0].request.headers,
      dispatcher: this.dispatchers.for(ctx.destination.id),
      timeoutMs: ctx.destination.settings.timeoutMs,
    };
    const requests = chunk.map((i) => i.request.body);
    const url = `${ctx.destination.baseUrl.replace(/\/+$/, '')}${batchPath(kind)}`;
    const headers = { ...redactCredentialHeaders(account.headers), 'Idempotency-Key': idempotencyKey };
    const startedAt = new Date();
    // Every item of the job ends when the job does: one end time (and one latency) for all its rows.
    let endedAt = startedAt;
    const row = (item: SliceItem, index: number, fields: Parameters<typeof attemptRow>[3], jobId: string | null) => ({
      item,
      record: {
        ...attemptRow({ attemptNumber: item.attemptNumber + ctx.round, trigger: 'replay' }, startedAt, endedAt, {
          subscriptionId: item.subscriptionId,
          action: item.action,
          requestMethod: 'POST',
          requestUrl: url,
          requestHeaders: headers,
          requestBody: item.request.body ?? null,
          latencyMs: endedAt.getTime() - startedAt.getTime(),
          ...fields,
        }),
        batchJobId: jobId,
        batchIndex: jobId === null ? null : index,
      },
    });
    const result: RoundResult = { attempts: [], retry: [] };
    let run;
    try {
      run = await this.batch.run<{ code?: unknown; message?: unknown; user?: unknown; event?: unknown }>(
        account,
        kind,
        { requests },
        idempotencyKey,
        (job) => this.store.jobCreated(key, job.id, job.status, chunk.length),
      );
      endedAt = new Date();
    } catch (e) {
      endedAt = new Date();
      // The job could not be created or followed: every item is retried in the next round, or fails at the last.
      const transient = e instanceof BatchCallError ? e.transient : classifyError(e).outcome === 'retry';
      const errorClass = callErrorClass(e);
      const message = (e as Error).message;
      this.logger.warn(`replay ${ctx.replayId} slice ${ctx.slice}: ${kind} job failed: ${message}`);
      await this.store.jobCreated(key, null, 'NOT_CREATED', chunk.length).catch(() => undefined);
      await this.store.jobFinished(key, 'NOT_CREATED', 0, chunk.length, message);
      const retry = transient && !ctx.last;
      chunk.forEach((item, i) => {
        result.attempts.push(
          row(
            item,
            i,
            {
              errorClass,
              errorMessage: message,
              decision: retry ? 'retry_scheduled' : 'failed_permanently',
            },
            null,
          ),
        );
        if (retry) result.retry.push(item);
      });
      return result;
    }
    const { outcomes, unmatched } = itemOutcomes(requests, run.errors);
    if (unmatched.length > 0) {
      this.logger.warn(`replay ${ctx.replayId}: job ${run.job.id} reported ${unmatched.length} errors naming no item`);
    }
    const created = responseColumns(run.created);
    // The same text for every imported item (written once, not once per item).
    const importedBody = JSON.stringify({ job: run.job, imported: true });
    chunk.forEach((item, i) => {
      const o = outcomes[i];
      const response = {
        responseStatus: created.responseStatus,
        responseHeaders: created.responseHeaders,
        responseBody: o.imported ? importedBody : JSON.stringify({ job: run.job, error: o }),
      };
      if (o.imported) {
        result.attempts.push(row(item, i, { ...response, decision: 'delivered' }, run.job.id));
        return;
      }
      const retry = o.transient && !ctx.last;
      result.attempts.push(
        row(
          item,
          i,
          {
            ...response,
            errorClass: o.transient ? 'http_5xx' : 'http_4xx',
            errorMessage: `${o.code}: ${o.message}`,
            decision: retry ? 'retry_scheduled' : 'failed_permanently',
          },
          run.job.id,
        ),
      );
      if (retry) result.retry.push(item);
    });
    const failed = outcomes.filter((o) => !o.imported).length;
    await this.store.jobFinished(key, run.job.status, chunk.length - failed, failed, null);
    return result;
  }

  /** A request FullStory's batch import does not take (a v1 action): sent on its own, as live delivery does. */
  async sendSingle(ctx: RoundContext, item: SliceItem): Promise<RoundResult> {
    const startedAt = new Date();
    let response: FullStoryResponse | undefined;
    let classification;
    try {
      response = await this.client.send(item.request, {
        ...(item.idempotencyKey === undefined ? {} : { idempotencyKey: item.idempotencyKey }),
        timeoutMs: ctx.destination.settings.timeoutMs,
        dispatcher: this.dispatchers.for(ctx.destination.id),
      });
      classification = classifyResponse(response, { url: item.request.url });
    } catch (e) {
      classification = classifyError(e);
    }
    const retry = classification.outcome === 'retry' && !ctx.last;
    const decision =
      classification.outcome === 'success' ? 'delivered' : retry ? 'retry_scheduled' : 'failed_permanently';
    const record = {
      ...attemptRow({ attemptNumber: item.attemptNumber + ctx.round, trigger: 'replay' }, startedAt, new Date(), {
        subscriptionId: item.subscriptionId,
        action: item.action,
        ...requestColumns(item.request, item.idempotencyKey),
        ...(response ? responseColumns(response) : {}),
        errorClass: classification.errorClass ?? null,
        errorMessage: classification.reason ?? null,
        decision,
      }),
      batchJobId: null,
      batchIndex: null,
    };
    return { attempts: [{ item, record }], retry: retry ? [item] : [] };
  }
}

/** The audit's error class of a batch call that failed: from its HTTP status, or a network failure without one. */
function callErrorClass(e: unknown): AttemptErrorClass {
  if (!(e instanceof BatchCallError)) return classifyError(e).errorClass ?? 'network';
  if (e.status === null) return /timed out/.test(e.message) ? 'timeout' : 'network';
  if (e.status === 429) return 'rate_limited';
  return e.status >= 500 ? 'http_5xx' : 'http_4xx';
}
