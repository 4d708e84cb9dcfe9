import { normalise } from '../normalise/normalise';
import type { PreparedRequest } from '../types';
import { setOwn, type Dict } from '../util/types';
import { makeRequest, type RequestContext } from './http';

/** identifyUserV2: POST /v2/users (§3.3). */
export function buildIdentifyUserV2(payload: Dict, ctx: RequestContext): PreparedRequest {
  const body: Dict = {};
  if (payload.uid !== undefined) body.uid = payload.uid;
  if (payload.email !== undefined) body.email = payload.email;
  if (payload.displayName !== undefined) body.display_name = payload.displayName;
  const properties = normalise(payload.properties);
  if (payload.anonymousId) setOwn(properties, 'segmentAnonymousId', payload.anonymousId);
  body.properties = properties;
  return makeRequest(ctx, 'POST', '/v2/users', body);
}
