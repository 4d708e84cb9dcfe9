import type { DestinationSettings, HttpMethod, PreparedRequest } from '../types';

export const DEFAULT_BASE_URL = 'https://api.fullstory.com';

/** Base URL without trailing slashes. */
export function baseUrlOf(settings: DestinationSettings): string {
  const base = typeof settings.baseUrl === 'string' && settings.baseUrl !== '' ? settings.baseUrl : DEFAULT_BASE_URL;
  return base.replace(/\/+$/, '');
}

/** The exact header set of every request. */
export function headersFor(settings: DestinationSettings): Record<string, string> {
  return {
    Authorization: `Basic ${settings.apiKey}`,
    'Content-Type': 'application/json',
    'Integration-Source': 'segment',
  };
}

/**
 * Encodes a uid for a URL path/query like the reference's HTTP client:
 * encodeURIComponent, plus `'` → `%27` (legacy URL parsing escapes it).
 */
export function encodeUid(uid: string): string {
  return encodeURIComponent(uid).replace(/'/g, '%27');
}

/** Pre-computes the per-destination parts of a request. */
export interface RequestContext {
  base: string;
  headers: Record<string, string>;
}

export function requestContext(settings: DestinationSettings): RequestContext {
  return { base: baseUrlOf(settings), headers: headersFor(settings) };
}

/**
 * A uid as one path segment: encodeUid, and a whole-segment `.` or `..` as `%2E` / `%2E%2E`. The reference's
 * HTTP client leaves them plain and then resolves them as dot segments, so a uid of `..` turns
 * `/users/v1/individual/../customvars` into `/users/v1/customvars`: another endpoint, with the customer's key.
 * We send the uid itself instead (the FullStory client sends paths as they are, never re-parsed as a URL,
 * since WHATWG parsing would collapse `%2E%2E` too). docs/architecture.md names this deviation.
 */
export function encodePathSegment(uid: string): string {
  if (uid === '.') return '%2E';
  if (uid === '..') return '%2E%2E';
  return encodeUid(uid);
}

export function makeRequest(ctx: RequestContext, method: HttpMethod, path: string, body?: unknown): PreparedRequest {
  const req: PreparedRequest = { method, url: ctx.base + path, headers: { ...ctx.headers } };
  if (body !== undefined) req.body = body;
  return req;
}
