import { Role } from '../config';
import { KeyRecord } from '../store/keys';
import { FakeState } from '../store/state';

export type Method = 'GET' | 'POST' | 'DELETE';

/** What a handler answers (success or error alike). */
export interface Result {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HandlerContext {
  state: FakeState;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
  key: KeyRecord;
  /** Validation notes recorded with the captured request (lenient mode). */
  notes: string[];
}

export interface RouteDef {
  method: Method;
  url: string;
  /** Minimum key role; 'any' = any valid key. */
  minRole: Role | 'any';
  /** Honours `Idempotency-Key`. */
  idempotent?: boolean;
  /** Also served under /v2beta. */
  v2?: boolean;
  handler: (ctx: HandlerContext) => Result;
}

export const ok = (body: unknown = {}): Result => ({ status: 200, body });

export function firstQuery(query: HandlerContext['query'], name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

export function boolQuery(query: HandlerContext['query'], name: string): boolean {
  const v = firstQuery(query, name);
  return v === 'true' || v === '1';
}

/** Offset-based page token ("" or absent = first page). */
export function paginate<T>(items: T[], token: string | undefined, pageSize: number): { page: T[]; next?: string } {
  const start = token !== undefined && /^\d+$/.test(token) ? Number(token) : 0;
  const page = items.slice(start, start + pageSize);
  const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
  return next === undefined ? { page } : { page, next };
}
