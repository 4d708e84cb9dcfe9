export interface StoredResult {
  status: number;
  body: unknown;
}

interface IdempotencyRecord {
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
 * `Idempotency-Key` records: the first non-retryable result is stored and replayed; 429/5xx are not stored;
 * a different request with a stored key is a mismatch; a key whose first request is still running is in flight.
 */
export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  constructor(private readonly now: () => number) {}

  begin(key: string, fingerprint: string, ttlMs: number): IdempotencyDecision {
    const now = this.now();
    const existing = this.records.get(key);
    if (existing !== undefined && existing.expiresMs > now) {
      if (existing.fingerprint !== fingerprint) return { kind: existing.inFlight ? 'in_flight' : 'mismatch' };
      if (existing.inFlight) return { kind: 'in_flight' };
      if (existing.result !== undefined) return { kind: 'replay', result: existing.result };
    }
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

  clear(): void {
    this.records.clear();
  }
}
