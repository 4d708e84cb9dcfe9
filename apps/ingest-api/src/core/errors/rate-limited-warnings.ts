import type { Logger } from '@nestjs/common';
import { RateLimitedLog } from '@fsd/platform';

/**
 * Ingest's warnings that come in bursts (refused requests, a lost idle connection, the enqueue thread's errors): at
 * most one line per 10 s per source, each naming how many were held back since the last one.
 */
export function rateLimitedWarnings(logger: Pick<Logger, 'warn'>): RateLimitedLog {
  return new RateLimitedLog(logger, 10_000);
}
