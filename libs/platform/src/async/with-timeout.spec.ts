import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it.each<[string, () => Promise<string>, number, { value?: string; error?: string }]>([
    ['answers in time', () => Promise.resolve('ok'), 1000, { value: 'ok' }],
    ['fails in time', () => Promise.reject(new Error('boom')), 1000, { error: 'boom' }],
    ['never answers', () => new Promise<string>(() => undefined), 20, { error: 'no answer within 20 ms' }],
  ])('%s', async (_name, make, ms, expected) => {
    const outcome = await withTimeout(make(), ms).then(
      (value) => ({ value }),
      (e: Error) => ({ error: e.message }),
    );
    expect(outcome).toEqual(expected);
  });
});
