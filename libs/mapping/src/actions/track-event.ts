import { normalise } from '../normalise/normalise';
import type { PreparedRequest } from '../types';
import type { Dict } from '../util/types';
import { encodePathSegment, makeRequest, type RequestContext } from './http';
import { convertTimestamp } from './timestamp';

/** trackEvent (v1): POST /users/v1/individual/{uid}/customevent?integration=segment (§3.1). */
export function buildTrackEvent(payload: Dict, ctx: RequestContext): PreparedRequest {
  const event: Dict = {
    event_name: payload.name,
    event_data: normalise(payload.properties, { typeSuffix: true }),
  };
  const timestamp = convertTimestamp(payload.timestamp);
  if (timestamp !== undefined) event.timestamp = timestamp;
  if (payload.useRecentSession) event.use_recent_session = true;
  if (payload.sessionUrl) event.session_url = payload.sessionUrl;
  const path = `/users/v1/individual/${encodePathSegment(String(payload.userId))}/customevent?integration=segment`;
  return makeRequest(ctx, 'POST', path, { event });
}
