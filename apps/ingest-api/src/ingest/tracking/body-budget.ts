import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { overloaded } from '../../core/errors/app-error';
import { RAW_LIMIT } from '../../core/http/json-body-parser';
import { IngestMetrics } from '../../ops/metrics/ingest-metrics.service';
import { rateLimitedWarnings } from '../../core/errors/rate-limited-warnings';

/**
 * What a request's body may hold in memory, in bytes, from its headers alone (before it is read): what arrives
 * (its declared length, or the most the parser reads when it declares none), plus, for gzip, what that may inflate
 * to (at most the route's limit, `routeLimit`). The objects a body parses into take a few times its bytes more.
 */
export function bodyCharge(
  headers: { 'content-length'?: string; 'content-encoding'?: string | string[] },
  routeLimit: number,
): number {
  const declared = headers['content-length'];
  const length = declared !== undefined && /^\d{1,10}$/.test(declared) ? Number(declared) : RAW_LIMIT;
  const raw = Math.min(length, RAW_LIMIT);
  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  return encoding === 'identity' ? raw : raw + routeLimit;
}

/**
 * The tracking API's memory limit: the bodies its requests may hold at once (INGEST_MAX_BODY_BYTES_IN_FLIGHT).
 * Each request is charged when its headers arrive and pays back when its answer is done (or its connection
 * drops); one that does not fit is answered 503 `overloaded` with Retry-After before its body is read. Per
 * route, and not the rate limit's job: a source's rate limit is checked only once its body has been read.
 */
@Injectable()
export class BodyBudget {
  private readonly logger = new Logger(BodyBudget.name);
  private readonly refusals = rateLimitedWarnings(this.logger);
  private held = 0;
  private refusedCount = 0;
  readonly limitBytes: number;

  constructor(
    @Inject(INGEST_CONFIG) config: Pick<IngestConfig, 'maxBodyBytesInFlight'>,
    @Inject(IngestMetrics) metrics: Pick<IngestMetrics, 'watchBodyBudget'>,
  ) {
    this.limitBytes = config.maxBodyBytesInFlight;
    metrics.watchBodyBudget(this);
  }

  /** Bytes of bodies held now. */
  get bytesHeld(): number {
    return this.held;
  }

  /** Requests refused so far. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Takes `bytes` from the budget, unless they do not fit. */
  tryTake(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  giveBack(bytes: number): void {
    this.held -= bytes;
  }

  /** A Fastify onRequest hook for a route whose body may decode to `routeLimit` bytes. */
  admit(routeLimit: number): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
    return async (req, reply) => {
      const bytes = bodyCharge(req.headers, routeLimit);
      if (!this.tryTake(bytes)) {
        this.refusedCount++;
        this.refusals.warn(
          'request bodies',
          `refused a request (503 overloaded): ${this.held} bytes held, the limit is ${this.limitBytes} (INGEST_MAX_BODY_BYTES_IN_FLIGHT)`,
        );
        throw overloaded();
      }
      reply.raw.once('close', () => this.giveBack(bytes));
    };
  }
}
