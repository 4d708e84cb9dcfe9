import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorResponse } from './error-response';

const logger = new Logger('Errors');

/** Answers an error through the one mapping (toErrorResponse); unknown errors are logged with their id. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const res = toErrorResponse(error, (id, e) =>
    logger.error(`Unhandled error ${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );
  return reply.status(res.status).headers(res.headers).send(res.body);
}
