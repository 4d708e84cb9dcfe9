import { CapturedEntry } from '../store/captured-requests';

/**
 * The inbox's filters (`/__fake/inbox`, `/__fake/stream`), as pure functions of a captured request so they are
 * tested table-driven and applied the same way to the backlog and to live changes.
 */
export interface InboxFilter {
  /** `METHOD /route` exactly as listed by `/__fake/inbox/endpoints` (e.g. `POST /v2/users/:id`). */
  endpoint?: string;
  /** Part of a uid or FullStory user id the request concerns (case-sensitive). */
  user?: string;
  /** `200`, `4xx`, `dropped` (connection dropped) or `pending` (not answered yet). */
  status?: string;
  /** Hex SHA-256 of the API key, as in the redacted Authorization header. */
  keyHash?: string;
}

export interface InboxQuery {
  filter: InboxFilter;
  /** Only changes after this change number (`rev`). */
  after: number;
}

const STATUS_PATTERN = /^(?:[1-5](?:\d\d|xx)|dropped|pending)$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

function one(v: unknown): string | undefined {
  const s = Array.isArray(v) ? (v as unknown[])[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}

/** Reads the query string of an inbox call; empty values mean "any". */
export function parseInboxQuery(query: Record<string, unknown>): { value?: InboxQuery; problems: string[] } {
  const problems: string[] = [];
  const filter: InboxFilter = {};
  const endpoint = one(query.endpoint);
  if (endpoint !== undefined) filter.endpoint = endpoint;
  const user = one(query.user);
  if (user !== undefined) filter.user = user;
  const status = one(query.status)?.toLowerCase();
  if (status !== undefined) {
    if (STATUS_PATTERN.test(status)) filter.status = status;
    else problems.push('status must be a status (404), a class (4xx), dropped or pending');
  }
  const keyHash = one(query.keyHash)?.toLowerCase();
  if (keyHash !== undefined) {
    if (HASH_PATTERN.test(keyHash)) filter.keyHash = keyHash;
    else problems.push('keyHash must be 64 hex digits (SHA-256 of the key)');
  }
  const afterText = one(query.after);
  let after = 0;
  if (afterText !== undefined) {
    if (/^\d{1,15}$/.test(afterText)) after = Number(afterText);
    else problems.push('after must be a change number (integer >= 0)');
  }
  return problems.length > 0 ? { problems } : { value: { filter, after }, problems };
}

/** `POST /v2/users/:id`; the raw path when no route answered (404). */
export function endpointOf(e: Pick<CapturedEntry, 'method' | 'path' | 'route'>): string {
  return `${e.method} ${e.route ?? e.path}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Batch requests can hold 50,000 users; the inbox looks at the first ones only. */
const MAX_BATCH_USERS = 100;

/** The uids / FullStory user ids a request concerns: path, query `uid`, body `uid`, `user.uid`, batch items. */
export function usersOf(e: Pick<CapturedEntry, 'path' | 'query' | 'body'>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v !== '' && !out.includes(v)) out.push(v);
  };
  const v1 = /^\/users\/v1\/individual\/([^/]+)/.exec(e.path);
  if (v1) add(decoded(v1[1]));
  const v2 = /^\/v2(?:beta)?\/users\/([^/]+)$/.exec(e.path);
  if (v2 && v2[1] !== 'batch') add(decoded(v2[1]));
  const q = e.query.uid;
  add(Array.isArray(q) ? q[0] : q);
  const body = e.body;
  if (isRecord(body)) {
    add(body.uid);
    if (isRecord(body.user)) {
      add(body.user.uid);
      add(body.user.id);
    }
    if (Array.isArray(body.requests)) {
      for (const item of body.requests.slice(0, MAX_BATCH_USERS)) {
        if (!isRecord(item)) continue;
        add(item.uid);
        if (isRecord(item.user)) add(item.user.uid);
      }
    }
  }
  return out;
}

/** The key hash of the redacted `Authorization: Basic <redacted sha256:HEX>`, or null without one. */
export function keyHashOf(e: Pick<CapturedEntry, 'headers'>): string | null {
  const auth = e.headers.authorization;
  const value = Array.isArray(auth) ? auth[0] : auth;
  const match = value === undefined ? null : /sha256:([0-9a-f]{64})>/.exec(value);
  return match ? match[1] : null;
}

export function statusMatches(pattern: string, status: number | null): boolean {
  if (pattern === 'pending') return status === null;
  if (pattern === 'dropped') return status === 0;
  if (status === null || status === 0) return false;
  if (pattern.endsWith('xx')) return Math.floor(status / 100) === Number(pattern[0]);
  return status === Number(pattern);
}

export function matchesFilter(e: CapturedEntry, f: InboxFilter): boolean {
  if (f.endpoint !== undefined && endpointOf(e) !== f.endpoint) return false;
  if (f.status !== undefined && !statusMatches(f.status, e.status)) return false;
  if (f.keyHash !== undefined && keyHashOf(e) !== f.keyHash) return false;
  const user = f.user;
  if (user !== undefined && !usersOf(e).some((u) => u.includes(user))) return false;
  return true;
}

/** One row of the inbox list. */
export interface InboxSummary {
  seq: number;
  rev: number;
  receivedAt: string;
  method: string;
  path: string;
  endpoint: string;
  status: number | null;
  users: string[];
  keyHash: string | null;
  notes: number;
}

export function summarize(e: CapturedEntry): InboxSummary {
  return {
    seq: e.seq,
    rev: e.rev,
    receivedAt: e.receivedAt,
    method: e.method,
    path: e.path,
    endpoint: endpointOf(e),
    status: e.status,
    users: usersOf(e),
    keyHash: keyHashOf(e),
    notes: e.notes.length,
  };
}
