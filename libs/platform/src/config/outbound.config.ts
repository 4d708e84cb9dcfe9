import { OutboundPolicy, baseUrlProblem } from '@fsd/fullstory-contracts';
import { EnvReader } from './env';

/** Outside production the local fake (npm start, docs) is allowed without configuration. */
export const DEV_ALLOWED_FULLSTORY_HOSTS = ['127.0.0.1:4010', 'localhost:4010'];

const HOST_ENTRY = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/;

/** `host:port` of a URL as an allowlist entry (default ports made explicit). */
function hostEntry(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * Where FullStory keys may be sent: FullStory's API hosts, plus the hosts the operator names in
 * ALLOWED_FULLSTORY_HOSTS (comma-separated `host` or `host:port`) and the host of FULLSTORY_BASE_URL.
 * Production requires https everywhere.
 */
export function readOutboundPolicy(r: EnvReader, fullstoryBaseUrl: string): OutboundPolicy {
  const raw = r.optionalString('ALLOWED_FULLSTORY_HOSTS');
  const listed =
    raw === undefined
      ? r.isProduction
        ? []
        : DEV_ALLOWED_FULLSTORY_HOSTS
      : raw
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== '');
  for (const entry of listed) {
    r.check('ALLOWED_FULLSTORY_HOSTS', HOST_ENTRY.test(entry), `entry "${entry}" must be host or host:port`);
  }
  const explicitHosts = [...listed];
  try {
    if (fullstoryBaseUrl !== '') explicitHosts.push(hostEntry(new URL(fullstoryBaseUrl)));
  } catch {
    // An invalid FULLSTORY_BASE_URL is reported by the URL check already.
  }
  const policy: OutboundPolicy = { explicitHosts, requireHttps: r.isProduction };
  if (fullstoryBaseUrl !== '') {
    const problem = baseUrlProblem(fullstoryBaseUrl, policy);
    r.check('FULLSTORY_BASE_URL', problem === null, problem ?? '');
  }
  return policy;
}
