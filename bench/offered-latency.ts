/**
 * npm run bench's latency step: a rate of single /v1/track calls offered by a separate load-generator process
 * (bench/load-generator.ts, autocannon with overallRate), and the time from each acknowledgement to the
 * fake FullStory receiving the event. A warm-up before and a cool-down after, at the same rate and in the same
 * process, are not counted.
 */
import { spawn } from 'child_process';
import { appendFileSync } from 'fs';
import { randomUUID } from 'crypto';
import path from 'path';
import { ROOT, percentile } from './support';
import type { StackCpuMeter, StackCpuPerEvent } from './cpu-meter';

export interface OfferedLatency {
  /** Events acknowledged per second over the measured run. */
  rate: number;
  ackP50: number;
  ackP99: number;
  /** Ingest's own answer time (autocannon's latency), for comparison. */
  ingestP50: number;
  ingestP99: number;
  missing: number;
  non2xx: number;
  /** CPU per event (ms) of each part of the stack and of the load generator, over all the generator's requests. */
  cpuPerEvent?: StackCpuPerEvent & { generator: number };
}

interface GeneratorOutput {
  acks: [string, number][];
  requests: number;
  /** Every request of the run, the warm-up's and cool-down's too. */
  sent: number;
  cpuSeconds: number;
  non2xx: number;
  ackLatencyP50: number;
  ackLatencyP99: number;
}

/** Runs the load generator in its own node process and returns what it printed. */
function generate(
  ingestUrl: string,
  auth: string,
  rate: number,
  seconds: number,
  runId: string,
  phases: number,
  warmupSeconds: number,
  cooldownSeconds: number,
) {
  return new Promise<GeneratorOutput>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'tools/run-dist.js'), 'bench/load-generator'], {
      cwd: ROOT,
      env: {
        ...process.env,
        LOAD_URL: ingestUrl,
        LOAD_AUTH: auth,
        LOAD_RATE: String(rate),
        LOAD_SECONDS: String(seconds),
        LOAD_WARMUP_SECONDS: String(warmupSeconds),
        LOAD_COOLDOWN_SECONDS: String(cooldownSeconds),
        LOAD_RUN_ID: runId,
        LOAD_PHASES: String(phases),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}: ${err}`));
      else resolve(JSON.parse(out) as GeneratorOutput);
    });
  });
}

/**
 * Of the same load, just before and just after the measured seconds, in the same generator process (load-generator.ts).
 * The warm-up outlasts the backlog a cold worker builds in its first seconds of bursts (~4 s).
 */
const WARMUP_SECONDS = 5;
const COOLDOWN_SECONDS = 1;

type Received = { body: { properties?: { mid?: string } }; receivedAt: string; headers: { authorization?: string } };

export async function offeredLatency(
  ingestUrl: string,
  fakeUrl: string,
  auth: string,
  rate: number,
  seconds: number,
  /** Bursts spread over each second (bench/load-generator.ts, LOAD_PHASES): 1 offers each second's load at once. */
  phases: number,
  /** Samples the stack's CPU from the generator's start to its end (before the polls of the fake below). */
  startCpu?: () => Promise<StackCpuMeter>,
  /** Counts only the requests sent with this Authorization header, as the fake captures it (one destination's). */
  authorization?: string,
): Promise<OfferedLatency> {
  await fetch(`${fakeUrl}/__fake/requests`, { method: 'DELETE' });
  const runId = `e2e${randomUUID().slice(0, 6)}`;
  const cpu = await startCpu?.();
  const run = await generate(ingestUrl, auth, rate, seconds, runId, phases, WARMUP_SECONDS, COOLDOWN_SECONDS);
  const stackCpu = await cpu?.perEvent(run.sent);
  const ackAt = new Map(run.acks);
  // Let the last deliveries arrive.
  const deadline = Date.now() + 20000;
  let received: Received[] = [];
  while (Date.now() < deadline) {
    const all = (await (await fetch(`${fakeUrl}/__fake/requests?path=/v2/events&method=POST`)).json()) as Received[];
    received = all.filter(
      (r) =>
        ackAt.has(r.body?.properties?.mid ?? '') &&
        (authorization === undefined || r.headers?.authorization === authorization),
    );
    if (received.length >= ackAt.size) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // A retried or replayed request is received twice; the first arrival is the latency.
  const first = new Map<string, number>();
  for (const r of received) {
    const mid = r.body.properties!.mid!;
    const at = Date.parse(r.receivedAt);
    first.set(mid, Math.min(first.get(mid) ?? at, at));
  }
  const fromAck = [...first].map(([mid, at]) => Math.max(0, at - ackAt.get(mid)!));
  // BENCH_LATENCY_DUMP=<file>: each event's acknowledgement time and latency (CSV, appended), to look for a pattern
  // in time (a periodic task, a collection) behind the tail.
  if (process.env.BENCH_LATENCY_DUMP)
    appendFileSync(
      process.env.BENCH_LATENCY_DUMP,
      [...first].map(([mid, at]) => `${phases},${ackAt.get(mid)},${at - ackAt.get(mid)!}\n`).join(''),
    );
  fromAck.sort((a, b) => a - b);
  return {
    rate: ackAt.size / seconds,
    ackP50: percentile(fromAck, 50),
    ackP99: percentile(fromAck, 99),
    ingestP50: run.ackLatencyP50,
    ingestP99: run.ackLatencyP99,
    missing: ackAt.size - first.size,
    non2xx: run.non2xx,
    cpuPerEvent: stackCpu && { ...stackCpu, generator: (run.cpuSeconds * 1000) / Math.max(1, run.sent) },
  };
}
