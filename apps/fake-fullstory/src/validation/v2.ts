import {
  CreateEventRequest,
  CreateUserRequest,
  EventContext,
  FULLSTORY_LIMITS,
  PropertySchema,
  PropertyType,
} from '@fsd/fullstory-contracts';
import { NamingMode } from '../config';
import { ApiError, invalidArgument, requiredField } from '../errors';
import { isIsoDate, isRecord, Notes, optionalString, Validated } from './common';

const PROPERTY_TYPES: readonly PropertyType[] = [
  'str',
  'strs',
  'int',
  'ints',
  'real',
  'reals',
  'bool',
  'bools',
  'date',
  'dates',
];
const NAME_RULE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** v2 property rules (§4.2): limits → 400; name rules and arrays of objects → lenient note / strict 400. */
export function checkProperties(props: unknown, field: string, notes: Notes): ApiError | undefined {
  if (props === undefined || props === null) return undefined;
  if (!isRecord(props)) return invalidArgument(`${field} must be an object`);
  let count = 0;
  const walk = (obj: Record<string, unknown>, prefix: string): ApiError | undefined => {
    for (const [name, value] of Object.entries(obj)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      if (path.length > FULLSTORY_LIMITS.propertyNameMaxLength) {
        return invalidArgument(`${field}: property name "${path.slice(0, 40)}…" is longer than 511 characters`);
      }
      if (!NAME_RULE.test(name)) notes.add(`${field}: property name "${path}" should match [A-Za-z][A-Za-z0-9_]*`);
      if (isRecord(value)) {
        const err = walk(value, path);
        if (err) return err;
        continue;
      }
      count++;
      if (count > FULLSTORY_LIMITS.maxProperties) {
        return invalidArgument(`${field}: more than ${FULLSTORY_LIMITS.maxProperties} properties`);
      }
      if (Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null)) {
        notes.add(`${field}: "${path}" is an array of objects, which FullStory does not support`);
      }
      const size =
        typeof value === 'string' ? Buffer.byteLength(value) : Buffer.byteLength(JSON.stringify(value) ?? '');
      if (size > FULLSTORY_LIMITS.propertyValueMaxBytes) {
        return invalidArgument(`${field}: value of "${path}" is larger than 8192 bytes`);
      }
    }
    return undefined;
  };
  return walk(props, '');
}

function checkSchema(schema: unknown): { value?: PropertySchema; error?: ApiError } {
  if (schema === undefined || schema === null) return {};
  if (!isRecord(schema)) return { error: invalidArgument('schema must be an object') };
  const props = schema.properties;
  if (props === undefined) return { value: {} };
  if (!isRecord(props)) return { error: invalidArgument('schema.properties must be an object') };
  for (const [path, type] of Object.entries(props)) {
    if (typeof type !== 'string' || !PROPERTY_TYPES.includes(type as PropertyType)) {
      return { error: invalidArgument(`schema.properties.${path}: unknown type ${JSON.stringify(type)}`) };
    }
  }
  return { value: { properties: props as Record<string, PropertyType> } };
}

/** Body of POST /v2/users, POST /v2/users/{id} and each batch user request. */
export function validateCreateUser(body: unknown, mode: NamingMode): Validated<CreateUserRequest> {
  if (!isRecord(body)) return { ok: false, error: invalidArgument('request body must be a JSON object') };
  const notes = new Notes(mode);
  const out: CreateUserRequest = {};
  const uid = optionalString(body, 'uid', FULLSTORY_LIMITS.uidMaxLength);
  if (uid.error) return { ok: false, error: uid.error };
  if (uid.value !== undefined && uid.value !== '') out.uid = uid.value;
  const name = optionalString(body, 'display_name', FULLSTORY_LIMITS.displayNameMaxLength);
  if (name.error) return { ok: false, error: name.error };
  if (name.value !== undefined) out.display_name = name.value;
  const email = optionalString(body, 'email', FULLSTORY_LIMITS.emailMaxLength);
  if (email.error) return { ok: false, error: email.error };
  if (email.value !== undefined) out.email = email.value;
  const propError = checkProperties(body.properties, 'properties', notes);
  if (propError) return { ok: false, error: propError };
  if (isRecord(body.properties)) out.properties = body.properties;
  const schema = checkSchema(body.schema);
  if (schema.error) return { ok: false, error: schema.error };
  if (schema.value !== undefined) out.schema = schema.value;
  const strict = notes.toError();
  if (strict) return { ok: false, error: strict };
  return { ok: true, value: out, notes: notes.list };
}

