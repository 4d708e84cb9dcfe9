import { NamingMode } from '../config';
import { ApiError, invalidArgument } from '../errors';

export type Validated<T> = { ok: true; value: T; notes: string[] } | { ok: false; error: ApiError };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects rule violations that are [unk] in FullStory's docs: noted in lenient mode, 400 in strict mode. */
export class Notes {
  readonly list: string[] = [];
  constructor(readonly mode: NamingMode) {}
  add(note: string): void {
    this.list.push(note);
  }
  /** In strict mode the first note becomes a 400 invalid_argument. */
  toError(): ApiError | undefined {
    return this.mode === 'strict' && this.list.length > 0 ? invalidArgument(this.list[0]) : undefined;
  }
}

export function isIsoDate(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
    !Number.isNaN(Date.parse(v))
  );
}

export function optionalString(
  obj: Record<string, unknown>,
  field: string,
  maxLength: number,
  label = field,
): { value?: string; error?: ApiError } {
  const v = obj[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'string') return { error: invalidArgument(`${label} must be a string`) };
  if (v.length > maxLength) return { error: invalidArgument(`${label} must be at most ${maxLength} characters`) };
  return { value: v };
}
