/**
 * The load generator of npm run bench's latency step, run in its own process (bench/offered-latency.ts starts
 * it): autocannon offers single /v1/track calls at an overall rate, each carrying a unique message id in its
 * properties (`mid`), and records when each was acknowledged. Prints one JSON object on stdout:
 * { acks: [[mid, ackedAtMs], ...], requests, sent, cpuSeconds, non2xx, ackLatencyP50, ackLatencyP99 }: `sent` counts the
 * warm-up's and cool-down's requests too, `cpuSeconds` is this process's CPU over all of them.
 *
 * autocannon's overallRate is a budget per connection and second: each connection sends its share as soon as its
 * second begins, and every connection's second begins together, so one instance offers the whole second's
 * requests in one burst. LOAD_PHASES instances, each with its share of the rate and one request per connection
 * and second, start 1/LOAD_PHASES of a second apart: the same rate, offered in LOAD_PHASES smaller bursts spread
 * over each second. LOAD_PHASES=1 is one instance (200 connections): the bursts.
 *
 * The measured seconds have LOAD_WARMUP_SECONDS of the same load before them and LOAD_COOLDOWN_SECONDS after, in the
 * same process and without a pause; neither is counted. So neither this process's start (its instances' first
 * connections) nor its end (their results, its output) takes CPU from the apps while measured events are on their
 * way: with a separate process for the measured run, its start and end were most of the p99.
 *
 * Env: LOAD_URL (the ingest base URL), LOAD_AUTH (Authorization header), LOAD_RATE (events/s), LOAD_SECONDS (measured),
 * LOAD_WARMUP_SECONDS and LOAD_COOLDOWN_SECONDS (default 0), LOAD_RUN_ID (prefix of the message ids, so the caller
 * finds its own at the fake), LOAD_PHASES (default 1).
 */
import autocannon from 'autocannon';
import { event, percentile } from './support';

const url = required('LOAD_URL');
const auth = required('LOAD_AUTH');
const rate = Number(process.env.LOAD_RATE ?? 1000);
const seconds = Number(process.env.LOAD_SECONDS ?? 10);
const warmupSeconds = Number(process.env.LOAD_WARMUP_SECONDS ?? 0);
const cooldownSeconds = Number(process.env.LOAD_COOLDOWN_SECONDS ?? 0);
const runId = required('LOAD_RUN_ID');
const phases = Math.max(1, Math.min(rate, Number(process.env.LOAD_PHASES ?? 1)));

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

interface Context {
  mid?: string;
  sentAt?: number;
  /** Sent in the measured seconds: counted. */
  counted?: boolean;
}

/** What all instances share: the message counter and, of the counted requests, their acknowledgements and answers. */
interface Tally {
  n: number;
  /** Requests sent from this time on, until countUntil, are counted (the warm-up ends, the cool-down begins). */
  countFrom: number;
  countUntil: number;
  requests: number;
  non2xx: number;
  acks: [string, number][];
  answerMs: number[];
}

/** One autocannon instance offering `instanceRate` requests a second over `connections` connections. */
function instance(instanceRate: number, connections: number, tally: Tally): Promise<autocannon.Result> {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/track`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        connections,
        overallRate: instanceRate,
        duration: warmupSeconds + seconds + cooldownSeconds,
        requests: [
          {
            setupRequest: (req, context: Context) => {
              const e = event(tally.n++, runId);
              const mid = String(e.messageId);
              (e.properties as Record<string, unknown>).mid = mid;
              context.mid = mid;
              context.sentAt = Date.now();
              context.counted = context.sentAt >= tally.countFrom && context.sentAt < tally.countUntil;
              if (context.counted) tally.requests++;
              return { ...req, body: JSON.stringify(e) };
            },
            // Pipelining is 1: the response of a connection is that of the request its context last built.
            onResponse: (status, _body, context: Context) => {
              if (!context.counted) return;
              const at = Date.now();
              if (context.sentAt !== undefined) tally.answerMs.push(at - context.sentAt);
              if (status < 200 || status >= 300) tally.non2xx++;
              if (status === 200 && context.mid) tally.acks.push([context.mid, at]);
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function main(): Promise<void> {
  const countFrom = Date.now() + warmupSeconds * 1000;
  const tally: Tally = {
    n: 0,
    countFrom,
    countUntil: countFrom + seconds * 1000,
    requests: 0,
    non2xx: 0,
    acks: [],
    answerMs: [],
  };
  const runs: Promise<autocannon.Result>[] = [];
  for (let k = 0; k < phases; k++) {
    // Instance k's share of the rate; the shares add up to `rate`.
    const share = Math.floor(((k + 1) * rate) / phases) - Math.floor((k * rate) / phases);
    // One instance: 200 connections, as this bench always had; each phase: one request per connection and second.
    runs.push(instance(share, phases === 1 ? Math.min(200, share) : share, tally));
    if (k + 1 < phases) await new Promise((r) => setTimeout(r, 1000 / phases));
  }
  await Promise.all(runs);
  const answers = [...tally.answerMs].sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      acks: tally.acks,
      requests: tally.requests,
      sent: tally.n,
      cpuSeconds: cpuSeconds(),
      non2xx: tally.non2xx,
      ackLatencyP50: percentile(answers, 50),
      ackLatencyP99: percentile(answers, 99),
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
