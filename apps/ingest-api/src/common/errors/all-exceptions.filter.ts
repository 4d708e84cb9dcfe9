import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorResponse } from './error-response';

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const res = toErrorResponse(exception, (id, e) =>
      this.logger.error(`Unhandled error ${id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
    void reply.status(res.status).headers(res.headers).send(res.body);
  }
}
