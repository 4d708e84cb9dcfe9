import { Logger } from '@nestjs/common';
import { SharedInFlight, withTimeout } from '@fsd/platform';
import { messageOf } from '../../core/errors/message-of';

/** Every read at scrape time is bounded: a slow Postgres or Redis leaves its gauges empty, /metrics still answers. */
export const SCRAPE_TIMEOUT_MS = 2000;

export function scrapeRead<T>(read: Promise<T>): Promise<T> {
  return withTimeout(read, SCRAPE_TIMEOUT_MS);
}

/** Runs one gauge's collection; a failure is logged, and the gauge keeps what the collection set before it. */
export async function collectOrWarn(logger: Logger, what: string, collect: () => Promise<void>): Promise<void> {
  try {
    await collect();
  } catch (e) {
    logger.warn(`${what} not collected: ${messageOf(e)}`);
  }
}

/**
 * One read shared by the gauges of a scrape: prom-client collects them all at once, so those that start while it is
 * in flight get its answer, and the next scrape reads again.
 */
export function sharedWhileInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  const reads = new SharedInFlight<'scrape', T>();
  return () => reads.run('scrape', read);
}

/** For each destination (archived ones receive nothing, so their series leave /metrics): `read`, then `set`. */
export async function forEachDestination<T>(
  destinationIds: () => Promise<string[]>,
  read: (destinationId: string) => Promise<T>,
  set: (destinationId: string, value: T) => void,
): Promise<void> {
  const ids = await scrapeRead(destinationIds());
  await Promise.all(ids.map(async (id) => set(id, await scrapeRead(read(id)))));
}
