import { EventEmitter } from 'events';
import { DatabaseError } from 'pg';
import { messageOf } from './message-of';
import { RateLimitedLog, logErrors } from './rate-limited-log';
import { isDatabaseUnreachableError, isTransientNetworkError } from './transient-error';

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
