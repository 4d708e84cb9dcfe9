import { badRequest } from '../../core/errors/app-error';

/**
 * A position in the event log: (received_at, id). received_at travels as Postgres' own text form
 * (microseconds and offset included) so comparing against it is exact; a JavaScript Date would
 * drop the microseconds and skip or repeat rows at page boundaries.
 */
export interface LogPosition {
  receivedAt: string;
  id: string;
}

const PG_TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)$/;

export function encodeCursor(pos: LogPosition): string {
  return Buffer.from(JSON.stringify([pos.receivedAt, pos.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): LogPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      PG_TIMESTAMPTZ.test(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      /^\d{1,19}$/.test(parsed[1])
    ) {
      return { receivedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw badRequest('invalid_cursor', 'cursor is not a cursor returned by this API');
}
