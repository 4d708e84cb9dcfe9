import { hash } from 'crypto';

export interface StoredResult {
  status: number;
  body: unknown;
}

interface IdempotencyRecord {
  /** A digest of the request (requestFingerprint): a record never holds the body itself. */
  fingerprint: string;
  inFlight: boolean;
  result?: StoredResult;
  expiresMs: number;
}

export type IdempotencyDecision =
  { kind: 'proceed' } | { kind: 'replay'; result: StoredResult } | { kind: 'mismatch' } | { kind: 'in_flight' };

/** JSON with object keys sorted, so two bodies with the same content compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What a key's first request is compared with: a SHA-256 of its method, path and canonical body. A digest, not the
 * text: a record held for a day must not keep a body of up to the body limit (an unparsable one is kept raw).
 */
export function requestFingerprint(text: string): string {
  return hash('sha256', text, 'base64');
}

/**
 * `Idempotency-Key` records: the first non-retryable result is stored and replayed; 429/5xx are not stored;
 * a different request with a stored key is a mismatch; a key whose first request is still running is in flight.
 *
 * Bounded: at most `capacity` keys. Expired records are dropped oldest first as new keys come; past the capacity
 * the oldest key is forgotten (counted in `evicted`), so a long or hostile run cannot grow the fake without limit.
 * The Map's order is the keys' order of (re)recording: a key recorded again moves to the end.
 */
export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private evictedCount = 0;

  constructor(
    private readonly now: () => number,
    private readonly capacity: number,
  ) {}

  begin(key: string, fingerprint: string, ttlMs: number): IdempotencyDecision {
    const now = this.now();
    const existing = this.records.get(key);
    if (existing !== undefined && existing.expiresMs > now) {
      if (existing.fingerprint !== fingerprint) return { kind: existing.inFlight ? 'in_flight' : 'mismatch' };
      if (existing.inFlight) return { kind: 'in_flight' };
      if (existing.result !== undefined) return { kind: 'replay', result: existing.result };
    }
    this.records.delete(key);
    this.dropExpired(now);
    this.makeRoom();
    this.records.set(key, { fingerprint, inFlight: true, expiresMs: now + ttlMs });
    return { kind: 'proceed' };
  }

  finish(key: string, result: StoredResult): void {
    const record = this.records.get(key);
    if (record === undefined) return;
    if (result.status === 429 || result.status >= 500) {
      this.records.delete(key);
      return;
    }
    record.inFlight = false;
    record.result = result;
  }

  /** Forgets a key whose request ended without a storable result. */
  abandon(key: string): void {
    const record = this.records.get(key);
    if (record?.inFlight) this.records.delete(key);
  }

  get size(): number {
    return this.records.size;
  }

  /** Keys forgotten before their time because the store was full. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** From the oldest, while expired (a TTL changed at run time can leave a later expiry ahead of an earlier one). */
  private dropExpired(now: number): void {
    for (const [key, record] of this.records) {
      if (record.expiresMs > now) return;
      this.records.delete(key);
    }
  }

  private makeRoom(): void {
    for (const key of this.records.keys()) {
      if (this.records.size < this.capacity) return;
      this.records.delete(key);
      this.evictedCount++;
    }
  }

  clear(): void {
    this.records.clear();
  }
}
