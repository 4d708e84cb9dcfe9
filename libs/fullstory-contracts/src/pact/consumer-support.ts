/**
 * How the consumer tests turn a mapper request into a pact interaction and send it with the worker's client.
 */
import { MatchersV3, PactV3, V3MockServer, V3Response } from '@pact-foundation/pact';
import { FullStoryClient, FullStoryResponse } from '../client';
import { CONSUMER, freshPactDir, IdempotentRequest, PROVIDER } from './contract';
import { IDEMPOTENCY_KEY_PATTERN, PactRequest } from './reference-cases';

const { like, regex } = MatchersV3;

type StateParams = Parameters<PactV3['given']>[1];

/** Error envelope: `code` exact, message any string. */
export const v2Error = (code: string) => ({ message: like('some message'), code });

export interface InteractionSpec {
  state: string;
  /** Parameters of the provider state (JSON values: mapper output). */
  stateParams?: IdempotentRequest;
  description: string;
  request: PactRequest;
  /** The worker sends one on every v2 create (apps/delivery-worker idempotencyKeyFor). */
  idempotencyKey?: string;
  response: V3Response;
}

/** A pact with one interaction whose request is exactly the mapper's (plus the Idempotency-Key header). */
export function interaction(spec: InteractionSpec): PactV3 {
  const { request, idempotencyKey } = spec;
  const headers =
    idempotencyKey === undefined
      ? request.headers
      : { ...request.headers, 'Idempotency-Key': regex(IDEMPOTENCY_KEY_PATTERN, idempotencyKey) };
  return (
    new PactV3({ consumer: CONSUMER, provider: PROVIDER, dir: freshPactDir(), logLevel: 'warn' })
      // A mapper body is JSON by construction; pact's JsonMap type cannot say so of `unknown`.
      .given(spec.state, spec.stateParams as StateParams)
      .uponReceiving(spec.description)
      .withRequest({
        method: request.method,
        path: request.path,
        ...(request.query === undefined ? {} : { query: request.query }),
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      })
      .willRespondWith(spec.response)
  );
}

/** Sends the mapper's request unchanged (origin swapped for the mock server's) through the worker's client. */
export function sendVia(
  client: FullStoryClient,
  server: V3MockServer,
  request: PactRequest,
  idempotencyKey?: string,
): Promise<FullStoryResponse> {
  const url = new URL(request.prepared.url);
  return client.send(
    { ...request.prepared, url: `${server.url}${url.pathname}${url.search}` },
    idempotencyKey === undefined ? {} : { idempotencyKey },
  );
}
