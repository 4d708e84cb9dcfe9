import { DeletionStatus, deletionStatus, destinationStatus, requestedUsers } from './deletion-status';

const dest = (total: number, done: number, failed: number) => ({ destinationId: 'd', total, done, failed });

describe('destinationStatus', () => {
  it.each<[string, ReturnType<typeof dest>, DeletionStatus]>([
    ['all delivered', dest(2, 2, 0), 'completed'],
    ['one still open', dest(2, 1, 0), 'pending'],
    ['one failed', dest(2, 1, 1), 'failed'],
  ])('%s', (_n, c, expected) => expect(destinationStatus(c)).toBe(expected));
});

describe('deletionStatus', () => {
  it.each<[string, DeletionStatus, ReturnType<typeof dest>[], DeletionStatus]>([
    ['erasure and deletions done', 'completed', [dest(1, 1, 0), dest(1, 1, 0)], 'completed'],
    ['no destination, erasure done', 'completed', [], 'completed'],
    ['erasure running', 'pending', [dest(1, 1, 0)], 'pending'],
    ['a destination pending', 'completed', [dest(1, 0, 0)], 'pending'],
    ['a destination failed', 'completed', [dest(1, 0, 1)], 'failed'],
    ['erasure failed', 'failed', [dest(1, 1, 0)], 'failed'],
    ['failure wins over pending', 'pending', [dest(1, 0, 1)], 'failed'],
  ])('%s', (_n, erasure, dests, expected) => expect(deletionStatus(erasure, dests)).toBe(expected));
});

describe('requestedUsers', () => {
  it.each<[string, { userId?: string; userIds?: string[] }, string[]]>([
    ['one user', { userId: 'u1' }, ['u1']],
    ['a list, repeats and blanks dropped', { userIds: ['a', 'b', 'a', ' '] }, ['a', 'b']],
    ['the list wins over userId', { userId: 'x', userIds: ['a'] }, ['a']],
    ['nothing', {}, []],
    ['a blank userId', { userId: '  ' }, []],
  ])('%s', (_n, input, expected) => expect(requestedUsers(input)).toEqual(expected));
});
