import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { bodyAsSent } from '../../core/http/json-body-parser';

/** One field of the request's JSON body exactly as sent (see bodyAsSent); undefined if the body has no such field. */
export function bodyFieldAsSent(field: string, req: object): unknown {
  const body = bodyAsSent(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, field)) return undefined;
  return (body as Record<string, unknown>)[field];
}

/**
 * A body field as sent, for event data on an admin route: the route's DTO still validates the body
 * (`@Body()`), while this parameter, a custom one, is left alone by the validation pipe.
 */
export const BodyFieldAsSent = createParamDecorator((field: string, ctx: ExecutionContext): unknown =>
  bodyFieldAsSent(field, ctx.switchToHttp().getRequest<object>()),
);
