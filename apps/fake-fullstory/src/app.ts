import Fastify, { FastifyInstance } from 'fastify';
import { DEFAULT_CONFIG, FakeConfig } from './config';
import { installCapture, installErrorHandlers } from './http';
import { batchRoutes } from './routes/batch';
import { registerControlRoutes } from './routes/control';
import { eventsV2Routes } from './routes/events-v2';
import { meRoutes } from './routes/me';
import { operationRoutes } from './routes/operations';
import { endpointLabels, registerApiRoutes } from './routes/pipeline';
import { registerInboxRoutes } from './routes/inbox';
import { usersV1Routes } from './routes/users-v1';
import { usersV2Routes } from './routes/users-v2';
import { FakeState } from './store/state';

export interface FakeAppOptions extends Partial<FakeConfig> {
  /** Clock (ms since epoch); injectable so tests of rate limits and job delays are deterministic. */
  now?: () => number;
}

/** Builds the fake FullStory server (not listening yet); tests can `inject` into it or `listen` on port 0. */
export function buildFakeApp(options: FakeAppOptions = {}): FastifyInstance {
  const { now = Date.now, ...overrides } = options;
  const config: FakeConfig = { ...DEFAULT_CONFIG, ...overrides };
  const state = new FakeState(config, now);
  const app = Fastify({
    logger: config.log ? { level: 'info' } : false,
    bodyLimit: config.bodyLimit,
    keepAliveTimeout: 65_000,
    forceCloseConnections: true,
  });
  installCapture(app, state);
  installErrorHandlers(app);
  registerControlRoutes(app, state);
  const routes = [
    ...meRoutes,
    ...usersV1Routes,
    ...operationRoutes,
    ...usersV2Routes,
    ...eventsV2Routes,
    ...batchRoutes,
  ];
  registerInboxRoutes(app, state, endpointLabels(routes));
  registerApiRoutes(app, state, routes);
  return app;
}
