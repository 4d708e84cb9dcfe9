import { CALL_TYPES, isCallType } from './call-types';

describe('CALL_TYPES / isCallType', () => {
  it('lists the six call types in spec order and is frozen', () => {
    expect(CALL_TYPES).toEqual(['identify', 'track', 'page', 'screen', 'group', 'alias']);
    expect(Object.isFrozen(CALL_TYPES)).toBe(true);
  });

  it.each(CALL_TYPES)('accepts %s', (t) => expect(isCallType(t)).toBe(true));

  it.each([
    ['Track'],
    ['delete'],
    [''],
    ['batch'],
    [null],
    [undefined],
    [1],
    [['track']],
    [{ type: 'track' }],
    ['toString'],
  ])('rejects %p', (v) => expect(isCallType(v)).toBe(false));
});
