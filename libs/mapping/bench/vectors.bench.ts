// Per-event cost of the pipeline on the shared vectors' events: the ordinary sample
// (destination.ndjson) against the hostile one (edge.ndjson: __proto__ keys, limit numbers,
// 9,000-character strings, 40-level nesting). Same destinations for both, so the ratio is the
// price of hostile input. Called by mapping.bench.ts (npm run bench:mapping).
import {
  ACTION_IDS,
  buildPreviewDestination,
  loadVectors,
  optionsFor,
  type PreviewOptions,
  type VectorCase,
} from '../src';

const WARMUP_ROUNDS = 3;
const TIMED_ROUNDS = 5;
const BLOCKS = 5;

/**
 * ns per event for each event set on the same destination: blocks of the two sets alternate (the
 * shared machine's speed drifts) and the best block of each counts.
 */
function nsPerEvent(
  run: (e: Record<string, unknown>) => unknown,
  sets: ReadonlyArray<readonly Record<string, unknown>[]>,
): number[] {
  for (let r = 0; r < WARMUP_ROUNDS; r++) for (const events of sets) for (const e of events) run(e);
  const best = sets.map(() => Infinity);
  for (let block = 0; block < BLOCKS; block++) {
    sets.forEach((events, i) => {
      const start = process.hrtime.bigint();
      for (let r = 0; r < TIMED_ROUNDS; r++) for (const e of events) run(e);
      best[i] = Math.min(best[i], Number(process.hrtime.bigint() - start) / (TIMED_ROUNDS * events.length));
    });
  }
  return best;
}

/** Each case with its own destination (as in the vectors tests), compiled once per option set. */
function ownDestinations(cases: readonly VectorCase[]): (e: Record<string, unknown>) => unknown {
  const byEvent = new Map<Record<string, unknown>, ReturnType<typeof buildPreviewDestination>>();
  const cache = new Map<string, ReturnType<typeof buildPreviewDestination>>();
  for (const c of cases) {
    const key = JSON.stringify(optionsFor(c));
    let d = cache.get(key);
    if (!d) cache.set(key, (d = buildPreviewDestination(optionsFor(c))));
    byEvent.set(c.event, d);
  }
  return (e) => (byEvent.get(e) as ReturnType<typeof buildPreviewDestination>).run(e);
}

const fmt = (ns: number): string => `${(ns / 1000).toFixed(2).padStart(7)} µs`;

export function runVectorsBench(): void {
  let ordinary: VectorCase[];
  let edge: VectorCase[];
  try {
    ordinary = loadVectors('destination.ndjson');
    edge = loadVectors('edge.ndjson');
  } catch (err) {
    console.log(`vectors benchmark skipped: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const ordinaryEvents = ordinary.map((c) => c.event);
  const edgeEvents = edge.map((c) => c.event);
  console.log(
    `\nvectors benchmark: per-event cost, ${ordinary.length} ordinary (destination.ndjson) vs ${edge.length} hostile (edge.ndjson) events, best of ${BLOCKS} alternating blocks of ${TIMED_ROUNDS} rounds`,
  );
  console.log(`${'destination'.padEnd(45)} ${'ordinary'.padStart(10)} ${'hostile'.padStart(10)}  ratio`);
  const configs: Array<[string, PreviewOptions]> = [
    ['presets', {}],
    ...ACTION_IDS.map((a): [string, PreviewOptions] => [`${a} (default mapping, every event)`, { action: a }]),
  ];
  let worst = 0;
  for (const [name, opts] of configs) {
    const dest = buildPreviewDestination(opts);
    const run = (e: Record<string, unknown>): unknown => dest.run(e);
    const [a, b] = nsPerEvent(run, [ordinaryEvents, edgeEvents]);
    worst = Math.max(worst, b / a);
    console.log(`${name.padEnd(45)} ${fmt(a)} ${fmt(b)}  ${(b / a).toFixed(2)}x`);
  }
  const [a, b] = nsPerEvent(ownDestinations([...ordinary, ...edge]), [ordinaryEvents, edgeEvents]);
  console.log(`${'each case as in its vectors file'.padEnd(45)} ${fmt(a)} ${fmt(b)}  ${(b / a).toFixed(2)}x`);
  console.log(`worst ratio on the same destination: ${worst.toFixed(2)}x (goal: at most 2x)`);
}
