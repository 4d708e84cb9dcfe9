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

/** CPU time of this process (all its threads, garbage collection included), in ns: steadier than wall time on a shared machine. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * CPU ns per event for each event set on the same destination: blocks of the two sets alternate (the
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
      const start = cpuNs();
      for (let r = 0; r < TIMED_ROUNDS; r++) for (const e of events) run(e);
      best[i] = Math.min(best[i], (cpuNs() - start) / (TIMED_ROUNDS * events.length));
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
    `\nvectors benchmark: per-event CPU time, ${ordinary.length} ordinary (destination.ndjson) vs ${edge.length} hostile (edge.ndjson) events, best of ${BLOCKS} alternating blocks of ${TIMED_ROUNDS} rounds`,
  );
  console.log(`${'destination'.padEnd(45)} ${'ordinary'.padStart(10)} ${'hostile'.padStart(10)}  ratio`);
  const configs: Array<[string, PreviewOptions]> = [
    ['presets', {}],
    ...ACTION_IDS.map((a): [string, PreviewOptions] => [`${a} (default mapping, every event)`, { action: a }]),
  ];
  let worst = 0;
  let sumA = 0;
  let sumB = 0;
  for (const [name, opts] of configs) {
    const dest = buildPreviewDestination(opts);
    const run = (e: Record<string, unknown>): unknown => dest.run(e);
    const [a, b] = nsPerEvent(run, [ordinaryEvents, edgeEvents]);
    worst = Math.max(worst, b / a);
    sumA += a;
    sumB += b;
    console.log(`${name.padEnd(45)} ${fmt(a)} ${fmt(b)}  ${(b / a).toFixed(2)}x`);
  }
  console.log(`${'all five destinations'.padEnd(45)} ${fmt(sumA)} ${fmt(sumB)}  ${(sumB / sumA).toFixed(2)}x`);
  const [a, b] = nsPerEvent(ownDestinations([...ordinary, ...edge]), [ordinaryEvents, edgeEvents]);
  console.log(`${'each case as in its vectors file'.padEnd(45)} ${fmt(a)} ${fmt(b)}  ${(b / a).toFixed(2)}x`);
  console.log(`worst ratio on one destination: ${worst.toFixed(2)}x (goal: at most 2x)`);
  runScalingBench();
}

/**
 * A track event whose properties nest `depth` levels, with an own `__proto__` key and a string of
 * `length` at each level. Key names come from a small vocabulary, as in real events (thousands of
 * distinct names make V8 itself slower at building objects, whatever the code).
 */
function scalingEvent(depth: number, length: number): Record<string, unknown> {
  let props = `{"leaf":"${'x'.repeat(length)}","__proto__":{"a":1}}`;
  for (let i = 0; i < depth; i++) props = `{"k-${i % 8}":"${'y'.repeat(length)}","__proto__":[${i}],"n":${props}}`;
  return JSON.parse(
    `{"type":"track","event":"E","userId":"u","timestamp":"2026-01-01T00:00:00.000Z","properties":${props}}`,
  ) as Record<string, unknown>;
}

/** Cost per event as nesting and string length grow: linear growth is flat per level / per character. */
function runScalingBench(): void {
  const dest = buildPreviewDestination({ action: 'trackEvent' });
  const run = (e: Record<string, unknown>): unknown => dest.run(e);
  console.log('\nscaling (trackEvent, __proto__ keys at every level): CPU time per event and per nesting level');
  const lengths = [10, 9000];
  console.log(`${'depth'.padStart(5)}  ${lengths.map((l) => `strings of ${l}`.padEnd(28)).join('')}`);
  for (const depth of [10, 40, 160, 640, 2560]) {
    const cells = lengths.map((length) => {
      const events = Array.from({ length: 4 }, () => scalingEvent(depth, length));
      const [ns] = nsPerEvent(run, [events]);
      return `${fmt(ns)} (${(ns / depth).toFixed(0).padStart(4)} ns/level)`.padEnd(28);
    });
    console.log(`${String(depth).padStart(5)}  ${cells.join('')}`);
  }
}
