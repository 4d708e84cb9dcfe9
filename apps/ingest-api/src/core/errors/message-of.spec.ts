import { messageOf } from './message-of';

describe('messageOf', () => {
  it.each<[string, unknown, string]>([
    ['an Error', new Error('boom'), 'boom'],
    ['an Error subclass', new TypeError('bad type'), 'bad type'],
    ['an error-like object', { statusCode: 400, message: 'too big' }, 'too big'],
    ['a string', 'plain text', 'plain text'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
  ])('%s', (_name, thrown, expected) => {
    expect(messageOf(thrown)).toBe(expected);
  });
});
