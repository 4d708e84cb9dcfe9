/**
 * The V8 old-generation cap each app runs with, in MB (`--max-old-space-size`).
 *
 * Why a cap at all: V8 sizes its heap limit from the machine's memory (~4 GB on a 24 GiB host) and, with a limit
 * of 2 GB or more, lets the heap grow to up to 4× what survived the last full collection before it collects again.
 * Under a limit of 1 GB that factor is at most 1.6×. In `npm run bench` the worker's batch replay held ~60 MB of live
 * objects (heap snapshot) while its heap reached 313 MB and its RSS 418–433 MB; with this cap its RSS peaked at
 * 234–241 MB, and ingest's `/v1/batch` run at 239 MB instead of 335–339 MB.
 *
 * Why this value: far above any app's live data, so a burst of large batches cannot run an app out of heap; only
 * the growth between collections is smaller.
 *
 * The Dockerfile sets the same value (`ENV NODE_OPTIONS`; a unit test keeps the two equal), `npm start` and the
 * bench pass it on the command line. An operator's own `--max-old-space-size` in NODE_OPTIONS wins.
 */
export const APP_MAX_OLD_SPACE_MB = 1024;

/** The node flags an app is started with, given the environment it starts in. */
export function appNodeFlags(env: Record<string, string | undefined>): string[] {
  const operatorChose = /--max-old-space-size[=\s]/.test(env.NODE_OPTIONS ?? '');
  return operatorChose ? [] : [`--max-old-space-size=${APP_MAX_OLD_SPACE_MB}`];
}
