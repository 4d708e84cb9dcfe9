import { BoundedList } from './bounded-list';

/** One request as the fake received it (`GET /__fake/requests`). */
export interface CapturedRequest {
  method: string;
  /** Path without the query string, as received (still URL-encoded). */
  path: string;
  query: Record<string, string | string[]>;
  /** Header names lower-cased, values as received. */
  headers: Record<string, string | string[]>;
  /** Parsed JSON body, or null when absent or unparsable. */
  body: unknown;
  receivedAt: string;
  /** Status answered; 0 when the connection was dropped; null while still in progress. */
  status: number | null;
  /** Validation notes recorded in lenient mode (e.g. a v1 property without a type suffix). */
  notes: string[];
}

/** The answer the fake sent, kept for the inbox (`/__fake/inbox/{seq}`): references only, no copy on the hot path. */
export interface CapturedResponse {
  /** Headers the fake set besides Content-Type (application/json); null when none. */
  headers: Record<string, string> | null;
  /** The body object as sent (serialized as JSON). */
  body: unknown;
}

export interface CapturedEntry extends CapturedRequest {
  receivedAtMs: number;
  /** Arrival number, from 1; stable id of the entry. Assigned by `add` (0 before). */
  seq: number;
  /** Change number: bumped on arrival and on completion; the cursor of `/__fake/inbox?after=` and the stream. */
  rev: number;
  /** Route pattern that answered (`/v2/users/:id`), undefined when no route matched (or before its handler). */
  route?: string;
  response?: CapturedResponse;
}

/** Told about every change (arrival, completion) of a captured request, and when they are all cleared. */
export interface CaptureListener {
  changed(entry: CapturedEntry): void;
  cleared(): void;
}

export class CapturedRequests {
  private readonly list: BoundedList<CapturedEntry>;
  private readonly listeners = new Set<CaptureListener>();
  private seqCounter = 0;
  private revCounter = 0;

  constructor(capacity: number) {
    this.list = new BoundedList(capacity);
  }

  add(entry: CapturedEntry): void {
    entry.seq = ++this.seqCounter;
    this.list.push(entry);
    this.touch(entry);
  }

  /** Records a change of `entry` (its status or response) and tells the listeners. */
  touch(entry: CapturedEntry): void {
    entry.rev = ++this.revCounter;
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) listener.changed(entry);
  }

  /** Adds a listener; returns the function removing it. */
  subscribe(listener: CaptureListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** The latest change number (0 before any request). */
  get latestRev(): number {
    return this.revCounter;
  }

  get dropped(): number {
    return this.list.dropped;
  }

  /** The newest `limit` entries changed after `afterRev` that `keep` accepts, in change order. */
  changedAfter(afterRev: number, keep: (e: CapturedEntry) => boolean, limit: number): CapturedEntry[] {
    const out = this.list.toArray().filter((e) => e.rev > afterRev && keep(e));
    out.sort((a, b) => a.rev - b.rev);
    return out.length > limit ? out.slice(out.length - limit) : out;
  }

  bySeq(seq: number): CapturedEntry | undefined {
    return this.list.toArray().find((e) => e.seq === seq);
  }

  query(filter: { sinceMs?: number; method?: string; path?: string }): CapturedRequest[] {
    const out: CapturedRequest[] = [];
    for (const e of this.list.toArray()) {
      if (filter.sinceMs !== undefined && e.receivedAtMs < filter.sinceMs) continue;
      if (filter.method !== undefined && e.method !== filter.method) continue;
      if (filter.path !== undefined && !pathMatches(filter.path, e.path)) continue;
      out.push({
        method: e.method,
        path: e.path,
        query: e.query,
        headers: e.headers,
        body: e.body,
        receivedAt: e.receivedAt,
        status: e.status,
        notes: e.notes,
      });
    }
    return out;
  }

  /** Clears the entries; seq and rev keep counting so a live page's cursor stays valid. */
  clear(): void {
    this.list.clear();
    for (const listener of this.listeners) listener.cleared();
  }
}

/** Exact path, or a prefix when the pattern ends in `*`. */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}
