import { hash } from 'crypto';
import { FastifyInstance, FastifyReply } from 'fastify';
import { parseInboxQuery, InboxQuery, matchesFilter, summarize } from '../inbox/filter';
import { BACKLOG_LIMIT, openStream } from '../inbox/stream';
import { sendJson } from '../http';
import { CapturedEntry } from '../store/captured-requests';
import { FakeState } from '../store/state';
import { isRecord } from '../validation/common';
import { INBOX_CSS, INBOX_HTML, INBOX_ICON, INBOX_JS } from '../ui/assets';

/** Only this origin's files: no inline script or style, no framing, no form posts elsewhere. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function sendAsset(reply: FastifyReply, contentType: string, text: string): FastifyReply {
  return reply
    .code(200)
    .headers({
      'content-type': contentType,
      'content-security-policy': UI_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    .send(text);
}

/** Longest response body the detail shows as JSON (batch listings can be large); longer ones are cut text. */
export const RESPONSE_BODY_LIMIT = 16_384;

/** The response body for display: as sent, or its first RESPONSE_BODY_LIMIT characters of JSON. */
export function displayedBody(body: unknown): { body: unknown; truncated: boolean } {
  const text = JSON.stringify(body) ?? '';
  return text.length <= RESPONSE_BODY_LIMIT
    ? { body, truncated: false }
    : { body: text.slice(0, RESPONSE_BODY_LIMIT), truncated: true };
}

/** Request and response of one captured request, side by side in the page. */
export function inboxDetail(e: CapturedEntry): unknown {
  return {
    ...summarize(e),
    request: { method: e.method, path: e.path, query: e.query, headers: e.headers, body: e.body, notes: e.notes },
    response:
      e.response === undefined
        ? null
        : {
            status: e.status,
            headers: { 'content-type': 'application/json; charset=utf-8', ...e.response.headers },
            ...displayedBody(e.response.body),
          },
  };
}

/** The QA inbox: the page under /__fake/ui and the JSON it reads (behind the control API's guard). */
export function registerInboxRoutes(app: FastifyInstance, state: FakeState, endpoints: string[]): void {
  const withQuery = (query: unknown, reply: FastifyReply, run: (q: InboxQuery) => unknown): unknown => {
    const { value, problems } = parseInboxQuery(query as Record<string, unknown>);
    if (value === undefined) return sendJson(reply, 400, { message: problems.join('; '), code: 'invalid_argument' });
    return run(value);
  };

  app.get('/__fake/ui', async (_req, reply) => sendAsset(reply, 'text/html; charset=utf-8', INBOX_HTML));
  app.get('/__fake/ui/inbox.js', async (_req, reply) => sendAsset(reply, 'text/javascript; charset=utf-8', INBOX_JS));
  app.get('/__fake/ui/inbox.css', async (_req, reply) => sendAsset(reply, 'text/css; charset=utf-8', INBOX_CSS));
  app.get('/__fake/ui/icon.svg', async (_req, reply) => sendAsset(reply, 'image/svg+xml', INBOX_ICON));

  app.get('/__fake/inbox', async (request, reply) =>
    withQuery(request.query, reply, (q) => {
      const rows = state.requests.changedAfter(q.after, (e) => matchesFilter(e, q.filter), BACKLOG_LIMIT);
      return sendJson(reply, 200, { rev: state.requests.latestRev, requests: rows.map(summarize) });
    }),
  );

  app.get('/__fake/inbox/endpoints', async (_req, reply) => sendJson(reply, 200, endpoints));

  app.get('/__fake/inbox/:seq', async (request, reply) => {
    const seq = (request.params as { seq: string }).seq;
    const entry = /^\d{1,15}$/.test(seq) ? state.requests.bySeq(Number(seq)) : undefined;
    if (entry === undefined) {
      return sendJson(reply, 404, {
        message: `no captured request ${seq} (cleared or dropped by the cap?)`,
        code: 'resource_not_found',
      });
    }
    return sendJson(reply, 200, inboxDetail(entry));
  });

  app.get('/__fake/stream', (request, reply) => {
    withQuery(request.query, reply, (q) => openStream(state, request, reply, q));
  });

  // For pages outside a secure context (no SubtleCrypto): the key is hashed and forgotten, never stored or logged.
  app.post('/__fake/ui/key-hash', async (request, reply) => {
    const body: unknown = request.body;
    if (!isRecord(body) || typeof body.key !== 'string' || body.key.trim() === '') {
      return sendJson(reply, 400, { message: 'body must be {key}', code: 'invalid_argument' });
    }
    return sendJson(reply, 200, { keyHash: hash('sha256', body.key.trim(), 'hex') });
  });
}