function checkContext(context: unknown, field: string): ApiError | undefined {
  if (context === undefined || context === null) return undefined;
  if (!isRecord(context)) return invalidArgument(`${field} must be an object`);
  for (const part of ['browser', 'mobile', 'device', 'location']) {
    const v = context[part];
    if (v !== undefined && v !== null && !isRecord(v)) return invalidArgument(`${field}.${part} must be an object`);
  }
  const device = context.device;
  if (isRecord(device)) {
    for (const dim of ['screen_width', 'screen_height', 'viewport_width', 'viewport_height']) {
      const v = device[dim];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1)) {
        return invalidArgument(`${field}.device.${dim} must be an int32`);
      }
    }
  }
  return undefined;
}

export interface EventRules {
  mode: NamingMode;
  enforceSessionUserExclusive: boolean;
}

/** Body of POST /v2/events and each batch event request (§3.11). */
export function validateCreateEvent(body: unknown, rules: EventRules): Validated<CreateEventRequest> {
  if (!isRecord(body)) return { ok: false, error: invalidArgument('request body must be a JSON object') };
  const notes = new Notes(rules.mode);
  const fail = (error: ApiError): Validated<CreateEventRequest> => ({ ok: false, error });
  if (body.name === undefined || body.name === null) return fail(requiredField('name'));
  if (typeof body.name !== 'string') return fail(invalidArgument('name must be a string'));
  if (body.name === '') return fail(invalidArgument('invalid event: events must have a non-empty name'));
  const out: CreateEventRequest = { name: body.name };

  if (body.timestamp !== undefined && body.timestamp !== null) {
    if (!isIsoDate(body.timestamp)) return fail(invalidArgument('timestamp must be an ISO 8601 date-time'));
    out.timestamp = body.timestamp as string;
  }
  const propError = checkProperties(body.properties, 'properties', notes);
  if (propError) return fail(propError);
  if (isRecord(body.properties)) out.properties = body.properties;
  const schema = checkSchema(body.schema);
  if (schema.error) return fail(schema.error);
  if (schema.value !== undefined) out.schema = schema.value;

  if (body.user !== undefined && body.user !== null) {
    if (!isRecord(body.user)) return fail(invalidArgument('user must be an object'));
    const uid = optionalString(body.user, 'uid', FULLSTORY_LIMITS.uidMaxLength, 'user.uid');
    if (uid.error) return fail(uid.error);
    const id = optionalString(body.user, 'id', 256, 'user.id');
    if (id.error) return fail(id.error);
    out.user = {};
    if (uid.value !== undefined) out.user.uid = uid.value;
    if (id.value !== undefined) out.user.id = id.value;
  }
  if (body.session !== undefined && body.session !== null) {
    const s = body.session;
    if (!isRecord(s)) return fail(invalidArgument('session must be an object'));
    out.session = {};
    if (s.id !== undefined) {
      if (typeof s.id !== 'string' || s.id === '')
        return fail(invalidArgument('session.id must be a non-empty string'));
      out.session.id = s.id;
    }
    if (s.use_most_recent !== undefined) {
      if (typeof s.use_most_recent !== 'boolean')
        return fail(invalidArgument('session.use_most_recent must be a boolean'));
      out.session.use_most_recent = s.use_most_recent;
    }
    const suid = optionalString(s, 'uid', FULLSTORY_LIMITS.uidMaxLength, 'session.uid');
    if (suid.error) return fail(suid.error);
    if (suid.value !== undefined) out.session.uid = suid.value;
  }
  if (rules.enforceSessionUserExclusive && out.session?.id !== undefined && out.user !== undefined) {
    return fail(invalidArgument('session.id identifies the session: user must not be given together with session.id'));
  }
  if (out.session?.use_most_recent === true) {
    const ids = [out.user?.id, out.user?.uid].filter((v) => v !== undefined).length;
    if (ids !== 1) return fail(invalidArgument('session.use_most_recent requires exactly one of user.id or user.uid'));
  }
  const contextError = checkContext(body.context, 'context');
  if (contextError) return fail(contextError);
  if (isRecord(body.context)) out.context = body.context as EventContext;
  const strict = notes.toError();
  if (strict) return fail(strict);
  return { ok: true, value: out, notes: notes.list };
}
