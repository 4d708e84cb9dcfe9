import { IdempotencyStore, requestFingerprint } from './idempotency';

const TTL = 1000;
const OK = { status: 200, body: {} };

function storeAt(capacity: number) {
  const clock = { now: 0 };
  return { clock, store: new IdempotencyStore(() => clock.now, capacity) };
}

/** Records `key` as a finished request with fingerprint `fp`. */
function record(store: IdempotencyStore, key: string, fp = 'fp') {
  expect(store.begin(key, fp, TTL)).toEqual({ kind: 'proceed' });
  store.finish(key, OK);
}

describe('IdempotencyStore', () => {
  it.each([
    ['the same request again', 'fp', { kind: 'replay', result: OK }],
    ['another request with the key', 'other', { kind: 'mismatch' }],
  ])('answers %s with %j', (_case, fp, decision) => {
    const { store } = storeAt(10);
    record(store, 'k');
    expect(store.begin('k', fp, TTL)).toEqual(decision);
  });

  it('answers in_flight while the first request with the key runs', () => {
    const { store } = storeAt(10);
    expect(store.begin('k', 'fp', TTL)).toEqual({ kind: 'proceed' });
    expect(store.begin('k', 'fp', TTL)).toEqual({ kind: 'in_flight' });
  });

  it('forgets the oldest key past its capacity, and counts it', () => {
    const { store } = storeAt(2);
    record(store, 'a');
    record(store, 'b');
    record(store, 'c');
    expect(store.size).toBe(2);
    expect(store.evicted).toBe(1);
    expect(store.begin('a', 'fp', TTL)).toEqual({ kind: 'proceed' });
    // 'a' came back as the newest: 'b' went this time.
    expect(store.evicted).toBe(2);
    expect(store.begin('c', 'fp', TTL)).toEqual({ kind: 'replay', result: OK });
  });

  it('holds at most its capacity over many keys, the newest half at least', () => {
    const { store } = storeAt(100);
    for (let i = 0; i < 1000; i++) record(store, `k${i}`);
    expect(store.size).toBe(100);
    expect(store.evicted).toBe(900);
    expect(store.begin('k949', 'fp', TTL)).toEqual({ kind: 'replay', result: OK });
    expect(store.begin('k900', 'fp', TTL)).toEqual({ kind: 'replay', result: OK });
    expect(store.begin('k899', 'fp', TTL)).toEqual({ kind: 'proceed' });
  });

  it('does not count expired records as evicted when their generation is dropped', () => {
    const { clock, store } = storeAt(4);
    record(store, 'a');
    record(store, 'b');
    clock.now = TTL + 1;
    for (const key of ['c', 'd', 'e']) record(store, key);
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(0);
  });

  it('treats an expired key as new', () => {
    const { clock, store } = storeAt(10);
    record(store, 'k');
    clock.now = TTL;
    expect(store.begin('k', 'other', TTL)).toEqual({ kind: 'proceed' });
  });
});

describe('requestFingerprint', () => {
  it('is a fixed-size digest, equal for equal requests only', () => {
    const big = `POST /v2/events ${'x'.repeat(1024 * 1024)}`;
    expect(requestFingerprint(big)).toHaveLength(44);
    expect(requestFingerprint(big)).toBe(requestFingerprint(`POST /v2/events ${'x'.repeat(1024 * 1024)}`));
    expect(requestFingerprint(big)).not.toBe(requestFingerprint(`${big}y`));
  });
});
