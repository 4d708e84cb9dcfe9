/**
 * executeTest that returns only once the mock server has recorded what it answered.
 *
 * Pact's Rust mock server (pact-core 19, @pact-foundation/pact 16.3+) records a matched request on a separate task
 * after it has already answered. On a busy machine executeTest can read the match list before that task has run
 * and fail with "expected but not received" for a request the client sent and got the right answer to
 * (pact-foundation/pact-core-mock-server#13). So, after the test body, poll the server's own verdict with a
 * deadline. A request really missing or mismatched still fails: at the deadline executeTest reads the same lists.
 */
import { PactV3, V3MockServer } from '@pact-foundation/pact';
import { ConsumerPact, makeConsumerPact } from '@pact-foundation/pact-core';

const RECORDED_DEADLINE_MS = 2000;
const POLL_INTERVAL_MS = 5;

/** A handle only for reading mock servers' state by port (the FFI keys servers by port, not by pact). */
let probe: ConsumerPact | undefined;
function mockServerProbe(): ConsumerPact {
  probe ??= makeConsumerPact('settled-execution-probe', 'settled-execution-probe', 3, 'warn');
  return probe;
}

async function untilRecorded(port: number): Promise<void> {
  const deadline = Date.now() + RECORDED_DEADLINE_MS;
  while (!mockServerProbe().mockServerMatchedSuccessfully(port) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export function executeSettled<T>(pact: PactV3, testFn: (server: V3MockServer) => Promise<T>): Promise<T | undefined> {
  return pact.executeTest(async (server) => {
    const result = await testFn(server);
    await untilRecorded(server.port);
    return result;
  });
}
