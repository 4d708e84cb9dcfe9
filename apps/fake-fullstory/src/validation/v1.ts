import { FULLSTORY_LIMITS } from '@fsd/fullstory-contracts';
import { NamingMode } from '../config';
import { invalidArgument, requiredField } from '../errors';
import { isIsoDate, isRecord, Notes, Validated } from './common';

const SUFFIXES = ['str', 'int', 'real', 'date', 'bool', 'strs', 'ints', 'reals', 'dates', 'bools'] as const;
type Suffix = (typeof SUFFIXES)[number];
const IDENT = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SYSTEM_FIELDS = new Set(['uid', 'displayName', 'email']);

function matchesSuffix(suffix: Suffix, value: unknown): boolean {
  const one = (s: string, v: unknown): boolean => {
    switch (s) {
      case 'str':
        return typeof v === 'string';
      case 'int':
        return typeof v === 'number' && Number.isInteger(v);
      case 'real':
        return typeof v === 'number';
      case 'bool':
        return typeof v === 'boolean';
      default:
        return isIsoDate(v);
    }
  };
  if (suffix.endsWith('s')) return Array.isArray(value) && value.every((v) => one(suffix.slice(0, -1), v));
  return value === null || one(suffix, value);
}

/** §4.1 naming rules on a v1 property map; nested objects without suffix are walked. */
export function checkV1Names(obj: Record<string, unknown>, where: string, notes: Notes, skipSystem: boolean): void {
  for (const [name, value] of Object.entries(obj)) {
    if (skipSystem && SYSTEM_FIELDS.has(name)) continue;
    if (name.length > FULLSTORY_LIMITS.v1VarNameMaxLength) {
      notes.add(`${where}: "${name.slice(0, 40)}…" is longer than 512 characters`);
      continue;
    }
    const at = name.lastIndexOf('_');
    const suffix = at > 0 ? name.slice(at + 1) : '';
    const ident = at > 0 ? name.slice(0, at) : name;
    if (suffix === 'obj' || suffix === 'objs') {
      notes.add(`${where}: "${name}" uses the unsupported suffix _${suffix}`);
      continue;
    }
    if (!SUFFIXES.includes(suffix as Suffix)) {
      if (isRecord(value)) {
        if (!IDENT.test(name)) notes.add(`${where}: "${name}" is not a valid name`);
        checkV1Names(value, `${where}.${name}`, notes, false);
      } else {
        notes.add(`${where}: "${name}" has no type suffix (_str, _int, _real, _date, _bool or a plural)`);
      }
      continue;
    }
    if (!IDENT.test(ident)) notes.add(`${where}: "${name}" is not a valid name`);
    if (!matchesSuffix(suffix as Suffix, value))
      notes.add(`${where}: value of "${name}" does not match suffix _${suffix}`);
  }
}

/** POST /users/v1/individual/{uid}/customvars body. */
export function validateCustomVars(body: unknown, mode: NamingMode): Validated<Record<string, unknown>> {
  if (!isRecord(body)) return { ok: false, error: invalidArgument('request body must be a JSON object') };
  const notes = new Notes(mode);
  for (const field of ['displayName', 'email']) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string') {
      notes.add(`customvars: ${field} should be a string`);
    }
  }
  checkV1Names(body, 'customvars', notes, true);
  const strict = notes.toError();
  if (strict) return { ok: false, error: strict };
  return { ok: true, value: body, notes: notes.list };
}

export interface V1Event {
  event_name: string;
  event_data: Record<string, unknown>;
  timestamp?: string;
  session_url?: string;
  use_recent_session?: boolean;
  device_session?: string;
}

/** POST /users/v1/individual/{uid}/customevent body `{"event": {...}}`. */
export function validateCustomEvent(body: unknown, mode: NamingMode): Validated<V1Event> {
  if (!isRecord(body)) return { ok: false, error: invalidArgument('request body must be a JSON object') };
  const event = body.event;
  if (event === undefined || event === null) return { ok: false, error: requiredField('event') };
  if (!isRecord(event)) return { ok: false, error: invalidArgument('event must be an object') };
  const name = event.event_name;
  if (name === undefined || name === null) return { ok: false, error: requiredField('event.event_name') };
  if (typeof name !== 'string' || name === '') {
    return { ok: false, error: invalidArgument('event.event_name must be a non-empty string') };
  }
  if (name.length > FULLSTORY_LIMITS.v1EventNameMaxLength) {
    return { ok: false, error: invalidArgument('event.event_name must be at most 250 characters') };
  }
  const data = event.event_data ?? {};
  if (!isRecord(data)) return { ok: false, error: invalidArgument('event.event_data must be an object') };
  const out: V1Event = { event_name: name, event_data: data };
  if (event.timestamp !== undefined && event.timestamp !== null) {
    if (!isIsoDate(event.timestamp)) {
      return { ok: false, error: invalidArgument('event.timestamp must be an ISO 8601 date-time') };
    }
    out.timestamp = event.timestamp as string;
  }
  const sessionFields = ['session_url', 'use_recent_session', 'device_session'].filter(
    (f) => event[f] !== undefined && event[f] !== null,
  );
  if (sessionFields.length > 1) {
    return {
      ok: false,
      error: invalidArgument('at most one of session_url, use_recent_session, device_session may be given'),
    };
  }
  if (typeof event.session_url === 'string') out.session_url = event.session_url;
  if (typeof event.device_session === 'string') out.device_session = event.device_session;
  if (event.use_recent_session !== undefined && event.use_recent_session !== null) {
    if (typeof event.use_recent_session !== 'boolean') {
      return { ok: false, error: invalidArgument('event.use_recent_session must be a boolean') };
    }
    out.use_recent_session = event.use_recent_session;
  }
  const notes = new Notes(mode);
  checkV1Names(data, 'event_data', notes, false);
  const strict = notes.toError();
  if (strict) return { ok: false, error: strict };
  return { ok: true, value: out, notes: notes.list };
}
