import { type OutboundPolicy, baseUrlProblem } from '@fsd/fullstory-contracts';
import { badRequest } from '../../core/errors/app-error';
import { invalid } from '../common/admin-errors';

/** 400 base_url_not_allowed unless a FullStory key may be sent to this base URL (see outbound-policy). */
export function assertAllowedBaseUrl(baseUrl: string, policy: OutboundPolicy): void {
  const problem = baseUrlProblem(baseUrl, policy);
  if (problem) throw invalid('base_url_not_allowed', `baseUrl ${problem}`);
}

/**
 * The stored key was given for one host: sending it somewhere else needs the key again, so whoever holds
 * the admin token cannot redirect a key they never knew (write-only) to a host of their choosing.
 */
export function assertKeyGivenForNewHost(before: string, after: string, apiKey: string | undefined): void {
  if (before !== after && apiKey === undefined) {
    throw invalid(
      'api_key_required',
      'Changing baseUrl or region sends the API key to another host: give apiKey again in the same request',
    );
  }
}

export interface DestinationLocation {
  region: 'us' | 'eu' | null;
  baseUrl: string | null;
}

/** A new destination's location: a region or a base URL (or neither: the deployment's), never both. */
export function newLocation(region: 'us' | 'eu' | null, baseUrl: string | null): DestinationLocation {
  if (region && baseUrl) throw regionAndBaseUrl();
  return { region, baseUrl };
}

/** A PATCH's location: giving one of region / baseUrl clears the other; null clears it. */
export function updatedLocation(
  current: DestinationLocation,
  change: { region?: 'us' | 'eu' | null; baseUrl?: string | null },
): DestinationLocation {
  if (change.region && change.baseUrl) throw regionAndBaseUrl();
  let { region, baseUrl } = current;
  if (change.region !== undefined) {
    region = change.region ?? null;
    if (region) baseUrl = null;
  }
  if (change.baseUrl !== undefined) {
    baseUrl = change.baseUrl ?? null;
    if (baseUrl) region = null;
  }
  return { region, baseUrl };
}

function regionAndBaseUrl() {
  return badRequest(
    'invalid_request',
    'region and baseUrl are mutually exclusive: give region ("us" or "eu") or a baseUrl, not both',
  );
}
