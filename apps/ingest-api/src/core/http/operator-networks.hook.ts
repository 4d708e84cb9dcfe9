import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AddressSet } from '../config/ip-ranges';
import type { OperatorNetworks } from '../config/operator-networks';
import { networkNotAllowed } from '../errors/app-error';
import { sendError } from '../errors/send-error';
import { rateLimitedWarnings } from '../errors/rate-limited-warnings';

/**
 * The routes for operators rather than for Segment clients: the admin API, the operations page and the queue
 * dashboard (all under /admin), /metrics and the API docs. Decided on the route that matched, not on the URL
 * as sent, so no spelling of a path (encoded, doubled slashes) reaches one without the check. The tracking API
 * (/v1) and /health (load balancers) stay open to every address.
 */
export function isOperatorRoute(route: string | undefined): boolean {
  if (route === undefined) return false;
  return /^\/(admin|docs)([/-]|$)/.test(route) || route === '/metrics';
}

/**
 * Refuses the operator routes (isOperatorRoute) to a client outside OPERATOR_NETWORKS: 403 `network_not_allowed`,
 * before authentication or a body is read. The client is `req.ip`: the socket's peer, or the address TRUST_PROXY's
 * proxies forwarded.
 */
export function installOperatorNetworks(fastify: FastifyInstance, networks: OperatorNetworks): void {
  if (networks === 'any') return;
  const allowed = new AddressSet(networks);
  const refusals = rateLimitedWarnings(new Logger('OperatorNetworks'));
  fastify.addHook('onRequest', async (req, reply) => {
    if (!isOperatorRoute(req.routeOptions.url) || allowed.has(req.ip)) return;
    refusals.warn(
      'operator routes',
      `refused ${req.method} ${req.routeOptions.url} to an address outside OPERATOR_NETWORKS`,
    );
    return sendError(reply, networkNotAllowed());
  });
}
