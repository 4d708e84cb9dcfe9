import { type OutboundPolicy, baseUrlProblem } from '@fsd/fullstory-contracts';
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
