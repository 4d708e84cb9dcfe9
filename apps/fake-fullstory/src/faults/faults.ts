import { pathMatches } from '../store/captured-requests';

export interface FaultSpec {
  /** `apiKey`: only requests authenticated with this key (Basic <key>), so one account can be slowed alone. */
  match: { method?: string; path?: string; apiKey?: string };
  /** Status answered instead of the normal answer (body: the v2 error envelope for that status, or `body`). */
  status?: number;
  /** Integer seconds sent as `Retry-After` with the fault status (429 defaults to 1). */
  retryAfter?: number;
  /** Delay before answering (then the normal answer, or `status` when given). */
  latencyMs?: number;
  /** Destroy the socket without answering. */
  dropConnection?: boolean;
  /** Apply to at most this many matching requests. */
  times?: number;
  /** Fraction 0..1 of matching requests, chosen deterministically (no randomness). */
  ratio?: number;
  /** Optional body to answer with `status` instead of the standard error envelope. */
  body?: unknown;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Matching requests seen so far. */
  seen: number;
  /** Requests the fault was applied to. */
  applied: number;
}

const EPSILON = 1e-9;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a fault body from the control API; returns the problems found. */
export function parseFaultSpec(input: unknown): { spec?: FaultSpec; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(input)) return { problems: ['body must be a JSON object'] };
  const match = input.match === undefined ? {} : input.match;
  const spec: FaultSpec = { match: {} };
  if (!isRecord(match)) problems.push('match must be an object {method?, path?, apiKey?}');
  else {
    if (match.method !== undefined) {
      if (typeof match.method !== 'string' || match.method === '') problems.push('match.method must be a string');
      else spec.match.method = match.method.toUpperCase();
    }
    if (match.path !== undefined) {
      if (typeof match.path !== 'string' || !match.path.startsWith('/')) problems.push('match.path must start with /');
      else spec.match.path = match.path;
    }
    if (match.apiKey !== undefined) {
      if (typeof match.apiKey !== 'string' || match.apiKey === '') problems.push('match.apiKey must be a string');
      else spec.match.apiKey = match.apiKey;
    }
  }
  const intField = (name: 'status' | 'retryAfter' | 'latencyMs' | 'times', min: number, max: number): void => {
    const v = input[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`${name} must be an integer between ${min} and ${max}`);
    } else spec[name] = v;
  };
  intField('status', 100, 599);
  intField('retryAfter', 0, 86_400);
  intField('latencyMs', 0, 600_000);
  intField('times', 1, Number.MAX_SAFE_INTEGER);
  if (input.dropConnection !== undefined) {
    if (typeof input.dropConnection !== 'boolean') problems.push('dropConnection must be a boolean');
    else spec.dropConnection = input.dropConnection;
  }
  if (input.ratio !== undefined) {
    if (typeof input.ratio !== 'number' || !(input.ratio >= 0 && input.ratio <= 1)) {
      problems.push('ratio must be a number between 0 and 1');
    } else spec.ratio = input.ratio;
  }
  if (input.body !== undefined) spec.body = input.body;
  if (spec.status === undefined && spec.latencyMs === undefined && !spec.dropConnection) {
    problems.push('a fault needs at least one of status, latencyMs, dropConnection');
  }
  return problems.length > 0 ? { problems } : { spec, problems };
}

/** Injected failures, checked in creation order; the first fault that applies wins. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private counter = 0;

  add(spec: FaultSpec): Fault {
    this.counter++;
    const fault: Fault = { ...spec, id: `fault-${this.counter}`, seen: 0, applied: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  get size(): number {
    return this.faults.length;
  }

  /**
   * The fault to apply to this request, if any. Each matching, not exhausted fault counts the request;
   * with `ratio` r the n-th matching request (from 0) is hit when floor((n+1)·r) > floor(n·r).
   */
  pick(method: string, path: string, apiKey?: string): Fault | undefined {
    if (this.faults.length === 0) return undefined;
    for (const fault of this.faults) {
      if (fault.match.method !== undefined && fault.match.method !== method) continue;
      if (fault.match.apiKey !== undefined && fault.match.apiKey !== apiKey) continue;
      if (fault.match.path !== undefined && !pathMatches(fault.match.path, path)) continue;
      if (fault.times !== undefined && fault.applied >= fault.times) continue;
      const n = fault.seen++;
      if (fault.ratio !== undefined) {
        const r = fault.ratio;
        if (Math.floor((n + 1) * r + EPSILON) <= Math.floor(n * r + EPSILON)) continue;
      }
      fault.applied++;
      return fault;
    }
    return undefined;
  }

  clear(): void {
    this.faults = [];
  }

  reset(): void {
    this.faults = [];
    this.counter = 0;
  }
}
