import type { Logger } from '@nestjs/common';
import { RateLimitedLog } from '@fsd/platform';

/** Warnings of named sources, each line starting with its source. */
export interface SourceWarnings {
  warn(source: string, message: string): void;
}

/**
 * Ingest's warnings that come in bursts (refused requests, a lost idle connection, the enqueue thread's errors): at
 * most one line per 10 s per source, each naming how many were held back since the last one.
 */
export function rateLimitedWarnings(logger: Pick<Logger, 'warn'>): SourceWarnings {
  const log = new RateLimitedLog(logger, 10_000);
  return { warn: (source, message) => log.warn(source, `${source}: ${message}`) };
}
