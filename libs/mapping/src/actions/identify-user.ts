import { normalise } from '../normalise/normalise';
import type { PreparedRequest } from '../types';
import { setOwn, type Dict } from '../util/types';
import { encodePathSegment, makeRequest, type RequestContext } from './http';

/** identifyUser (v1): POST /users/v1/individual/{uid}/customvars?integration=segment, flat body (§3.2). */
export function buildIdentifyUser(payload: Dict, ctx: RequestContext): PreparedRequest {
  const body = normalise(payload.traits, { camelCase: true, typeSuffix: true });
  if (payload.anonymousId) setOwn(body, 'segmentAnonymousId_str', payload.anonymousId);
  if (payload.email !== undefined) setOwn(body, 'email', payload.email);
  if (payload.displayName !== undefined) setOwn(body, 'displayName', payload.displayName);
  const path = `/users/v1/individual/${encodePathSegment(String(payload.userId))}/customvars?integration=segment`;
  return makeRequest(ctx, 'POST', path, body);
}
