// Benchmark: the whole pipeline (trigger, mapping, validation, request build) per action with its
// default mapping, on a fixed seeded set of varied events. Run: npm run bench:mapping
import { compileDestination, defaultMapping, ACTION_IDS, type ActionId } from '../src';
import { runVectorsBench } from './vectors.bench';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const EVENTS = ['Order Completed', 'Product Viewed', 'Signed Up', 'Checkout Started', 'Cart Viewed'];
const KEYS = [
  'plan',
  'price',
  'first_name',
  'Item Count',
  'is-active',
  'tags',
  'nested',
  'sku',
  'revenue_real',
  'coupon',
];

function value(depth: number): unknown {
  const r = rand();
  if (r < 0.3) return `v${Math.floor(rand() * 1000)}`;
  if (r < 0.5) return Math.round(rand() * 10000) / 100;
  if (r < 0.6) return rand() < 0.5;
  if (r < 0.7) return ['a', 'b', 'c'];
  if (r < 0.75) return null;
  if (r < 0.85 && depth < 3) return object(depth + 1, 3);
  return [1, 'x'];
}

function object(depth: number, max: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = 1 + Math.floor(rand() * max);
  for (let i = 0; i < n; i++) out[pick(KEYS) + (i > 4 ? i : '')] = value(depth);
  return out;
}

function makeEvent(i: number, type: 'track' | 'identify'): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type,
    messageId: `msg-${i}`,
    anonymousId: `anon-${i % 97}`,
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    context: { page: { url: `https://example.com/p/${i}` }, library: { name: 'analytics-node', version: '3.1.0' } },
  };
  if (rand() < 0.9) base.userId = `user-${i % 1000}`;
  if (type === 'track') {
    base.event = pick(EVENTS);
    base.properties = object(1, 8);
  } else {
    base.traits = { name: `User ${i}`, email: `u${i}@example.com`, ...object(1, 6) };
  }
  return base;
}

const N = 20000;
const trackEvents = Array.from({ length: N }, (_, i) => makeEvent(i, 'track'));
const identifyEvents = Array.from({ length: N }, (_, i) => makeEvent(i, 'identify'));

function bench(action: ActionId): { rate: number; requests: number } {
  const isTrack = action === 'trackEvent' || action === 'trackEventV2';
  const dest = compileDestination({
    settings: { apiKey: 'bench-key' },
    presets: { trackEvent: false, identifyUser: false },
    mappings: [
      {
        id: action,
        name: action,
        enabled: true,
        trigger: isTrack ? 'type = "track"' : 'type = "identify"',
        action,
        mapping: defaultMapping(action),
      },
    ],
  });
  const events = isTrack ? trackEvents : identifyEvents;
  let requests = 0;
  // warm-up
  for (let r = 0; r < 3; r++) for (const e of events) requests += dest.run(e).requests.length;
  requests = 0;
  const rounds = 10;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const e of events) requests += dest.run(e).requests.length;
  const ns = Number(process.hrtime.bigint() - start);
  return { rate: (rounds * events.length) / (ns / 1e9), requests };
}

console.log(`mapping pipeline benchmark: ${N} seeded events per action, 10 timed rounds after 3 warm-up rounds`);
for (const action of ACTION_IDS) {
  const { rate, requests } = bench(action);
  console.log(
    `${action.padEnd(16)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} events/s  (${requests} requests built)`,
  );
}

runVectorsBench();
