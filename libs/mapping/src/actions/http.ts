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
 * Resolves `.` and `..` path segments as the reference's HTTP client does (it parses every URL
 * with WHATWG URL rules): a uid of `..` turns `/users/v1/individual/../customevent` into
 * `/users/v1/customevent`. Only the path is touched, never the query; a `..` never climbs above `/`.
 * encodeURIComponent leaves `.` unescaped and escapes `%`, so plain dots are the only dot segments a
 * uid can make.
 */
export function resolveDotSegments(path: string): string {
  if (!path.includes('/.')) return path;
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  if (!/(^|\/)\.\.?(\/|$)/.test(pathname)) return path;
  const segments = pathname.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (seg === '.' || seg === '..') {
      if (seg === '..' && out.length > 1) out.pop();
      // A trailing dot segment leaves the path ending in "/".
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  return out.join('/') + (q < 0 ? '' : path.slice(q));
}

export function makeRequest(ctx: RequestContext, method: HttpMethod, path: string, body?: unknown): PreparedRequest {
  const req: PreparedRequest = { method, url: ctx.base + resolveDotSegments(path), headers: { ...ctx.headers } };
  if (body !== undefined) req.body = body;
  return req;
}
