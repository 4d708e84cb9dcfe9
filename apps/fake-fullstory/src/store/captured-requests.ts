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

export interface CapturedEntry extends CapturedRequest {
  receivedAtMs: number;
}

export class CapturedRequests {
  private readonly list: BoundedList<CapturedEntry>;

  constructor(capacity: number) {
    this.list = new BoundedList(capacity);
  }

  add(entry: CapturedEntry): void {
    this.list.push(entry);
  }

  get dropped(): number {
    return this.list.dropped;
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

  clear(): void {
    this.list.clear();
  }
}

/** Exact path, or a prefix when the pattern ends in `*`. */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}
