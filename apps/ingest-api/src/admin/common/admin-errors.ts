import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, catchError, of, throwError } from 'rxjs';
import { AppError } from '../../common/errors/app-error';

/** A 400 that carries the full list of problems found, rendered as `details`. */
export class AdminValidationError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly details: string[],
  ) {
    super(400, code, message);
    this.name = 'AdminValidationError';
  }
}

export const invalid = (code: string, message: string, details?: string[]) =>
  new AdminValidationError(code, message, details ?? [message]);

/**
 * Renders AdminValidationError in the shared error shape plus `details`
 * (`{success:false, code, message, details}`); the global filter has no slot for details on an
 * AppError. Every other error goes on to the global filter unchanged.
 */
@Injectable()
export class AdminErrorDetailsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (!(e instanceof AdminValidationError)) return throwError(() => e);
        void context.switchToHttp().getResponse<FastifyReply>().status(e.status);
        return of({ success: false, code: e.code, message: e.message, details: e.details });
      }),
    );
  }
}
