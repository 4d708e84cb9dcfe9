import type { DestinationSettings, PreparedRequest } from '../types';
import { validateSettings } from './delete-user';
import { makeRequest, requestContext } from './http';

/** testAuthentication (§2): GET <base>/me; any 2xx = valid. */
export function buildTestConnectionRequest(settings: DestinationSettings): PreparedRequest {
  validateSettings(settings);
  return makeRequest(requestContext(settings), 'GET', '/me');
}

/** Message for a failed test connection, e.g. `Credentials are invalid: 401 Unauthorized`. */
export function testConnectionFailure(status: number, statusText: string): string {
  return `Credentials are invalid: ${status} ${statusText}`;
}
