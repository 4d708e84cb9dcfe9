import { DatabaseError } from 'pg';
import { isDatabaseUnreachableError } from './connectivity';

describe('isDatabaseUnreachableError', () => {
  it('recognises outages', () => {
    expect(
      isDatabaseUnreachableError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnreachableError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnreachableError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    const shutdown = new DatabaseError('terminating connection due to administrator command', 0, 'error');
    shutdown.code = '57P01';
    expect(isDatabaseUnreachableError(shutdown)).toBe(true);
  });

  it('does not mistake refused statements or bugs for outages', () => {
    const unique = new DatabaseError('duplicate key value violates unique constraint', 0, 'error');
    unique.code = '23505';
    expect(isDatabaseUnreachableError(unique)).toBe(false);
    expect(isDatabaseUnreachableError(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnreachableError(undefined)).toBe(false);
  });
});
