import { redactCredentialHeaders } from '@fsd/platform';
import type { FullStoryResponse } from '@fsd/fullstory-contracts';
import type { PreparedRequest } from '@fsd/mapping';

export const MAX_AUDIT_BODY_BYTES = 64 * 1024;

export function truncateBody(body: string): { text: string; truncated: boolean } {
  if (Buffer.byteLength(body, 'utf8') <= MAX_AUDIT_BODY_BYTES) return { text: body, truncated: false };
  const cut = Buffer.from(body, 'utf8').subarray(0, MAX_AUDIT_BODY_BYTES).toString('utf8');
  return { text: cut, truncated: true };
}

export function requestColumns(request: PreparedRequest, idempotencyKey?: string) {
  const headers = redactCredentialHeaders(request.headers);
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  return {
    requestMethod: request.method,
    requestUrl: request.url,
    requestHeaders: headers,
    requestBody: request.body === undefined ? null : request.body,
  };
}

export function responseColumns(response: FullStoryResponse) {
  const { text, truncated } = truncateBody(response.body);
  return {
    responseStatus: response.status,
    responseHeaders: response.headers,
    responseBody: text,
    responseTruncated: truncated,
    latencyMs: Math.round(response.latencyMs),
  };
}
