import pino from 'pino';
import { buildFakeApp } from './app';
import { ALLOW_PRODUCTION_VAR, ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  const log = pino({ name: 'fake-fullstory' });
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err: unknown) {
    if (err instanceof ConfigError) {
      log.fatal({ problems: err.problems }, err.message);
      process.exit(1);
    }
    throw err;
  }
  if (process.env.NODE_ENV === 'production') {
    log.warn(
      `NODE_ENV=production with ${ALLOW_PRODUCTION_VAR}: running the fake deliberately; never point real traffic at it`,
    );
  }
  const app = buildFakeApp(config);
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'fake-fullstory shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'fake-fullstory failed to close');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const address = await app.listen({ host: config.host, port: config.port });
  const keys = [...config.keys.entries()].map(([key, role]) => `${key.slice(0, 4)}…:${role}`);
  log.info(
    { address, port: config.port, keys, rateLimit: config.rateLimit, maxCaptured: config.maxCaptured },
    `fake-fullstory listening on ${address} (QA inbox: ${address}/__fake/ui)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
