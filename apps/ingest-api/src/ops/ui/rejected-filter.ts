import { RejectedEventsFilter } from '../../audit/rejected/rejected-events-reads.repository';
import { messageOf } from '../../core/errors/message-of';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The page's filter fields as the form sends them (every field a string, empty when unset). */
export interface RejectedPageQuery {
  sourceId?: string;
  code?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

function one(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}

/** A datetime-local value (no zone: read as UTC, as the form says) or a full ISO 8601 time, as ISO. */
function time(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(LOCAL_TIME.test(v) ? `${v}Z` : v);
  if (Number.isNaN(ms)) throw new Error(`"${name}" is not a date and time`);
  return new Date(ms).toISOString();
}

/**
 * The rejected-events page's query string as an API filter, or the reason it is not one (shown on the
 * page instead of a JSON error). Empty fields mean "any".
 */
export function pageFilter(query: unknown): { form: RejectedPageQuery; filter?: RejectedEventsFilter; error?: string } {
  const q = (query ?? {}) as Record<string, unknown>;
  const form: RejectedPageQuery = {
    sourceId: one(q.sourceId),
    code: one(q.code),
    from: one(q.from),
    to: one(q.to),
    cursor: one(q.cursor),
  };
  try {
    if (form.sourceId !== undefined && !UUID.test(form.sourceId)) throw new Error('"sourceId" is not a source id');
    if (form.code !== undefined && form.code.length > 100) throw new Error('"code" is longer than 100 characters');
    if (form.cursor !== undefined && form.cursor.length > 200) throw new Error('"cursor" is not a page cursor');
    return {
      form,
      filter: {
        sourceId: form.sourceId,
        code: form.code,
        from: time('from', form.from),
        to: time('to', form.to),
        cursor: form.cursor,
      },
    };
  } catch (e) {
    return { form, error: messageOf(e) };
  }
}
