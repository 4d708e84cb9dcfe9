/**
 * The requests of the pact, produced by the mapping engine (libs/mapping, the code the delivery worker runs)
 * from the reference cases of shared/spec/fullstory-destination.md §9.1. Only the events are written here;
 * every method, URL, header and body comes from the mapper, so a drift in the mapper changes the pact.
 */
import {
  ActionId,
  buildDeleteRequest,
  buildTestConnectionRequest,
  compileDestination,
  defaultMapping,
  DestinationConfig,
  PreparedRequest,
} from '@fsd/mapping';
import { idempotencyKeyFor } from '../idempotency';
import { API_KEY } from './contract';

/** §9.1 FS-2 (its session overrides are not used: the v1 API takes at most one session field). */
const FS2_TRACK = {
  type: 'track',
  userId: 'fake/user/id',
  event: 'test-event',
  timestamp: '2022-02-02T03:04:05.000Z',
  properties: {
    'first-property': 'first-value',
    second_property: 'second_value',
    thirdProperty: 'thirdValue',
    useRecentSession: true,
    sessionUrl: 'session-url',
  },
};
/** §9.1 FS-3 / FS-11. */
const FS3_TRACK_MINIMAL = { type: 'track', userId: 'fake/user/id', event: 'test-event', properties: {} };
/** §9.1 FS-4 / FS-9. */
const FS4_IDENTIFY = {
  type: 'identify',
  userId: 'fake/user/id',
  anonymousId: 'fake-anonymous-id',
  traits: {
    email: 'fake+email@example.com',
    name: 'fake-display-name',
    'originally-hyphenated': 'some string',
    'originally spaced': true,
    typeSuffixed_bool: true,
    'originally.dotted': 1.23,
  },
};
/**
 * §9.1 FS-10, through the Track Event preset (its session overrides are not used: FullStory rejects
 * `session.id` together with `user`).
 */
const FS10_TRACK = {
  ...FS2_TRACK,
  properties: { ...FS2_TRACK.properties, sessionUrl: 'session/url/12345%3A678' },
};

/** A mapper request split into what a pact interaction records. */
export interface PactRequest {
  method: PreparedRequest['method'];
  /** Path as sent (still URL-encoded). */
  path: string;
  /** Decoded query parameters (pact records them decoded). */
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** The mapper's own request, sent unchanged except for its origin (the mock server's). */
  prepared: PreparedRequest;
}

function toPactRequest(prepared: PreparedRequest): PactRequest {
  const url = new URL(prepared.url);
  const query = url.search === '' ? undefined : Object.fromEntries(url.searchParams.entries());
  const out: PactRequest = { method: prepared.method, path: url.pathname, headers: { ...prepared.headers }, prepared };
  if (query !== undefined) out.query = query;
  if (prepared.body !== undefined) out.body = prepared.body;
  return out;
}

/** Runs one event through a destination configuration and returns its single request. */
function runPipeline(config: DestinationConfig, event: Record<string, unknown>): PactRequest {
  const result = compileDestination(config).run(event);
  if (result.errors.length > 0 || result.requests.length !== 1) {
    throw new Error(`expected exactly one request, got ${JSON.stringify(result)}`);
  }
  return toPactRequest(result.requests[0].request);
}

/** The presets of a new destination (Track Event → trackEventV2, Identify User → identifyUserV2). */
function viaPresets(event: Record<string, unknown>, apiKey: string): PactRequest {
  return runPipeline({ settings: { apiKey } }, event);
}

/** One action with its default mapping, presets off (the v1 actions have no preset). */
function viaAction(action: ActionId, event: Record<string, unknown>, apiKey: string): PactRequest {
  return runPipeline(
    {
      settings: { apiKey },
      presets: { trackEvent: false, identifyUser: false },
      mappings: [
        {
          id: `pact:${action}`,
          name: action,
          enabled: true,
          trigger: `type = "${String(event.type)}"`,
          action,
          mapping: defaultMapping(action),
        },
      ],
    },
    event,
  );
}

export const referenceRequests = {
  /** FS-1 testAuthentication. */
  me: (apiKey = API_KEY) => toPactRequest(buildTestConnectionRequest({ apiKey })),
  /** FS-10 event, Track Event preset → POST /v2/events. */
  trackEventV2: (apiKey = API_KEY) => viaPresets(FS10_TRACK, apiKey),
  /** FS-11 → POST /v2/events. */
  trackEventV2Minimal: (apiKey = API_KEY) => viaPresets(FS3_TRACK_MINIMAL, apiKey),
  /** FS-9 → POST /v2/users. */
  identifyUserV2: (apiKey = API_KEY) => viaPresets(FS4_IDENTIFY, apiKey),
  /** FS-2 event, trackEvent default mapping → v1 customevent. */
  trackEvent: (apiKey = API_KEY) => viaAction('trackEvent', FS2_TRACK, apiKey),
  /** FS-3 → v1 customevent. */
  trackEventMinimal: (apiKey = API_KEY) => viaAction('trackEvent', FS3_TRACK_MINIMAL, apiKey),
  /** FS-4 → v1 customvars. */
  identifyUser: (apiKey = API_KEY) => viaAction('identifyUser', FS4_IDENTIFY, apiKey),
  /** FS-5 onDelete → DELETE /v2/users?uid=. */
  deleteUser: (apiKey = API_KEY) => toPactRequest(buildDeleteRequest({ apiKey }, FS4_IDENTIFY.userId)),
};

/**
 * The Idempotency-Key for one interaction, from the worker's own derivation (idempotencyKeyFor) with a
 * fixed messageId, destination and subscription, so the pact is reproducible.
 */
export function stableIdempotencyKey(name: string, request: { method: string; url: string }): string {
  const key = idempotencyKeyFor(request, `pact ${name}`, 'pact-destination', 'pact-subscription');
  if (key === undefined) throw new Error(`${request.method} ${request.url} takes no Idempotency-Key`);
  return key;
}

export const IDEMPOTENCY_KEY_PATTERN = '^[0-9a-f]{64}$';
