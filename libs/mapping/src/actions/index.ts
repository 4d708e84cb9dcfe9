import type { ActionId, PreparedRequest } from '../types';
import type { Dict } from '../util/types';
import type { RequestContext } from './http';
import { buildIdentifyUser } from './identify-user';
import { buildIdentifyUserV2 } from './identify-user-v2';
import { buildTrackEvent } from './track-event';
import { buildTrackEventV2 } from './track-event-v2';

export type RequestBuilder = (payload: Dict, ctx: RequestContext) => PreparedRequest;

export const REQUEST_BUILDERS: Readonly<Record<ActionId, RequestBuilder>> = {
  trackEvent: buildTrackEvent,
  identifyUser: buildIdentifyUser,
  trackEventV2: buildTrackEventV2,
  identifyUserV2: buildIdentifyUserV2,
};

export { ActionBuildError } from './action-error';
export { buildDeleteRequest } from './delete-user';
export { buildTestConnectionRequest, testConnectionFailure } from './test-connection';
export { DEFAULT_BASE_URL, encodeUid } from './http';
