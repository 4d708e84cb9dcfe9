import { normalise } from '../normalise/normalise';
import type { PreparedRequest } from '../types';
import type { Dict } from '../util/types';
import { ActionBuildError } from './action-error';
import { makeRequest, type RequestContext } from './http';
import { convertTimestamp } from './timestamp';

/** The session id: decodeURIComponent of the text after the last "/" of the session URL. */
export function sessionIdFromUrl(sessionUrl: string): string {
  const last = sessionUrl.slice(sessionUrl.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    throw new ActionBuildError(
      `Session URL contains a malformed percent-encoded sequence (URI malformed): ${sessionUrl}`,
    );
  }
}

/** trackEventV2: POST /v2/events (§3.4). */
export function buildTrackEventV2(payload: Dict, ctx: RequestContext): PreparedRequest {
  const body: Dict = { name: payload.name, properties: normalise(payload.properties) };
  if (payload.userId) body.user = { uid: payload.userId };
  const timestamp = convertTimestamp(payload.timestamp);
  if (timestamp !== undefined) body.timestamp = timestamp;
  let session: Dict | undefined;
  if (payload.sessionUrl) session = { id: sessionIdFromUrl(String(payload.sessionUrl)) };
  if (payload.useRecentSession) {
    if (session) session.use_most_recent = true;
    else session = { use_most_recent: true };
  }
  if (session) body.session = session;
  return makeRequest(ctx, 'POST', '/v2/events', body);
}
