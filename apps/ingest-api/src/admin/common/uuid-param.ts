import { Param, ParseUUIDPipe } from '@nestjs/common';
import { badRequest } from '../../core/errors/app-error';

/** A route parameter that must be a UUID: 400 naming the parameter otherwise. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => badRequest('invalid_request', `${name} must be a UUID`) }));
