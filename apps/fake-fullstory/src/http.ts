import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactHeaders } from './control/redact';
import { CapturedEntry } from './store/captured-requests';
import { FakeState } from './store/state';
import { standardError } from './errors';

/** Marks a body that was sent but is not valid JSON. */
export class InvalidJson {
  constructor(readonly raw: string) {}
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Captured-request entry of a FullStory API request (null for control requests). */
    capture: CapturedEntry | null;
    /** Set when the fake destroyed the connection on purpose. */
    dropped: boolean;
  }
}

export const CONTROL_PREFIX = '/__fake';

export function splitUrl(url: string): { path: string } {
  const q = url.indexOf('?');
  return { path: q === -1 ? url : url.slice(0, q) };
}

/**
 * Body parsing (JSON regardless of Content-Type; unparsable → InvalidJson) and request capture
 * (arrival order at onRequest, body at preHandler, status at onResponse). The control API narrows the
 * parsing to JSON in its own onRequest guard.
 */
export function installCapture(app: FastifyInstance, state: FakeState): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, raw, done) => {
    const text = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, new InvalidJson(text));
    }
  });
  app.decorateRequest('capture', null);
  app.decorateRequest('dropped', false);

  app.addHook('onRequest', (request, _reply, done) => {
    const { path } = splitUrl(request.url);
    if (path.startsWith(CONTROL_PREFIX)) return done();
    const now = state.now();
    const entry: CapturedEntry = {
      method: request.method,
      path,
      query: { ...(request.query as Record<string, string | string[]>) },
      // Never the credentials themselves: a test tool's memory is readable by anyone who reaches /__fake.
      headers: redactHeaders(request.headers),
      body: null,
      receivedAt: new Date(now).toISOString(),
      receivedAtMs: now,
      status: null,
      notes: [],
      seq: 0,
      rev: 0,
    };
    request.capture = entry;
    state.requests.add(entry);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = request.capture;
    if (entry !== null) {
      const body: unknown = request.body;
      entry.body = body === undefined || body instanceof InvalidJson ? null : body;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const entry = request.capture;
    if (entry !== null && !request.dropped) {
      entry.status = reply.statusCode;
      state.requests.touch(entry);
    }
    done();
  });
}

export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): FastifyReply {
  reply.code(status);
  if (headers !== undefined) reply.headers(headers);
  // Every API answer goes through here, so the inbox gets the response without an onSend hook or a copy.
  const entry = reply.request.capture;
  if (entry !== null) entry.response = { headers: headers ?? null, body };
  return reply.send(body);
}

/** Destroys the socket without answering (captured with status 0). */
export function dropConnection(state: FakeState, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.dropped = true;
  if (request.capture !== null) {
    request.capture.status = 0;
    state.requests.touch(request.capture);
  }
  reply.hijack();
  request.raw.socket?.destroy();
  return reply;
}

/** Error handler: fastify errors (body too large, bad URL...) in the v2 envelope. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    const base = standardError(status);
    const message = status >= 500 ? base.message : (error.message ?? base.message);
    void sendJson(reply, status, { message, code: base.code });
  });
  app.setNotFoundHandler((_request, reply) => {
    void sendJson(reply, 404, standardError(404));
  });
}
