import 'reflect-metadata';
import { RequestListener, createServer } from 'http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppLogger, ConfigError, assertRedisReachable, installSecurityHeaders, prepareDatabase } from '@fsd/platform';
import { AppModule } from './app.module';
import { clientErrorHandler } from './core/http/client-error-handler';
import { installJsonBodyParser } from './core/http/json-body-parser';
import { installOperatorNetworks } from './core/http/operator-networks.hook';
import { loadIngestConfig } from './core/config/ingest.config';
import { fastifyTrustProxy } from './core/config/trust-proxy';
import { QueueDashboard } from './ops/dashboard/queue-dashboard.service';
import { IngestMetrics } from './ops/metrics/ingest-metrics.service';
import { setupOpenApi } from './openapi/openapi';
import { TrackingRoutes } from './ingest/tracking/tracking.routes';

async function bootstrap(): Promise<void> {
  const config = loadIngestConfig();
  const logger = new AppLogger(config.logLevel);
  Logger.overrideLogger(logger);
  await assertRedisReachable(config);
  const ran = await prepareDatabase(config.databaseUrl);
  if (ran.length > 0) Logger.log(`Applied migrations: ${ran.join(', ')}`, 'Database');

  const adapter = new FastifyAdapter({
    // Default false: `req.ip` (the admin login throttle's key) is the socket's peer unless TRUST_PROXY names proxies.
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    keepAliveTimeout: 65_000,
    clientErrorHandler,
    // Bounds slow-loris bodies: a request must arrive completely within requestTimeoutMs, checked
    // every second (Node's default check interval is 30 s), then answered 408 by clientErrorHandler.
    serverFactory: (handler: RequestListener) =>
      createServer(
        {
          requestTimeout: config.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
        },
        handler,
      ),
  });
  installJsonBodyParser(adapter.getInstance());
  installSecurityHeaders(adapter.getInstance());
  installOperatorNetworks(adapter.getInstance(), config.operatorNetworks);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger,
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.get(IngestMetrics).instrument(adapter.getInstance());
  app.get(TrackingRoutes).register(adapter.getInstance());
  await app.get(QueueDashboard).mount(app);
  setupOpenApi(app);
  await app.listen(config.port, config.host);
  Logger.log(`ingest-api listening on http://127.0.0.1:${config.port}`, 'Bootstrap');
  if (config.adminTokenGenerated && !config.seedDevelopmentData) {
    process.stdout.write(`Generated development ADMIN_TOKEN: ${config.adminToken}\n`);
  }
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(
    `ingest-api failed to start: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
