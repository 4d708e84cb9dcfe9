import { HttpException } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { AppError } from './app-error';
import { messageOf } from './message-of';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 400, code: 'payload_too_large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type' },
};

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function snake(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}

/**
 * The single place where errors become HTTP responses. Unknown errors are 500 with an id that is
 * also logged, so a caller can report it without ever seeing internals.
 */
export function toErrorResponse(error: unknown, log: (id: string, error: unknown) => void): ErrorResponse {
  if (error instanceof AppError) {
    const body: Record<string, unknown> = { success: false, code: error.code, message: error.message };
    if (error.errors) body.errors = error.errors;
    if (error.details) body.details = error.details;
    if (error.fields) Object.assign(body, error.fields);
    return { status: error.status, headers: error.headers, body };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    let message = error.message;
    let details: unknown;
    if (typeof response === 'object' && response !== null) {
      const m = (response as { message?: unknown }).message;
      if (Array.isArray(m)) {
        details = m;
        message = m.join('; ');
      } else if (typeof m === 'string') message = m;
    }
    if (status === 413) {
      return {
        status: 400,
        headers: {},
        body: { success: false, code: 'payload_too_large', message: 'The request body is too large' },
      };
    }
    const code = STATUS_CODES[status] ?? snake(error.name.replace(/Exception$/, ''));
    if (status === 415) message = 'Content-Type must be application/json';
    const body: Record<string, unknown> = { success: false, code, message };
    if (details) body.details = details;
    // Health checks carry which dependency is down.
    if (typeof response === 'object' && response !== null && 'details' in response) {
      body.details = (response as { details: unknown }).details;
    }
    return { status, headers: {}, body };
  }
  const fastifyCode = (error as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const mapped = FASTIFY_CODES[fastifyCode];
    const message =
      mapped.code === 'unsupported_media_type'
        ? 'Content-Type must be application/json'
        : mapped.code === 'payload_too_large'
          ? 'The request body is too large'
          : messageOf(error);
    return { status: mapped.status, headers: {}, body: { success: false, code: mapped.code, message } };
  }
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      status: statusCode,
      headers: {},
      body: { success: false, code: 'invalid_request', message: messageOf(error) },
    };
  }
  const errorId = randomUUID();
  log(errorId, error);
  return {
    status: 500,
    headers: {},
    body: { success: false, code: 'internal_error', message: `Internal error (id ${errorId})`, errorId },
  };
}
