import { FastifyReply, FastifyRequest } from 'fastify';
import { sendJson } from '../http';
import { CapturedEntry } from '../store/captured-requests';
import { FakeState } from '../store/state';
import { InboxQuery, matchesFilter, summarize } from './filter';

/** Rows a new stream or poll replays at most (the page keeps about this many). */
export const BACKLOG_LIMIT = 200;
/** Open streams at most: each holds a listener called on every captured request. */
export const MAX_STREAMS = 16;
/** A stream whose reader lags this far behind is closed; the browser reconnects from its Last-Event-ID. */
export const MAX_BUFFERED_BYTES = 1 << 20;
const HEARTBEAT_MS = 15_000;

/** One server-sent event (`data` is one JSON line, so it never needs splitting). */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The cursor: the larger of `after` and a numeric Last-Event-ID (sent by a reconnecting EventSource). */
export function resumeFrom(after: number, lastEventId: string | string[] | undefined): number {
  const id = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  return id !== undefined && /^\d{1,15}$/.test(id) ? Math.max(after, Number(id)) : after;
}

/**
 * `GET /__fake/stream`: the matching backlog after the cursor, then every change (arrival, completion) of a
 * matching captured request as a `request` event whose id is its change number; `cleared` when the captured
 * requests are cleared (reset), or first when the cursor predates a restart of the fake.
 */
export function openStream(state: FakeState, request: FastifyRequest, reply: FastifyReply, q: InboxQuery): void {
  const requests = state.requests;
  if (requests.subscribers >= MAX_STREAMS) {
    void sendJson(reply, 503, { message: `at most ${MAX_STREAMS} inbox streams at once`, code: 'unavailable' });
    return;
  }
  const cursor = resumeFrom(q.after, request.headers['last-event-id']);
  // A cursor ahead of this process comes from before a restart: the page's rows are gone, start over.
  const stale = cursor > requests.latestRev;
  const after = stale ? 0 : cursor;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const backlog = requests.changedAfter(after, (e) => matchesFilter(e, q.filter), BACKLOG_LIMIT);
  let out = 'retry: 2000\n\n' + (stale ? sseFrame('cleared', {}) : '');
  for (const e of backlog) out += sseFrame('request', summarize(e), e.rev);
  out += sseFrame('ready', { rev: requests.latestRev, backlog: backlog.length });
  raw.write(out);

  let unsubscribe = (): void => undefined;
  const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    if (!raw.writableEnded) raw.end();
  };
  const send = (frame: string): void => {
    raw.write(frame);
    if (raw.writableLength > MAX_BUFFERED_BYTES) stop();
  };
  unsubscribe = requests.subscribe({
    changed(e: CapturedEntry): void {
      if (matchesFilter(e, q.filter)) send(sseFrame('request', summarize(e), e.rev));
      // Only a `pending` filter can stop matching a row the page already shows (its status changed).
      else if (q.filter.status === 'pending' && e.status !== null) send(sseFrame('gone', { seq: e.seq }, e.rev));
    },
    cleared: () => send(sseFrame('cleared', {})),
  });
  raw.on('close', stop);
  raw.on('error', stop);
}
