import { V2Error } from '@fsd/fullstory-contracts';

/** A non-2xx answer in FullStory's v2 envelope. */
export interface ApiError {
  status: number;
  body: V2Error;
  headers?: Record<string, string>;
}

const STANDARD: Record<number, V2Error> = {
  400: { message: 'Invalid argument', code: 'invalid_argument' },
  401: { message: 'access is unauthorized', code: 'unauthorized' },
  403: { message: 'insufficient permissions', code: 'forbidden' },
  404: { message: 'Requested resource does not exist', code: 'resource_not_found' },
  409: { message: 'A request with the same Idempotency-Key is still being processed', code: 'conflict' },
  413: { message: 'Request body is too large', code: 'payload_too_large' },
  429: {
    code: 'too_many_requests',
    message: 'Too many requests. Client has exceeded the rate limit for this endpoint.',
  },
  500: { message: 'Server error was encountered', code: 'server_error' },
};

/** The standard error body for a status (5xx → server_error, other 4xx → invalid_argument). */
export function standardError(status: number): V2Error {
  const known = STANDARD[status];
  if (known !== undefined) return { ...known };
  if (status >= 500) return { ...STANDARD[500] };
  return { message: `Request failed with status ${status}`, code: 'invalid_argument' };
}

export const apiError = (status: number, code?: string, message?: string): ApiError => {
  const base = standardError(status);
  return { status, body: { message: message ?? base.message, code: code ?? base.code } };
};

export const requiredField = (field: string): ApiError => apiError(400, 'required_field', `${field} is required`);
export const invalidArgument = (message: string): ApiError => apiError(400, 'invalid_argument', message);
export const notFound = (message?: string): ApiError => apiError(404, 'resource_not_found', message);
