import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppLogger, ConfigError, assertRedisReachable, installSecurityHeaders, prepareDatabase } from '@fsd/platform';
import { AppModule } from './app.module';
import { loadWorkerConfig } from './config/worker.config';

async function bootstrap(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = new AppLogger(config.logLevel);
  Logger.overrideLogger(logger);
  await assertRedisReachable(config);
  await prepareDatabase(config.databaseUrl);
  const adapter = new FastifyAdapter();
  installSecurityHeaders(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), adapter, {
    logger,
  });
  // SIGTERM/SIGINT: stop taking jobs, finish or release in-flight ones, then exit.
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  Logger.log(`delivery-worker listening on http://127.0.0.1:${config.port} (health and metrics)`, 'Bootstrap');
}

bootstrap().catch((e: unknown) => {
  process.stderr.write(
    `delivery-worker failed to start: ${e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
});
