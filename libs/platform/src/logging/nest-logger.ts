import { ConsoleLogger, LogLevel } from '@nestjs/common';

/** Nest's own start-up narration (module wiring, every mapped route): shown at LOG_LEVEL=debug only. */
export const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const LAST_ENABLED: Record<string, number> = {
  silent: -1,
  fatal: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
  trace: 5,
};

/** The Nest levels a LOG_LEVEL (fatal, error, warn, info, debug, trace, silent) enables; unknown means info. */
export function nestLogLevels(logLevel: string): LogLevel[] {
  return ORDER.slice(0, (LAST_ENABLED[logLevel] ?? LAST_ENABLED.info) + 1);
}

/** The level a message logged at `level` under `context` is printed at: framework narration drops to debug. */
export function effectiveLevel(level: LogLevel, context: unknown): LogLevel {
  return level === 'log' && typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : level;
}

/**
 * Nest's console logger honouring LOG_LEVEL, with the framework's start-up lines at debug, so what a
 * newcomer sees at start is the apps' own lines (and the development banner).
 */
export class AppLogger extends ConsoleLogger {
  constructor(logLevel: string) {
    super({ logLevels: nestLogLevels(logLevel) });
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (effectiveLevel('log', optionalParams[optionalParams.length - 1]) === 'debug') {
      super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
