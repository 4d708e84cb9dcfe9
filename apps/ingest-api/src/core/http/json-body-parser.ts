import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUtf8 } from 'buffer';
import { gunzipSync } from 'zlib';
import { AppError, badRequest } from '../errors/app-error';
import { messageOf } from '../errors/message-of';

export const SINGLE_CALL_LIMIT = 32 * 1024;
export const BATCH_LIMIT = 500 * 1024;
export const ADMIN_LIMIT = 1024 * 1024;
/** Compressed bodies are bounded too, before we spend memory inflating them. */
export const RAW_LIMIT = 2 * 1024 * 1024;

/**
 * The limit of the route the router matched (its pattern, after percent-decoding), never of the raw URL:
 * `POST /%761/batch` is the batch route and gets the batch limit, not the admin one. No match (a 404 to come)
 * gets the smallest.
 */
export function limitFor(routeUrl: string | undefined): { bytes: number; what: string } {
  if (routeUrl === '/v1/batch' || routeUrl === '/v1/import') return { bytes: BATCH_LIMIT, what: 'a batch request' };
  if (routeUrl === undefined || routeUrl.startsWith('/v1/')) return { bytes: SINGLE_CALL_LIMIT, what: 'a single call' };
  return { bytes: ADMIN_LIMIT, what: 'this request' };
}

/** JSON.parse reviver-free guard: own "__proto__" keys are kept as data by JSON.parse, never as prototypes. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest('invalid_json', `The body is not valid JSON: ${messageOf(e)}`);
  }
}

/** Deeper than any real event; deeper nesting is an attack on whoever walks it later. */
export const MAX_JSON_DEPTH = 64;

/**
 * Rejects what JSON.parse accepts but nothing downstream should: nesting deeper than MAX_JSON_DEPTH,
 * and numbers that overflowed to Infinity (they would silently become null). Iterative: no stack
 * overflow on hostile input. The walk builds no paths (it runs on every request); only a body that
 * fails is walked again to say where.
 */
export function assertSaneJson(value: unknown): void {
  if (findInsanity(value, false) === null) return;
  const { path, reason } = findInsanity(value, true) as Insanity;
  if (reason === 'depth') {
    throw badRequest('invalid_json', `The body is nested deeper than ${MAX_JSON_DEPTH} levels (at ${path})`);
  }
  throw badRequest('invalid_json', `The number at ${path} is out of range`);
}

interface Insanity {
  /** `$`-rooted, e.g. `$.properties.items[2]`; empty unless asked for. */
  path: string;
  reason: 'depth' | 'number';
}

function findInsanity(root: unknown, withPaths: boolean): Insanity | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: root, depth: 0, path: withPaths ? '$' : '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, reason: 'number' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, reason: 'depth' };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        stack.push({ v: v[i], depth: depth + 1, path: withPaths ? `${path}[${i}]` : '' });
      }
    } else {
      for (const k of Object.keys(v)) {
        stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, path: withPaths ? `${path}.${k}` : '' });
      }
    }
  }
  return null;
}

export function decodeBody(req: FastifyRequest, raw: Buffer): unknown {
  const { bytes, what } = limitFor(req.routeOptions?.url);
  let body = raw;
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'gzip') {
    try {
      body = gunzipSync(raw, { maxOutputLength: bytes + 1 });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /larger than|maxOutputLength/i.test(String(e))) {
        throw badRequest(
          'payload_too_large',
          `The decompressed body is larger than ${bytes} bytes, the limit for ${what}`,
        );
      }
      throw badRequest('invalid_body', 'The body is not valid gzip data');
    }
  } else if (encoding !== 'identity') {
    throw new AppError(
      415,
      'unsupported_media_type',
      `Content-Encoding "${encoding}" is not supported; use gzip or none`,
    );
  }
  if (body.length > bytes) {
    throw badRequest('payload_too_large', `The body is ${body.length} bytes; the limit for ${what} is ${bytes} bytes`);
  }
  if (body.length === 0) throw badRequest('invalid_json', 'The body is empty; send one JSON object');
  // Invalid UTF-8 is a client error, not silently replaced characters.
  if (!isUtf8(body)) throw badRequest('invalid_json', 'The body is not valid UTF-8');
  // A leading byte-order mark is allowed and skipped, as a TextDecoder would.
  const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  const text = body.toString('utf8', bom);
  const parsed = parseJson(text);
  assertSaneJson(parsed);
  // Admin routes only (the tracking API never needs it): kept for bodyAsSent while the request lives.
  if (bytes === ADMIN_LIMIT) decodedTexts.set(req, text);
  return parsed;
}

/** The decoded JSON text of each admin request's body (after gzip and the byte-order mark). */
const decodedTexts = new WeakMap<object, string>();

/**
 * An admin request's JSON body parsed again from its text, so nothing that ran since has touched it:
 * the admin routes' validation pipe (Nest's ValidationPipe) deletes every `__proto__`, `constructor` and
 * `prototype` key of the body in place, at any depth, and event data carries such keys as data
 * (mapping-and-triggers.md §2). Undefined when the request had no JSON body.
 */
export function bodyAsSent(req: object): unknown {
  const text = decodedTexts.get(req);
  return text === undefined ? undefined : JSON.parse(text);
}

/** Replaces fastify's JSON parser: gzip, per-route size limits, strict UTF-8, and our error codes. */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit: RAW_LIMIT },
    (req, raw, done) => {
      try {
        done(null, decodeBody(req, raw as Buffer));
      } catch (e) {
        done(e as Error, undefined);
      }
    },
  );
}
