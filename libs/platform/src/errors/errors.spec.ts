import { EventEmitter } from 'events';
import { DatabaseError } from 'pg';
import { messageOf } from './message-of';
import { RateLimitedLog, logErrors } from './rate-limited-log';
import Redis, { ReplyError } from 'ioredis';
import { isDatabaseUnreachableError, isRedisUnavailableError, isTransientNetworkError } from './transient-error';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const sqlState = (code: string) => Object.assign(new DatabaseError('refused', 0, 'error'), { code });

describe('messageOf', () => {
  it.each([
    [new TypeError('x is undefined'), 'x is undefined'],
    ['plain text', 'plain text'],
    [42, '42'],
    [undefined, 'undefined'],
  ])('%p', (e, expected) => {
    expect(messageOf(e)).toBe(expected);
  });
});

describe('isDatabaseUnreachableError', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), true],
    ['a reset socket', withCode('ECONNRESET'), true],
    ['class 08 (connection failure)', sqlState('08006'), true],
    ['57P01 admin shutdown', sqlState('57P01'), true],
    ['40001 serialization failure', sqlState('40001'), true],
    ['53300 too many connections', sqlState('53300'), true],
    ['the driver: terminated unexpectedly', new Error('Connection terminated unexpectedly'), true],
    ['the pool: connect timeout', new Error('timeout exceeded when trying to connect'), true],
    [
      'TypeORM wrapping the driver',
      Object.assign(new Error('q'), { driverError: new Error('Connection terminated') }),
      true,
    ],
    ['TypeORM wrapping 57P01', Object.assign(new Error('q'), { code: '57P01', driverError: sqlState('57P01') }), true],
    ['TypeORM wrapping 23505', Object.assign(new Error('q'), { code: '23505', driverError: sqlState('23505') }), false],
    ['23505 unique violation', sqlState('23505'), false],
    ['42601 syntax error', sqlState('42601'), false],
    ['a bug', new TypeError('x is undefined'), false],
    ['a text that merely mentions it', new Error('bad input: Connection terminated unexpectedly?'), false],
    ['a TypeError with the driver text', new TypeError('Connection terminated'), false],
    ['nothing', undefined, false],
  ])('%s → %s', (_name, e, expected) => {
    expect(isDatabaseUnreachableError(e)).toBe(expected);
  });
});

describe('isTransientNetworkError', () => {
  it.each([
    ['undici connect timeout', withCode('UND_ERR_CONNECT_TIMEOUT'), true],
    ['undici socket error', withCode('UND_ERR_SOCKET'), true],
    [
      'a fetch failure wrapping a reset',
      Object.assign(new TypeError('fetch failed'), { cause: withCode('ECONNRESET') }),
      true,
    ],
    ['an invalid argument', withCode('UND_ERR_INVALID_ARG'), false],
    ['a plain error', new Error('ECONNRESET in the text only'), false],
  ])('%s → %s', (_name, e, expected) => {
    expect(isTransientNetworkError(e)).toBe(expected);
  });
});

describe('isRedisUnavailableError', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED'), true],
    ["ioredis's closed connection", new Error('Connection is closed.'), true],
    ['a cluster gone', new Error('Cluster is disconnected.'), true],
    ['Redis loading its data', new ReplyError('LOADING Redis is loading the dataset in memory'), true],
    ['a refused command', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'), false],
    ['the text inside another message', new Error('queue redis down: Connection is closed.'), false],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')"), false],
  ])('%s → %s', (_name, e, expected) => {
    expect(isRedisUnavailableError(e)).toBe(expected);
  });

  it('recognises what a real ioredis client raises when Redis cannot be reached', async () => {
    // A port nothing listens on: one connection try, no retries per command. disconnectTimeout 0 (both clients):
    // ioredis keeps a timer of that length after disconnecting a client whose connection already failed (2 s by
    // default), and the Jest worker running this file waited for it before it could exit.
    const gaveUp = new Redis({
      host: '127.0.0.1',
      port: 9,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
      disconnectTimeout: 0,
    });
    const offline = new Redis({
      host: '127.0.0.1',
      port: 9,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
      disconnectTimeout: 0,
    });
    gaveUp.on('error', () => undefined);
    offline.on('error', () => undefined);
    try {
      const failures = await Promise.all([
        gaveUp.get('k').catch((e: unknown) => e),
        offline.get('k').catch((e: unknown) => e),
      ]);
      expect(failures.map((e) => [e instanceof Error, isRedisUnavailableError(e)])).toEqual([
        [true, true],
        [true, true],
      ]);
    } finally {
      gaveUp.disconnect();
      offline.disconnect();
    }
  });
});

describe('RateLimitedLog', () => {
  it('logs a key at most once an interval, then says how many it left out', () => {
    const lines: string[] = [];
    let t = 0;
    const log = new RateLimitedLog({ warn: (m: string) => void lines.push(m) }, 1000, () => t);
    log.warn('pool', 'pool: down');
    log.warn('pool', 'pool: down');
    log.warn('other', 'other: down');
    t = 500;
    log.warn('pool', 'pool: down');
    t = 1500;
    log.warn('pool', 'pool: still down');
    expect(lines).toEqual(['pool: down', 'other: down', 'pool: still down (2 more since the last report)']);
  });

  it('logErrors reports the error events of an emitter', () => {
    const lines: string[] = [];
    const emitter = new EventEmitter();
    logErrors(emitter, 'redis worker-1', new RateLimitedLog({ warn: (m: string) => void lines.push(m) }));
    emitter.emit('error', new Error('ECONNREFUSED'));
    expect(lines).toEqual(['redis worker-1: ECONNREFUSED']);
  });
});
