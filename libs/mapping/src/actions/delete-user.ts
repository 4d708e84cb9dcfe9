import { PayloadValidationError } from '../errors';
import type { DestinationSettings, PreparedRequest } from '../types';
import { encodeUid, makeRequest, requestContext } from './http';

function validateSettings(settings: DestinationSettings): void {
  if (!settings || typeof settings.apiKey !== 'string' || settings.apiKey === '') {
    throw new PayloadValidationError("The root value is missing the required field 'apiKey'.");
  }
}

/** onDelete (§6): DELETE <base>/v2/users?uid=<encoded>; no body. */
export function buildDeleteRequest(settings: DestinationSettings, userId: unknown): PreparedRequest {
  validateSettings(settings);
  if (!userId) throw new PayloadValidationError('User Id is required for user deletion.');
  return makeRequest(requestContext(settings), 'DELETE', `/v2/users?uid=${encodeUid(String(userId))}`);
}

export { validateSettings };
