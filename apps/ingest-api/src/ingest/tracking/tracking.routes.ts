import { Injectable } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCallType, isPlainObject } from '@fsd/segment-spec';
import { notFound } from '../../core/errors/app-error';
import { sendError } from '../../core/errors/send-error';
import { BATCH_LIMIT, SINGLE_CALL_LIMIT } from '../../core/http/json-body-parser';
import { BodyBudget } from './body-budget';
import { SourceRateLimiter } from './source-rate-limiter';
import { TrackingService } from './tracking.service';
import { AuthenticatedSource, WriteKeyService } from './write-key.service';

export const BATCH_PATHS = ['/v1/batch', '/v1/import'] as const;
export const SINGLE_CALL_PATH = '/v1/:type';

/**
 * The Segment HTTP Tracking API: /v1/{identify,track,page,screen,group,alias,batch,import}.
 * Registered straight on Fastify rather than as a Nest controller: this is the hottest path in the
 * system, and Nest's per-request pipeline (parameter decorators, pipes, interceptor and exception
 * zones) cost about 6% of ingest CPU per single call. Errors still go through the one mapping.
 */
@Injectable()
export class TrackingRoutes {
  constructor(
    private readonly tracking: TrackingService,
    private readonly writeKeys: WriteKeyService,
    private readonly rateLimiter: SourceRateLimiter,
    private readonly bodies: BodyBudget,
  ) {}

  /** Call before the app listens, after the hooks that must see these routes (metrics) are added. */
  register(fastify: FastifyInstance): void {
    // Per route, so body-parser errors of these routes are mapped the same way as handler errors.
    const errorHandler = (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => sendError(reply, error);
    // Admitted by the memory their bodies may hold before those are read (BodyBudget).
    const batchOptions = { errorHandler, onRequest: this.bodies.admit(BATCH_LIMIT) };
    for (const path of BATCH_PATHS) fastify.post(path, batchOptions, (req) => this.batch(req));
    fastify.post(SINGLE_CALL_PATH, { errorHandler, onRequest: this.bodies.admit(SINGLE_CALL_LIMIT) }, (req) =>
      this.single(req),
    );
  }

  private async batch(req: FastifyRequest) {
    const body: unknown = req.body;
    const source = await this.authenticate(req, body);
    const items = isPlainObject(body) && Array.isArray(body.batch) ? body.batch.length : 1;
    this.rateLimiter.check(source, items);
    const result = await this.tracking.batch(source, body, req.ip);
    return { success: true, accepted: result.accepted, rejected: result.rejected };
  }

  private async single(req: FastifyRequest) {
    const type = (req.params as { type: string }).type;
    if (!isCallType(type)) throw notFound(`No route for POST /v1/${type}`);
    const body: unknown = req.body;
    const source = await this.authenticate(req, body);
    this.rateLimiter.check(source, 1);
    await this.tracking.single(source, type, body, req.ip);
    return { success: true };
  }

  /** The write key from HTTP Basic, or else from the body's `writeKey`. */
  private authenticate(req: FastifyRequest, body: unknown): Promise<AuthenticatedSource> {
    return this.writeKeys.authenticate(
      WriteKeyService.extract(req.headers.authorization, isPlainObject(body) ? body.writeKey : undefined),
    );
  }
}
