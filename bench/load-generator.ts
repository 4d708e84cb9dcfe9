/**
 * The load generator of npm run bench's latency step, run in its own process (bench/offered-latency.ts starts
 * it): autocannon offers single /v1/track calls at a steady overall rate, each carrying a unique message id in its
 * properties (`mid`), and records when each was acknowledged. Prints one JSON object on stdout:
 * { acks: [[mid, ackedAtMs], ...], requests, non2xx, ackLatencyP50, ackLatencyP99 }.
 *
 * Env: LOAD_URL (the ingest base URL), LOAD_AUTH (Authorization header), LOAD_RATE (events/s), LOAD_SECONDS,
 * LOAD_RUN_ID (prefix of the message ids, so the caller finds its own at the fake).
 */
import autocannon from 'autocannon';
import { event } from './support';

const url = required('LOAD_URL');
const auth = required('LOAD_AUTH');
const rate = Number(process.env.LOAD_RATE ?? 1000);
const seconds = Number(process.env.LOAD_SECONDS ?? 10);
const runId = required('LOAD_RUN_ID');

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

interface Context {
  mid?: string;
}

async function main(): Promise<void> {
  let n = 0;
  const acks: [string, number][] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `${url}/v1/track`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        // Each connection sends one request at a time: at five a second each, the offered rate holds while ingest
        // answers within 200 ms.
        connections: 200,
        overallRate: rate,
        duration: seconds,
        requests: [
          {
            setupRequest: (req, context: Context) => {
              const e = event(n++, runId);
              const mid = String(e.messageId);
              (e.properties as Record<string, unknown>).mid = mid;
              context.mid = mid;
              return { ...req, body: JSON.stringify(e) };
            },
            // Pipelining is 1: the response of a connection is that of the request its context last built.
            onResponse: (status, _body, context: Context) => {
              if (status === 200 && context.mid) acks.push([context.mid, Date.now()]);
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  process.stdout.write(
    JSON.stringify({
      acks,
      requests: result.requests.total,
      non2xx: result.non2xx,
      ackLatencyP50: result.latency.p50,
      ackLatencyP99: result.latency.p99,
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
