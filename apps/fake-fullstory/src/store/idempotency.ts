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
 * Bounded: at most `capacity` keys, kept in two generations of half of it each. When the newer one is full, the
 * older is dropped whole (its unexpired keys counted in `evicted`) and the newer takes its place, so the most
 * recent half of the capacity is always remembered. Two Maps rather than one trimmed from its oldest end: a Map
 * keeps deleted slots until it rehashes, and finding the oldest live key past them cost ~55 µs per request at
 * 100,000 keys.
 */
export class IdempotencyStore {
  private current = new Map<string, IdempotencyRecord>();
  private previous = new Map<string, IdempotencyRecord>();
  private readonly generationSize: number;
  private evictedCount = 0;

  constructor(
    private readonly now: () => number,
    capacity: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  begin(key: string, fingerprint: string, ttlMs: number): IdempotencyDecision {
    const now = this.now();
    const existing = this.get(key);
    if (existing !== undefined && existing.expiresMs > now) {
      if (existing.fingerprint !== fingerprint) return { kind: existing.inFlight ? 'in_flight' : 'mismatch' };
      if (existing.inFlight) return { kind: 'in_flight' };
      if (existing.result !== undefined) return { kind: 'replay', result: existing.result };
    }
    this.delete(key);
    if (this.current.size >= this.generationSize) this.turn(now);
    this.current.set(key, { fingerprint, inFlight: true, expiresMs: now + ttlMs });
    return { kind: 'proceed' };
  }

  finish(key: string, result: StoredResult): void {
    const record = this.get(key);
    if (record === undefined) return;
    if (result.status === 429 || result.status >= 500) {
      this.delete(key);
      return;
    }
    record.inFlight = false;
    record.result = result;
  }

  /** Forgets a key whose request ended without a storable result. */
  abandon(key: string): void {
    if (this.get(key)?.inFlight) this.delete(key);
  }

  /** Records held, expired ones included until their generation is dropped. */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** Unexpired keys forgotten because the store was full. */
  get evicted(): number {
    return this.evictedCount;
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }

  private get(key: string): IdempotencyRecord | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  private delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  private turn(now: number): void {
    for (const record of this.previous.values()) if (record.expiresMs > now) this.evictedCount++;
    this.previous = this.current;
    this.current = new Map();
  }
}
